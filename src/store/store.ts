// The storage seam (DESIGN §7): one store per Region, asynchronous so a PostgreSQL implementation
// fits behind it. It holds only ciphertext for values and wrapped key material for keys. Writes to a
// secret are optimistic: a commit names the revision it read and fails with StoreConflict if
// another writer got there first, so no transaction is ever held across an await. A store that is
// damaged or cannot be opened fails with StoreFault (store-fault.ts): at open, and from the first
// call that meets damage on, every call (make-store.ts).

import type { SealedValue, SecretRecord } from "../contract/secret-types.js";
import type { KeyRecord, AliasRecord } from "../contract/kms-types.js";
import type { AccessKeyRecord, IamEntity } from "../contract/identity-types.js";
import type { ReplicaStatus } from "../contract/replication-records.js";
import type { CloudTrailEvent } from "../contract/audit-records.js";
import type { ChainState, ChainedRow } from "../contract/audit-chain.js";
import type { Registry } from "prom-client";

export class StoreConflict extends Error {
  constructor(readonly what: "revision" | "name") {
    super(`store conflict on ${what}`);
  }
}

/**
 * The store cannot take changes now (a full disk): the message is for the client, and says that
 * reads go on. The store has told the operator why, once, naming the file.
 */
export class StoreUnavailable extends Error {}

export interface SecretCommit {
  record: SecretRecord;
  /** revision the change was computed from; 0 creates the secret */
  expectedRevision: number;
  putValues?: SealedValue[];
  deleteValues?: string[];
  /** replica Regions that must hear of this change, written in the same transaction (DESIGN §5.1) */
  outbox?: { region: string; op: "sync" | "remove" }[];
  /** when the change was made (epoch ms); replication lag is measured from it */
  at?: number;
}

/** One pending delivery: the newest revision of a secret that a replica Region must hear of. */
export interface OutboxEntry {
  arn: string;
  region: string;
  accountId: string;
  op: "sync" | "remove";
  revision: number;
  attempts: number;
  nextAttemptAt: number;
  /** when the oldest change this entry stands for was committed */
  queuedAt: number;
  /** who leased it (claimOutbox only): completing or deferring the entry releases that lease */
  leaseOwner?: string;
}

export interface SecretPageQuery {
  by: "created-date" | "name";
  order: "asc" | "desc";
  offset: number;
  limit: number;
  /** include secrets scheduled for deletion */
  includeDeleted: boolean;
}

export interface SecretRepo {
  findSecretByName(accountId: string, name: string): Promise<SecretRecord | undefined>;
  findSecretByArn(arn: string): Promise<SecretRecord | undefined>;
  listSecrets(accountId: string): Promise<SecretRecord[]>;
  /**
   * A slice of an account's secrets in an order the store keeps indexed, ties broken by name then
   * ARN (ascending), as sortSecrets orders them: ListSecrets without filters, without a full scan.
   */
  listSecretsPage(accountId: string, q: SecretPageQuery): Promise<SecretRecord[]>;
  /** An account's secrets whose name begins with one of `prefixes` (case-sensitive), from the name index. */
  listSecretsByNamePrefix(accountId: string, prefixes: string[]): Promise<SecretRecord[]>;
  getValue(arn: string, versionId: string): Promise<SealedValue | undefined>;
  /** atomically replace the record (revision checked), add and drop values */
  commitSecret(commit: SecretCommit): Promise<void>;
  /**
   * record a read on the secret and one version; no revision change (not replicated). Never
   * fails: a note that cannot be written (a full disk) is dropped, and the read goes on.
   */
  touchAccessed(arn: string, versionId: string, day: number): Promise<void>;
  /** remove the secret and every value it had; with a revision, only if the secret is still at it */
  purgeSecret(arn: string, expectedRevision?: number): Promise<boolean>;
  secretsDueForPurge(now: number): Promise<SecretRecord[]>;
  /** every account that has at least one secret here, deleted or not, in ascending order (secret rotation's scheduler) */
  secretAccounts(): Promise<string[]>;
}

export interface KeyRepo {
  getKey(arn: string): Promise<KeyRecord | undefined>;
  listKeys(accountId: string): Promise<KeyRecord[]>;
  putKey(key: KeyRecord): Promise<void>;
  /** remove a key and every alias that points at it */
  deleteKey(arn: string): Promise<void>;
  /** every key of every account, for the Region's background jobs (key deletion and automatic rotation) */
  allKeys(): Promise<KeyRecord[]>;
  getAlias(accountId: string, aliasName: string): Promise<AliasRecord | undefined>;
  listAliases(accountId: string): Promise<AliasRecord[]>;
  putAlias(alias: AliasRecord): Promise<void>;
  deleteAlias(accountId: string, aliasName: string): Promise<void>;
}

export interface IdentityRepo {
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  listAccessKeys(): Promise<AccessKeyRecord[]>;
  putAccessKey(key: AccessKeyRecord): Promise<void>;
  deleteAccessKey(accessKeyId: string): Promise<void>;
  /** set the key's lastUsed (and nothing else) */
  recordAccessKeyUse(accessKeyId: string, lastUsed: NonNullable<AccessKeyRecord["lastUsed"]>): Promise<void>;
  /** every IAM entity of every account the store holds (a partition's are a few thousand at most) */
  listIamEntities(): Promise<IamEntity[]>;
  /** write and delete entities in one transaction */
  applyIamChanges(put: IamEntity[], remove?: Pick<IamEntity, "accountId" | "kind" | "name">[]): Promise<void>;
}

export interface ReplicationRepo {
  /** a read of what is due, leased or not (tests, settling): workers use claimOutbox */
  dueOutbox(now: number, limit: number): Promise<OutboxEntry[]>;
  /**
   * Atomically take up to `limit` due entries that no other owner holds an unexpired lease on, and
   * lease them to `owner` until now + leaseMs (the owner's own leases are renewed), so nodes sharing
   * the store never deliver the same entry at once. A lease is separate from the entry's due time: a
   * newer change replacing a leased entry keeps the lease (one secret's deliveries to a Region stay
   * in order across nodes), and the holder's complete/defer of the older revision releases it, leaving
   * the newer one due. A holder that dies leaves its leases to expire, then the entries are claimable.
   */
  claimOutbox(now: number, limit: number, leaseMs: number, owner: string): Promise<OutboxEntry[]>;
  /** give claimed entries back untouched (a worker stopping before it delivered them) */
  releaseOutbox(entries: OutboxEntry[]): Promise<void>;
  /** drop the entry if nothing newer was queued for the same secret and Region meanwhile; releases its lease */
  completeOutbox(entry: OutboxEntry): Promise<void>;
  /**
   * a delivery applied: the replica's new status and completeOutbox, in one transaction; the status
   * is written only while a sync is still queued for the pair (a Region removed meanwhile stays removed)
   */
  completeDelivery(entry: OutboxEntry, status: ReplicaStatus): Promise<void>;
  /** one more attempt, not due before nextAttemptAt (unless a newer change replaced it); releases its lease */
  deferOutbox(entry: OutboxEntry, nextAttemptAt: number): Promise<void>;
  /**
   * a delivery failed: the replica's status (when given) and deferOutbox, in one transaction; like
   * completeDelivery, the status is written only while a sync is still queued for the pair
   */
  failDelivery(entry: OutboxEntry, status: ReplicaStatus | undefined, nextAttemptAt: number): Promise<void>;
  /** a Region that was unreachable answered again: everything queued for it is due now */
  retryRegionNow(region: string, now: number): Promise<void>;
  /** queue a delivery outside a secret change (retries, anti-entropy) */
  enqueueOutbox(entry: Pick<OutboxEntry, "arn" | "region" | "accountId" | "op" | "revision">, now: number): Promise<void>;
  /** per replica Region: entries waiting, and when the oldest was queued */
  outboxSummary(): Promise<{ region: string; depth: number; oldestQueuedAt: number }[]>;
  replicaStatuses(arn: string): Promise<Record<string, ReplicaStatus>>;
  setReplicaStatus(arn: string, region: string, status: ReplicaStatus | undefined): Promise<void>;
  /** every (secret, replica Region) pair this Region tracks, for the anti-entropy pass */
  trackedReplicas(): Promise<{ arn: string; region: string }[]>;
}

/** An audit event as the store keeps it: when the call arrived (epoch ms) and its CloudTrail form. */
export interface StoredAuditEvent {
  time: number;
  event: CloudTrailEvent;
}

export interface AuditQuery {
  /** epoch ms, inclusive */
  from?: number;
  /** epoch ms, inclusive */
  to?: number;
  /** a part of the caller's ARN or user name */
  principal?: string;
  /** exact, in any case */
  eventName?: string;
  limit?: number;
  /** the position of the last event of the previous page: the next page is older */
  after?: AuditPosition;
}

export interface AuditPosition {
  time: number;
  seq: number;
}

/** The audit trail of the Region's calls (issue 5). Append-only; a permissive-mode reset keeps it. */
export interface AuditRepo {
  /**
   * Write the events in one transaction. `relaxed` events never make a response wait for the disk
   * (whenDurable): a crash of the process loses nothing, a power cut may lose the last of them (for
   * read-only calls' events).
   */
  appendAuditEvents(events: StoredAuditEvent[], options?: { relaxed?: boolean }): Promise<void>;
  /** newest first */
  queryAuditEvents(query: AuditQuery): Promise<(StoredAuditEvent & AuditPosition)[]>;
  /**
   * Remove the oldest events, those from before `time` (epoch ms), up to the first one that is not
   * (so the chain loses only its oldest end, and its anchor moves to the last removed); returns how many.
   */
  purgeAuditEvents(before: number): Promise<number>;
  /**
   * Remove the oldest events until those kept take at most `maxBytes` (their JSON documents,
   * UTF-8), moving the anchor as purgeAuditEvents does; returns how many.
   */
  trimAuditEvents(maxBytes: number): Promise<number>;
  /**
   * The Region's hash chain (audit-chain.ts): its anchor and head, and its events oldest first,
   * read from one snapshot (events appended meanwhile are in neither). Iterate the rows to the end
   * or leave the loop early: either releases the snapshot. Undefined for a store never chained.
   */
  readAuditChain(): Promise<AuditChain | undefined>;
}

export interface AuditChain {
  state: ChainState;
  rows: AsyncIterable<ChainedRow>;
}

/**
 * A Region's store opened only to read its audit trail (`meridian audit`), beside a server that may
 * be writing it: opening creates, migrates and writes nothing, so a store an older Meridian made
 * reads as it is. One with no audit trail yet reads as an empty chain at the genesis anchor.
 */
export interface AuditReader extends Pick<AuditRepo, "queryAuditEvents" | "readAuditChain"> {
  close(): Promise<void>;
}

/** Small values the Region keeps about itself (root key check value, schema facts). */
export interface MetaRepo {
  getMeta(key: string): Promise<string | undefined>;
  putMeta(key: string, value: string): Promise<void>;
  /** every key beginning with `prefix`, with its value, in key order */
  listMeta(prefix: string): Promise<[string, string][]>;
}

/**
 * Named locks with a time to live, for background jobs that must run once across the nodes sharing
 * a store (issue 11 item 4). A holder that dies loses its lock when the TTL runs out.
 */
export interface LockRepo {
  /**
   * Take `name` for `owner` until now + ttlMs if it is free, expired, or already this owner's (which
   * renews it); true when `owner` holds it afterwards. Atomic: of two callers at once, one wins.
   */
  tryLock(name: string, owner: string, ttlMs: number, now: number): Promise<boolean>;
  /** give the lock up if `owner` holds it; another owner's lock is left alone */
  releaseLock(name: string, owner: string): Promise<void>;
}

/** A JSON document a capability keeps by (kind, account, key): CloudFormation's stacks, change sets, exports. */
export interface StoredDocument {
  kind: string;
  accountId: string;
  key: string;
  doc: unknown;
}

/**
 * Documents of capabilities that need no table of their own. The store never looks inside a
 * document; anything secret in one is sealed by its owner first.
 */
export interface DocumentRepo {
  getDocument(kind: string, accountId: string, key: string): Promise<unknown>;
  /** a kind's documents in (account, key) order; every account's when `accountId` is absent */
  listDocuments(kind: string, accountId?: string): Promise<StoredDocument[]>;
  /** write `put` and delete `remove` in one transaction */
  writeDocuments(put: StoredDocument[], remove?: Omit<StoredDocument, "doc">[]): Promise<void>;
}

/**
 * Counters of changes by kind of record (issue 14): each moves whenever a secret (its record, a
 * value, its last-accessed day), a KMS key or alias, or an identity (IAM entity or access key) is
 * changed, by whichever process or node writes the store. A cache in front of the store holds what
 * it read at one generation and serves it only while the generation is the same, so no read is
 * stale once another worker or node acknowledged a write. A counter may also move for this store's
 * own changes (a cache is told of those by whoever made them); numbers only grow.
 */
export interface Generations {
  secrets: number;
  keys: number;
  identities: number;
}

export interface RegionStore extends SecretRepo, KeyRepo, IdentityRepo, MetaRepo, ReplicationRepo, AuditRepo, LockRepo, DocumentRepo {
  /** the change counters now; SQLite answers without I/O while no other connection has committed */
  generations(): Generations | Promise<Generations>;
  /**
   * Hear of changes other nodes commit, as they commit (PostgreSQL's LISTEN/NOTIFY), so caches can
   * refresh before a request needs them; optional, and never what decides: generations() does.
   */
  onChange?(listener: (kind: keyof Generations) => void): void;
  /**
   * Resolves once every change committed so far is on disk; undefined when it already is. Commits
   * may return before the disk has them (a group of them is synced at once): whoever reports a
   * change to a client or a peer waits for this first. Bookkeeping (replica statuses, read-only
   * calls' audit events, last-used notes) never makes it wait.
   */
  whenDurable(): Promise<void> | undefined;
  /** the store's own Prometheus metrics for /metrics (SQLite's: its group syncs); never the global registry */
  readonly metrics: Registry;
  /** remove every secret and key (permissive-mode reset only) */
  wipe(): Promise<void>;
  close(): Promise<void>;
}
