// Choosing the Region store: a map from kind to factory, as make-seal.ts chooses the seal. SQLite
// is the only kind today; a PostgreSQL store is added by one entry here, and passes the one
// conformance suite (test/conformance/store-conformance.ts) every store passes. Each kind also
// says which Regions have a store in a data directory, opens one to read its audit trail only
// (`meridian audit`), and copies, checks and installs stores for `meridian backup` and `meridian
// restore` (store-backup.ts), so nothing outside store/ knows how a kind keeps its data.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import { openSqliteAuditReader } from "./sqlite/sqlite-audit-reader.js";
import { checkSqliteCopy, installSqliteCopy, isSqliteStoreFile, snapshotSqliteStores } from "./sqlite/sqlite-backup.js";
import type { AuditReader, RegionStore } from "./store.js";
import type { StoreSnapshot } from "./store-backup.js";

export type StoreConfig = { kind: "sqlite" };
type StoreKind = StoreConfig["kind"];

/** Where a Region's store lives: the node's data directory and the Region it belongs to. */
export interface StorePlace {
  dataDir: string;
  region: string;
}

// Opening is asynchronous, though SQLite's is not: a server-backed store connects first.
interface Kind<C> {
  open(place: StorePlace, config: C): Promise<RegionStore>;
  openAuditReader(place: StorePlace, config: C): Promise<AuditReader>;
  /** the Regions with a store in `dataDir`, sorted */
  regions(dataDir: string, config: C): Promise<string[]>;
  /** the stores of `regions` in `dataDir` as they all are at one moment, beside a server writing them */
  snapshot(dataDir: string, regions: string[], config: C): Promise<StoreSnapshot>;
  /** throws, naming the file and the problem, unless `file` is a whole copy of a store */
  checkCopy(file: string, config: C): Promise<void>;
  /** make a checked copy (moved, not copied) `place`'s store, replacing the one there */
  installCopy(file: string, place: StorePlace, config: C): Promise<void>;
  /** whether a file in a data directory belongs to a Region's store (a backup takes it through snapshot) */
  isStoreFile(name: string): boolean;
}

const SQLITE = ".sqlite";
const kinds: { [K in StoreKind]: Kind<Extract<StoreConfig, { kind: K }>> } = {
  // one file per Region in the data directory (DESIGN §7)
  sqlite: {
    open: async ({ dataDir, region }) => openSqliteStore(join(dataDir, `${region}${SQLITE}`), region),
    openAuditReader: async ({ dataDir, region }) => openSqliteAuditReader(join(dataDir, `${region}${SQLITE}`)),
    regions: async (dataDir) =>
      existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.endsWith(SQLITE)).map((f) => f.slice(0, -SQLITE.length)).sort() : [],
    snapshot: (dataDir, regions) => snapshotSqliteStores(new Map(regions.map((r) => [r, join(dataDir, `${r}${SQLITE}`)]))),
    checkCopy: (file) => checkSqliteCopy(file),
    installCopy: (file, { dataDir, region }) => installSqliteCopy(file, dataDir, region),
    isStoreFile: isSqliteStoreFile,
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

/** The kind of store, as a backup records it (a restore installs only copies of its own kind). */
export function storeKind(config: StoreConfig = DEFAULT_STORE): StoreKind {
  return config.kind;
}

/** The stores of `regions` in `dataDir` as they all are at one moment, for a backup. */
export function snapshotStores(dataDir: string, regions: string[], config: StoreConfig = DEFAULT_STORE): Promise<StoreSnapshot> {
  return kindOf(config).snapshot(dataDir, regions, config);
}

/** Throws, naming the file and the problem, unless `file` is a whole copy of a store (a restore checks before it replaces). */
export function checkStoreCopy(file: string, config: StoreConfig = DEFAULT_STORE): Promise<void> {
  return kindOf(config).checkCopy(file, config);
}

/** Make a checked copy `place`'s store, replacing the one there. */
export function installStoreCopy(file: string, place: StorePlace, config: StoreConfig = DEFAULT_STORE): Promise<void> {
  return kindOf(config).installCopy(file, place, config);
}

/** Whether a file in a data directory belongs to a Region's store. */
export function isStoreFile(name: string, config: StoreConfig = DEFAULT_STORE): boolean {
  return kindOf(config).isStoreFile(name);
}
