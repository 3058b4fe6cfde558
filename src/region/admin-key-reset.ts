// Recovering a lost admin key (issue 12 item 5, `meridian admin reset-key`): with the data directory
// and its seal, and no server running on the stores, the operator account's root user gets a new
// access key in every partition whose identities these stores own, every other root key of the
// account is deleted, and a ResetAdminKey event goes into the audit trail of the Region holding them.
// Each Region's store is the one `meridian serve` would open (SQLite in the data directory, or the
// PostgreSQL of --store or of the Region's `store:`, issue 14), held alone while the reset runs. Done
// in two steps so the caller can show the new key before anything is stored: `prepareAdminKeyReset`
// checks everything and changes nothing; `commit` stores.

import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { identityPlaces } from "../config/identity-home.js";
import { allRegions, findRegion, type Topology } from "../config/topology.js";
import type { CloudTrailEvent } from "../contract/audit-records.js";
import { makeIdentityDirectory } from "../identity/directory.js";
import type { Seal } from "../seal/seal.js";
import { holdStore, regionStoreConfig, storeWhere, type StoreConfig } from "../store/make-store.js";
import { regionsWithStore } from "./region-stores.js";
import type { RegionStore } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { lockDataDir } from "./data-dir-lock.js";
import { openSealedStore } from "./region-node.js";

export interface AdminKeyResetOptions {
  dataDir: string;
  seal: Seal;
  topology: Topology;
  /** the operator account (serve --account-id) */
  accountId: string;
  clock: Clock;
  /** who ran it, as the audit event names them: the local user and host, the tool's user agent */
  operator: { user: string; host: string; userAgent: string };
  /** the store of every Region whose topology entry names none, as `meridian serve --store` takes it; SQLite when absent */
  store?: StoreConfig;
}

interface PartitionReset {
  partition: string;
  /** the Region whose store holds the partition's identities, and its audit trail of the reset */
  region: string;
  /** where that store lives (a file, a schema of a database) */
  where: string;
  /** the root keys the reset deletes */
  revokes: string[];
}

export interface AdminKeyReset {
  partitions: PartitionReset[];
  /**
   * Store `key` as the account root's only key in each partition, then its audit event. Throws
   * ResetIncomplete at the first step that fails; the partitions before it are reset.
   */
  commit(key: { accessKeyId: string; secretAccessKey: string }): Promise<void>;
  /** close the stores and give the data directory back */
  close(): Promise<void>;
}

/** A commit that failed part way: in which partition, and at which step (its key, or its audit event). */
export class ResetIncomplete extends Error {
  constructor(
    readonly partition: string,
    readonly step: "key" | "audit",
    cause: Error,
  ) {
    super(cause.message, { cause });
  }
}

export async function prepareAdminKeyReset(opts: AdminKeyResetOptions): Promise<AdminKeyReset> {
  const { dataDir, topology, accountId } = opts;
  // Needed whatever the store: the seal's files live there, and a seal must not make a new root key.
  if (!existsSync(dataDir)) throw new Error(`no data directory at ${dataDir}`);
  const configOf = (region: string) => regionStoreConfig(findRegion(topology, region)!, opts.store);
  const stored = [...(await regionsWithStore(dataDir, topology, opts.store)).keys()];
  const searched = allRegions(topology).some((r) => configOf(r.name).kind === "postgres")
    ? `${dataDir} or the PostgreSQL stores of --store and the topology`
    : dataDir;
  if (stored.length === 0) {
    throw new Error(
      `no Region of the topology has a store in ${searched}: give the --data-dir, --store and --topology meridian serve runs with (its first start makes the admin key)`,
    );
  }
  const places = identityPlaces(topology, (r) => stored.includes(r));
  const owned = places.filter((p) => p.follows === undefined);
  if (owned.length === 0) {
    const homes = [...new Set(places.map((p) => p.follows))].join(", ");
    throw new Error(
      `the identities in ${searched} are a copy of those of the process serving ${homes}: reset the admin key on that process's data directory; the copy brings the new key here`,
    );
  }

  const lock = lockDataDir(dataDir); // refuses while a server holds the directory, naming it
  const held: (() => Promise<void>)[] = [];
  const stores: RegionStore[] = [];
  const close = async () => {
    for (const s of stores) await s.close();
    for (const giveUp of held) await giveUp();
    lock.release();
  };
  try {
    // Before anything is read: refused while a node serves a store (PostgreSQL's, from any machine).
    for (const place of owned) held.push(await holdStore({ dataDir, region: place.region }, configOf(place.region), "alone"));
    const rootKey = await opts.seal.loadRootKey();
    const homes = [];
    try {
      for (const place of owned) {
        const { store, wrapper } = await openSealedStore(place.region, dataDir, rootKey, { store: configOf(place.region) });
        stores.push(store);
        homes.push({ partition: place.partition, store, wrapper });
      }
    } finally {
      rootKey.fill(0);
    }
    const identity = makeIdentityDirectory(homes, opts.clock);
    await identity.load();
    const partitions = owned.map((place, i) => {
      const dir = identity.partition(place.partition)!;
      const where = storeWhere({ dataDir, region: place.region }, configOf(place.region));
      const revokes = dir.accessKeys(accountId).filter((k) => k.userName === undefined).map((k) => k.accessKeyId);
      if (revokes.length === 0 && !dir.hasAccount(accountId)) {
        const known = dir.accounts().map((a) => a.accountId).join(", ") || "none";
        throw new Error(`account ${accountId} has no admin key in ${where} (accounts there: ${known}): give the --account-id meridian serve runs with`);
      }
      return { partition: place.partition, region: place.region, where, revokes, dir, store: stores[i]! };
    });
    return {
      partitions: partitions.map(({ partition, region, where, revokes }) => ({ partition, region, where, revokes })),
      async commit(key) {
        for (const p of partitions) {
          const revoked = await p.dir.replaceRootKeys(accountId, key).catch((e: Error) => {
            throw new ResetIncomplete(p.partition, "key", e);
          });
          await recordReset(p.region, p.store, revoked, key.accessKeyId, opts).catch((e: Error) => {
            throw new ResetIncomplete(p.partition, "audit", e);
          });
        }
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The reset as a CloudTrail event in the Region holding the partition's identities, durable before it returns. */
async function recordReset(
  region: string,
  store: RegionStore,
  revoked: string[],
  accessKeyId: string,
  opts: AdminKeyResetOptions,
): Promise<void> {
  const now = opts.clock.now();
  const event: CloudTrailEvent = {
    eventVersion: "1.08",
    // Not an AWS principal: whoever holds the data directory and its seal, at this host's console.
    userIdentity: { type: "Unknown", principalId: `${opts.operator.user}@${opts.operator.host}`, accountId: opts.accountId, invokedBy: "meridian admin reset-key" },
    eventTime: new Date(Math.floor(now / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: "meridian",
    eventName: "ResetAdminKey",
    awsRegion: region,
    sourceIPAddress: opts.operator.host,
    userAgent: opts.operator.userAgent,
    requestParameters: { accountId: opts.accountId },
    responseElements: { accessKeyId, revokedAccessKeyIds: revoked },
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: opts.accountId,
    eventCategory: "Management",
  };
  await store.appendAuditEvents([{ time: now, event }]);
  await store.whenDurable();
}
