// Choosing the Region store: a map from kind to factory, as make-seal.ts chooses the seal. SQLite
// is the only kind today; a PostgreSQL store is added by one entry here, and passes the one
// conformance suite (test/conformance/store-conformance.ts) every store passes.

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

// Opening is asynchronous, though SQLite's is not: a server-backed store connects first.
type Factory<C> = (place: StorePlace, config: C) => Promise<RegionStore>;

const factories: { [K in StoreKind]: Factory<Extract<StoreConfig, { kind: K }>> } = {
  // one file per Region in the data directory (DESIGN §7)
  sqlite: async ({ dataDir, region }) => openSqliteStore(sqliteFileOf(dataDir, region), region),
};

const DEFAULT_STORE: StoreConfig = { kind: "sqlite" };

/** Open (creating when absent) the store of one Region. */
export function openStore(place: StorePlace, config: StoreConfig = DEFAULT_STORE): Promise<RegionStore> {
  return (factories[config.kind] as Factory<StoreConfig>)(place, config);
}

/** The SQLite file of a Region's store; `meridian audit` still reads these directly (issue 11 item 5). */
function sqliteFileOf(dataDir: string, region: string): string {
  return join(dataDir, `${region}.sqlite`);
}
