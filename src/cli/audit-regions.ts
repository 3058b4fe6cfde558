// Which Region stores `meridian audit` and `meridian audit verify` read: the ones asked for with
// --region, else every Region with a store in the data directory, or in the PostgreSQL database of
// --store / MERIDIAN_STORE (the store kind knows which).

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseStoreConfig, storedRegions, type StoreConfig } from "../store/make-store.js";

/** The data directory, the store kind, and the Regions asked for (`--region`, else every Region with a store there). */
export async function regionsToRead(
  dir: string | undefined,
  regions: string | undefined,
  env: NodeJS.ProcessEnv,
  storeOption?: string,
): Promise<{ dataDir: string; wanted: string[]; store: StoreConfig }> {
  const store = parseStoreConfig(storeOption ?? env.MERIDIAN_STORE);
  const dataDir = resolve(dir ?? env.MERIDIAN_DATA_DIR ?? ".meridian");
  if (store.kind === "sqlite" && !existsSync(dataDir)) throw new Error(`no data directory at ${dataDir}`);
  const where = store.kind === "sqlite" ? dataDir : "the PostgreSQL database of --store";
  const stored = await storedRegions(dataDir, store);
  const wanted = regions?.split(",").map((r) => r.trim()).filter(Boolean) ?? stored;
  for (const r of wanted) if (!stored.includes(r)) throw new Error(`no store for Region ${r} in ${where}`);
  return { dataDir, wanted, store };
}
