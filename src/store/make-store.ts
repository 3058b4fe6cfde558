// Choosing the Region store: a map from kind to factory, as make-seal.ts chooses the seal. SQLite
// (a file per Region in the data directory) or PostgreSQL (a schema per Region in the database of
// a connection string, shared by several nodes); both pass the one conformance suite
// (test/conformance/store-conformance.ts). Each kind also
// says which Regions have a store in a data directory, opens one to read its audit trail only
// (`meridian audit`), and copies, checks and installs stores for `meridian backup` and `meridian
// restore` (store-backup.ts), and is held while served so that `meridian admin` can refuse a store
// in use (holdStore), so nothing outside store/ knows how a kind keeps its data. A store
// that is damaged or cannot be opened is a StoreFault naming its Region and where it lives; one
// open is guarded against damage met later (damage-guard.ts).

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import { openSqliteAuditReader } from "./sqlite/sqlite-audit-reader.js";
import { isSqliteDamage } from "./sqlite/sqlite-damage.js";
import type { AuditReader, RegionStore } from "./store.js";
import { makeLogger, type Logger } from "../util/logger.js";
import { StoreFault } from "./store-fault.js";
import { guardAgainstDamage, type DamageWatch } from "./damage-guard.js";
import { checkSqliteCopy, installSqliteCopy, isSqliteStoreFile, snapshotSqliteStores } from "./sqlite/sqlite-backup.js";
import type { StoreSnapshot } from "./store-backup.js";
import { openPostgresStore } from "./postgres/postgres-store.js";
import { openPostgresAuditReader } from "./postgres/postgres-audit-reader.js";
import { isPostgresDamage } from "./postgres/postgres-errors.js";
import { postgresRegions, schemaFor } from "./postgres/postgres-schema.js";
import { holdAlone, holdServing } from "./postgres/postgres-serving-lock.js";

export type StoreConfig =
  | { kind: "sqlite" }
  /** `schema` names the Region's schema; `meridian_<region>` when absent (one schema per Region) */
  | { kind: "postgres"; url: string; schema?: string };
type StoreKind = StoreConfig["kind"];

/** Where a Region's store lives: the node's data directory and the Region it belongs to. */
export interface StorePlace {
  dataDir: string;
  region: string;
  /** where the store tells operators what they must act on (a full disk); stderr by default */
  log?: Logger;
  /**
   * no other process opens this store (`meridian serve --workers 1`, a data directory's lock held):
   * its caches need not look for other processes' changes. Other processes may when absent.
   */
  sole?: boolean;
}

// Opening is asynchronous, though SQLite's is not: a server-backed store connects first.
interface Kind<C> {
  open(place: StorePlace, config: C): Promise<RegionStore>;
  /** where the Region's store lives, as errors name it (a file, a database) */
  where(place: StorePlace, config: C): string;
  /** does this error of the kind's say the store's data is damaged? */
  isDamage(error: unknown): boolean;
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
  /** hold the store as `holdStore` says; resolves to what gives it up */
  hold(place: StorePlace, config: C, how: StoreHolding): Promise<() => Promise<void>>;
}

/**
 * `serving`: a node serves the store (any number may at once); `alone`: an operator tool must be the
 * only one using it (`meridian admin reset-key`), refused while a node serves it.
 */
export type StoreHolding = "serving" | "alone";

const SQLITE = ".sqlite";
const sqliteFile = ({ dataDir, region }: StorePlace) => join(dataDir, `${region}${SQLITE}`);
const pgSchema = (place: StorePlace, config: { schema?: string }) => config.schema ?? schemaFor(place.region);
/** The connection string without its password, as errors and logs may show it. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "a PostgreSQL connection string that is not a URL";
  }
}
const pgWhere = (place: StorePlace, config: { url: string; schema?: string }) => `schema ${pgSchema(place, config)} of ${redactUrl(config.url)}`;
const DEFAULT_STORE: StoreConfig = { kind: "sqlite" };
const NO_BACKUP = "this is a PostgreSQL store: back it up with pg_dump (or your PostgreSQL's own backups), not meridian backup";
const kinds: { [K in StoreKind]: Kind<Extract<StoreConfig, { kind: K }>> } = {
  // one file per Region in the data directory (DESIGN §7)
  sqlite: {
    open: async (place) => openSqliteStore(sqliteFile(place), place.region, place.log, { sole: place.sole }),
    where: sqliteFile,
    isDamage: isSqliteDamage,
    openAuditReader: async (place) => openSqliteAuditReader(sqliteFile(place)),
    regions: async (dataDir) =>
      existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.endsWith(SQLITE)).map((f) => f.slice(0, -SQLITE.length)).sort() : [],
    snapshot: (dataDir, regions) => snapshotSqliteStores(new Map(regions.map((r) => [r, join(dataDir, `${r}${SQLITE}`)]))),
    checkCopy: (file) => checkSqliteCopy(file),
    installCopy: (file, { dataDir, region }) => installSqliteCopy(file, dataDir, region),
    isStoreFile: isSqliteStoreFile,
    // Nothing to hold: a SQLite store lives in the data directory, which a server and a tool lock
    // whole (region/data-dir-lock.ts).
    hold: async () => async () => undefined,
  },
  // a schema per Region in the database of a connection string, shared by the Region's nodes
  postgres: {
    open: (place, config) => openPostgresStore({ url: config.url, schema: pgSchema(place, config), region: place.region, log: place.log }),
    where: pgWhere,
    isDamage: isPostgresDamage,
    openAuditReader: (place, config) => openPostgresAuditReader(config.url, pgSchema(place, config), place.region),
    regions: (_dataDir, config) => postgresRegions(config.url),
    snapshot: () => Promise.reject(new Error(NO_BACKUP)),
    checkCopy: () => Promise.reject(new Error(NO_BACKUP)),
    installCopy: () => Promise.reject(new Error(NO_BACKUP)),
    isStoreFile: () => false,
    hold: (place, config, how) =>
      how === "alone"
        ? holdAlone(config.url, pgSchema(place, config), pgWhere(place, config))
        : holdServing(config.url, pgSchema(place, config), (e) =>
            (place.log ?? makeLogger()).error("the connection holding the Region's PostgreSQL store as served was lost; it is opened again", {
              region: place.region,
              error: e.message,
            }),
          ),
  },
};

/**
 * The store from `--store` / MERIDIAN_STORE or a topology file's `store:`: `sqlite` (the default),
 * or a PostgreSQL connection string (postgres:// or postgresql://). Throws a one-line message.
 */
export function parseStoreConfig(text: string | undefined): StoreConfig {
  const value = text?.trim();
  if (!value || value === "sqlite") return DEFAULT_STORE;
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new Error(`the store '${redactUrl(value)}' is not a valid PostgreSQL connection string`);
    }
    return { kind: "postgres", url: value };
  }
  throw new Error(`a store is 'sqlite' or a postgres:// connection string, not '${value.split(":")[0]}…'`);
}

const kindOf = (config: StoreConfig) => kinds[config.kind] as Kind<StoreConfig>;

/** A Region's store, as `meridian serve` chooses it: its topology entry's `store:`, else the process's (`--store`). */
export function regionStoreConfig(region: { store?: string }, processStore: StoreConfig = DEFAULT_STORE): StoreConfig {
  return region.store ? parseStoreConfig(region.store) : processStore;
}

/** Where a Region's store lives, as messages name it (a file, a schema of a database). */
export function storeWhere(place: StorePlace, config: StoreConfig = DEFAULT_STORE): string {
  return kindOf(config).where(place, config);
}

/**
 * Hold `place`'s store until the returned function is called: as served by this process, or alone
 * (StoreHolding). Serving, what stops it is a StoreFault as for `openStore`; alone, the refusal
 * names the nodes serving the store when the kind can tell.
 */
export async function holdStore(place: StorePlace, config: StoreConfig, how: StoreHolding): Promise<() => Promise<void>> {
  const kind = kindOf(config);
  if (how === "alone") return kind.hold(place, config, how);
  const watch = { region: place.region, place: kind.where(place, config), isDamage: kind.isDamage };
  return faultNamed(watch, () => kind.hold(place, config, how));
}

/**
 * Open (creating when absent) and check the store of one Region; a StoreFault when it is damaged or
 * cannot be opened. `onFault` hears, once, of damage the open store meets later.
 */
export async function openStore(place: StorePlace, config: StoreConfig = DEFAULT_STORE, onFault?: DamageWatch["onFault"]): Promise<RegionStore> {
  const kind = kindOf(config);
  const watch = { region: place.region, place: kind.where(place, config), isDamage: kind.isDamage, onFault };
  return guardAgainstDamage(await faultNamed(watch, () => kind.open(place, config)), watch);
}

/** Open an existing Region store to read its audit trail, changing nothing in it; damage is a StoreFault naming it. */
export async function openAuditReader(place: StorePlace, config: StoreConfig = DEFAULT_STORE): Promise<AuditReader> {
  const kind = kindOf(config);
  const watch = { region: place.region, place: kind.where(place, config), isDamage: kind.isDamage };
  return guardAgainstDamage(await faultNamed(watch, () => kind.openAuditReader(place, config)), watch);
}

/** The Regions that have a store in `dataDir`, sorted. */
export function storedRegions(dataDir: string, config: StoreConfig = DEFAULT_STORE): Promise<string[]> {
  return kindOf(config).regions(dataDir, config);
}

/** Whatever stops `open` is a StoreFault naming the Region and its store: damaged, or not openable. */
async function faultNamed<T>(watch: DamageWatch, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    throw new StoreFault(watch.region, watch.place, watch.isDamage(e), e instanceof Error ? e.message : String(e));
  }
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
