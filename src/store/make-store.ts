// Choosing the Region store: a map from kind to factory, as make-seal.ts chooses the seal. SQLite
// is the only kind today; a PostgreSQL store is added by one entry here, and passes the one
// conformance suite (test/conformance/store-conformance.ts) every store passes. Each kind also
// says which Regions have a store in a data directory, and opens one to read its audit trail only
// (`meridian audit`), so nothing outside store/ knows how a kind keeps its data.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import { openSqliteAuditReader } from "./sqlite/sqlite-audit-reader.js";
import type { AuditReader, RegionStore } from "./store.js";
import type { Logger } from "../util/logger.js";

export type StoreConfig = { kind: "sqlite" };
type StoreKind = StoreConfig["kind"];

/** Where a Region's store lives: the node's data directory and the Region it belongs to. */
export interface StorePlace {
  dataDir: string;
  region: string;
  /** where the store tells operators what they must act on (a full disk); stderr by default */
  log?: Logger;
}

// Opening is asynchronous, though SQLite's is not: a server-backed store connects first.
interface Kind<C> {
  open(place: StorePlace, config: C): Promise<RegionStore>;
  openAuditReader(place: StorePlace, config: C): Promise<AuditReader>;
  /** the Regions with a store in `dataDir`, sorted */
  regions(dataDir: string, config: C): Promise<string[]>;
}

const SQLITE = ".sqlite";
const kinds: { [K in StoreKind]: Kind<Extract<StoreConfig, { kind: K }>> } = {
  // one file per Region in the data directory (DESIGN §7)
  sqlite: {
    open: async ({ dataDir, region, log }) => openSqliteStore(join(dataDir, `${region}${SQLITE}`), region, log),
    openAuditReader: async ({ dataDir, region }) => openSqliteAuditReader(join(dataDir, `${region}${SQLITE}`)),
    regions: async (dataDir) =>
      existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.endsWith(SQLITE)).map((f) => f.slice(0, -SQLITE.length)).sort() : [],
  },
};

const DEFAULT_STORE: StoreConfig = { kind: "sqlite" };
const kindOf = (config: StoreConfig) => kinds[config.kind] as Kind<StoreConfig>;

/** Open (creating when absent) the store of one Region. */
export function openStore(place: StorePlace, config: StoreConfig = DEFAULT_STORE): Promise<RegionStore> {
  return kindOf(config).open(place, config);
}

/** Open an existing Region store to read its audit trail, changing nothing in it. */
export function openAuditReader(place: StorePlace, config: StoreConfig = DEFAULT_STORE): Promise<AuditReader> {
  return kindOf(config).openAuditReader(place, config);
}

/** The Regions that have a store in `dataDir`, sorted. */
export function storedRegions(dataDir: string, config: StoreConfig = DEFAULT_STORE): Promise<string[]> {
  return kindOf(config).regions(dataDir, config);
}
