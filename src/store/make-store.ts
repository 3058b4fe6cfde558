// Choosing the Region store: a map from kind to factory, as make-seal.ts chooses the seal. SQLite
// is the only kind today; a PostgreSQL store is added by one entry here, and passes the one
// conformance suite (store-conformance.ts) every store passes.

import { join } from "node:path";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import type { RegionStore } from "./store.js";

export type StoreConfig = { kind: "sqlite" };
export type StoreKind = StoreConfig["kind"];

/** Where a Region's store lives: the node's data directory and the Region it belongs to. */
export interface StorePlace {
  dataDir: string;
  region: string;
}

const factories: { [K in StoreKind]: (place: StorePlace, config: Extract<StoreConfig, { kind: K }>) => RegionStore } = {
  // one file per Region in the data directory (DESIGN §7)
  sqlite: ({ dataDir, region }) => openSqliteStore(sqliteFileOf(dataDir, region)),
};

export const STORE_KINDS = Object.keys(factories) as StoreKind[];

export const DEFAULT_STORE: StoreConfig = { kind: "sqlite" };

/** Open (creating when absent) the store of one Region. */
export function openStore(place: StorePlace, config: StoreConfig = DEFAULT_STORE): RegionStore {
  return (factories[config.kind] as (p: StorePlace, c: StoreConfig) => RegionStore)(place, config);
}

/** The SQLite file of a Region's store; `meridian audit` still reads these directly (issue 11 item 5). */
export function sqliteFileOf(dataDir: string, region: string): string {
  return join(dataDir, `${region}.sqlite`);
}
