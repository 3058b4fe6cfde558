// Recovering a lost admin key (issue 12 item 5, `meridian admin reset-key`): with the data directory
// and its seal, and no server running on it, the operator account's root user gets a new access key
// in every partition whose identities this data directory owns, every other root key of the account
// is deleted, and a ResetAdminKey event goes into the audit trail of the Region holding them. Done in
// two steps so the caller can show the new key before anything is stored: `prepareAdminKeyReset`
// checks everything and changes nothing; `commit` stores.

import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { identityPlaces } from "../config/identity-home.js";
import type { Topology } from "../config/topology.js";
import type { CloudTrailEvent } from "../contract/audit-records.js";
import { makeIdentityDirectory } from "../identity/directory.js";
import type { Seal } from "../seal/seal.js";
import { storedRegions } from "../store/make-store.js";
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
}

interface PartitionReset {
  partition: string;
  /** the Region whose store holds the partition's identities, and its audit trail of the reset */
  region: string;
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
  if (!existsSync(dataDir)) throw new Error(`no data directory at ${dataDir}`);
  const stored = await storedRegions(dataDir);
  if (stored.length === 0) throw new Error(`${dataDir} holds no Region store: a first start of meridian serve makes the admin key`);
  const places = identityPlaces(topology, (r) => stored.includes(r));
  if (places.length === 0) {
    throw new Error(`no Region store in ${dataDir} (${stored.join(", ")}) is a Region of the topology: give the --topology meridian serve runs with`);
  }
  const owned = places.filter((p) => p.follows === undefined);
  if (owned.length === 0) {
    const homes = [...new Set(places.map((p) => p.follows))].join(", ");
    throw new Error(
      `the identities in ${dataDir} are a copy of those of the process serving ${homes}: reset the admin key on that process's data directory; the copy brings the new key here`,
    );
  }

  const lock = lockDataDir(dataDir); // refuses while a server holds the directory, naming it
  const stores: RegionStore[] = [];
  const close = async () => {
    for (const s of stores) await s.close();
    lock.release();
  };
  try {
    const rootKey = await opts.seal.loadRootKey();
    const homes = [];
    try {
      for (const place of owned) {
        const { store, wrapper } = await openSealedStore(place.region, dataDir, rootKey);
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
      const revokes = dir.accessKeys(accountId).filter((k) => k.userName === undefined).map((k) => k.accessKeyId);
      if (revokes.length === 0 && !dir.hasAccount(accountId)) {
        const known = dir.accounts().map((a) => a.accountId).join(", ") || "none";
        throw new Error(`account ${accountId} has no admin key in ${dataDir} (accounts there: ${known}): give the --account-id meridian serve runs with`);
      }
      return { partition: place.partition, region: place.region, revokes, dir, store: stores[i]! };
    });
    return {
      partitions: partitions.map(({ partition, region, revokes }) => ({ partition, region, revokes })),
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
