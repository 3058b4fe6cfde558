// Choosing the Region store: a map from kind to factory, as make-seal.ts chooses the seal. SQLite
// is the only kind today; a PostgreSQL store is added by one entry here, and passes the one
// conformance suite (test/conformance/store-conformance.ts) every store passes. Each kind also
// says which Regions have a store in a data directory, and opens one to read its audit trail only
// (`meridian audit`), so nothing outside store/ knows how a kind keeps its data. A store that is
// damaged or cannot be opened is a StoreFault naming its Region and where it lives; one open is
// guarded against damage met later (damage-guard.ts).

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import { openSqliteAuditReader } from "./sqlite/sqlite-audit-reader.js";
import { isSqliteDamage } from "./sqlite/sqlite-damage.js";
import type { AuditReader, RegionStore } from "./store.js";
import type { Logger } from "../util/logger.js";
import { StoreFault } from "./store-fault.js";
import { guardAgainstDamage, type DamageWatch } from "./damage-guard.js";

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
  /** where the Region's store lives, as errors name it (a file, a database) */
  where(place: StorePlace, config: C): string;
  /** does this error of the kind's say the store's data is damaged? */
  isDamage(error: unknown): boolean;
  openAuditReader(place: StorePlace, config: C): Promise<AuditReader>;
  /** the Regions with a store in `dataDir`, sorted */
  regions(dataDir: string, config: C): Promise<string[]>;
}

const SQLITE = ".sqlite";
const sqliteFile = ({ dataDir, region }: StorePlace) => join(dataDir, `${region}${SQLITE}`);
const kinds: { [K in StoreKind]: Kind<Extract<StoreConfig, { kind: K }>> } = {
  // one file per Region in the data directory (DESIGN §7)
  sqlite: {
    open: async (place) => openSqliteStore(sqliteFile(place), place.region, place.log),
    where: sqliteFile,
    isDamage: isSqliteDamage,
    openAuditReader: async (place) => openSqliteAuditReader(sqliteFile(place)),
    regions: async (dataDir) =>
      existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.endsWith(SQLITE)).map((f) => f.slice(0, -SQLITE.length)).sort() : [],
  },
};

const DEFAULT_STORE: StoreConfig = { kind: "sqlite" };
const kindOf = (config: StoreConfig) => kinds[config.kind] as Kind<StoreConfig>;

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
