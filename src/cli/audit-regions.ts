// Which Region stores `meridian audit` and `meridian audit verify` read: the ones asked for with
// --region, else every Region with a store. Without a topology, the stores are the data directory's
// SQLite files, or the PostgreSQL database of --store / MERIDIAN_STORE (the store kind knows which
// Regions it holds); with --topology / MERIDIAN_TOPOLOGY, each Region's store is found where
// `meridian serve` opens it (its entry's `store:`, else the process's).

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadTopologyFile } from "../config/topology-file.js";
import { parseStoreConfig, storedRegions, type StoreConfig } from "../store/make-store.js";
import { regionsWithStore } from "../region/region-stores.js";

export interface RegionsToRead {
  dataDir: string;
  /** the Regions asked for, each with the store it is in */
  wanted: { region: string; store: StoreConfig }[];
  /** where the stores were looked for, as messages say it */
  where: string;
}

export interface AuditStoreOptions {
  "data-dir"?: string;
  region?: string;
  store?: string;
  topology?: string;
}

/** The data directory and the Regions asked for (`--region`, else every Region with a store), each with its store. */
export async function regionsToRead(options: AuditStoreOptions, env: NodeJS.ProcessEnv): Promise<RegionsToRead> {
  const processStore = parseStoreConfig(options.store ?? env.MERIDIAN_STORE);
  const dataDir = resolve(options["data-dir"] ?? env.MERIDIAN_DATA_DIR ?? ".meridian");
  const topologyFile = options.topology ?? env.MERIDIAN_TOPOLOGY;
  let stored: Map<string, StoreConfig>;
  let where: string;
  if (topologyFile) {
    stored = await regionsWithStore(dataDir, loadTopologyFile(resolve(topologyFile)), processStore);
    where = `${dataDir} or the stores the topology names`;
  } else {
    if (processStore.kind === "sqlite" && !existsSync(dataDir)) throw new Error(`no data directory at ${dataDir}`);
    stored = new Map((await storedRegions(dataDir, processStore)).map((r) => [r, processStore]));
    where = processStore.kind === "sqlite" ? dataDir : "the PostgreSQL database of --store";
  }
  const names = options.region?.split(",").map((r) => r.trim()).filter(Boolean) ?? [...stored.keys()];
  for (const r of names) if (!stored.has(r)) throw new Error(`no store for Region ${r} in ${where}`);
  return { dataDir, wanted: names.map((region) => ({ region, store: stored.get(region)! })), where };
}

/** The option both commands take for the topology, and its line of usage. */
export const TOPOLOGY_OPTION = { topology: { type: "string" } } as const;
export const TOPOLOGY_USAGE = `  --topology <file>    the topology file meridian serve runs with (MERIDIAN_TOPOLOGY): each Region's
                       store is read where its entry's store: names, else --store
`;
