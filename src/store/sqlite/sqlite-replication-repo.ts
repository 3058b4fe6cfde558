// The outbox and per-replica status in a Region's SQLite store (DESIGN §5). Outbox rows are
// written by commitSecret in the change's own transaction; this repo reads and retires them.

import type Database from "better-sqlite3";
import type { OutboxEntry, ReplicationRepo } from "../store.js";
import type { ReplicaStatus } from "../../contract/replication-records.js";
import type { Durability } from "./sqlite-durability.js";
import { outboxEntryOf, type OutboxRow as SqlOutboxRow } from "../sql-rows.js";

type OutboxRow = SqlOutboxRow & { lease_owner: string | null };

/**
 * The statement commitSecret runs per outbox entry: a newer change replaces what was queued, and
 * keeps the time the oldest undelivered change was queued, which replication lag is measured from.
 * Parameters: arn, region, account, op, revision, next attempt, queued at.
 */
export const UPSERT_OUTBOX = `
INSERT INTO outbox (arn, region, account_id, op, revision, attempts, next_attempt_at, queued_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)
ON CONFLICT (arn, region) DO UPDATE SET op = excluded.op, revision = excluded.revision, attempts = 0,
  next_attempt_at = excluded.next_attempt_at`;

/**
 * Replication's own bookkeeping (statuses, retiring or deferring outbox entries, re-offers) is
 * written `relaxed`: no response waits for it to reach the disk, since losing the last of it to a
 * power cut only re-sends a change, which a replica applies idempotently. Changes to secrets, and
 * the outbox rows they queue, are durable before the response that reports them.
 */
export function makeSqliteReplicationRepo(db: Database.Database, { relaxed }: Pick<Durability, "relaxed">): ReplicationRepo {
  const due = db.prepare("SELECT * FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?");
  const claimable = db.prepare(
    `SELECT * FROM outbox WHERE next_attempt_at <= ? AND (lease_owner IS NULL OR lease_until <= ? OR lease_owner = ?)
     ORDER BY next_attempt_at LIMIT ?`,
  );
  const lease = db.prepare("UPDATE outbox SET lease_until = ?, lease_owner = ? WHERE arn = ? AND region = ?");
  // only the holder's own lease: one that expired and was taken by another node stays that node's
  const release = db.prepare("UPDATE outbox SET lease_until = NULL, lease_owner = NULL WHERE arn = ? AND region = ? AND lease_owner = ?");
  const complete = db.prepare("DELETE FROM outbox WHERE arn = ? AND region = ? AND revision = ? AND op = ?");
  const defer = db.prepare(
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE arn = ? AND region = ? AND revision = ? AND op = ?",
  );
  const upsert = db.prepare(UPSERT_OUTBOX);
  const retryRegion = db.prepare("UPDATE outbox SET next_attempt_at = ?, attempts = 0 WHERE region = ? AND next_attempt_at > ?");
  const summary = db.prepare("SELECT region, COUNT(*) AS n, MIN(queued_at) AS oldest FROM outbox GROUP BY region ORDER BY region");
  const statuses = db.prepare("SELECT region, doc FROM replica_status WHERE arn = ?");
  const putStatus = db.prepare("INSERT OR REPLACE INTO replica_status (arn, region, doc) VALUES (?, ?, ?)");
  const dropStatus = db.prepare("DELETE FROM replica_status WHERE arn = ? AND region = ?");
  const releaseLease = (e: OutboxEntry) => {
    if (e.leaseOwner !== undefined) release.run(e.arn, e.region, e.leaseOwner);
  };
  // Read and lease in one IMMEDIATE transaction: the write lock is taken before the read, so two
  // connections (two nodes on one file) cannot both read a row as free and both lease it.
  const claimTx = db.transaction((now: number, limit: number, leaseMs: number, owner: string) => {
    const rows = claimable.all(now, now, owner, limit) as OutboxRow[];
    for (const r of rows) lease.run(now + leaseMs, owner, r.arn, r.region);
    return rows.map((r) => ({ ...outboxEntryOf(r), leaseOwner: owner }));
  });
  const claimRelaxed = relaxed((now: number, limit: number, leaseMs: number, owner: string) => claimTx.immediate(now, limit, leaseMs, owner));
  const releaseRelaxed = relaxed(
    db.transaction((entries: OutboxEntry[]) => {
      for (const e of entries) releaseLease(e);
    }),
  );
  const queuedOp = db.prepare("SELECT op FROM outbox WHERE arn = ? AND region = ?").pluck();
  const delivered = relaxed(
    db.transaction((e: OutboxEntry, status: ReplicaStatus) => {
      // A Region removed while this delivery was under way has a remove queued (or already
      // delivered): its status must not come back (issue 12 item 7).
      if (queuedOp.get(e.arn, e.region) === "sync") putStatus.run(e.arn, e.region, JSON.stringify(status));
      complete.run(e.arn, e.region, e.revision, e.op);
      releaseLease(e);
    }),
  );
  const completeRelaxed = relaxed(
    db.transaction((e: OutboxEntry) => {
      complete.run(e.arn, e.region, e.revision, e.op);
      releaseLease(e);
    }),
  );
  const failedRelaxed = relaxed(
    db.transaction((e: OutboxEntry, status: ReplicaStatus | undefined, at: number) => {
      if (status && queuedOp.get(e.arn, e.region) === "sync") putStatus.run(e.arn, e.region, JSON.stringify(status));
      defer.run(at, e.arn, e.region, e.revision, e.op);
      releaseLease(e);
    }),
  );
  const deferRelaxed = relaxed(
    db.transaction((e: OutboxEntry, at: number) => {
      defer.run(at, e.arn, e.region, e.revision, e.op);
      releaseLease(e);
    }),
  );
  const statusRelaxed = relaxed((arn: string, region: string, status: ReplicaStatus | undefined) =>
    status ? putStatus.run(arn, region, JSON.stringify(status)) : dropStatus.run(arn, region),
  );
  const retryRelaxed = relaxed((region: string, now: number) => retryRegion.run(now, region, now));
  const enqueueRelaxed = relaxed((e: Parameters<ReplicationRepo["enqueueOutbox"]>[0], now: number) =>
    upsert.run(e.arn, e.region, e.accountId, e.op, e.revision, now, now),
  );
  const tracked = db.prepare("SELECT arn, region FROM replica_status ORDER BY arn, region");

  return {
    async dueOutbox(now, limit) {
      return (due.all(now, limit) as OutboxRow[]).map(outboxEntryOf);
    },
    async claimOutbox(now, limit, leaseMs, owner) {
      return claimRelaxed(now, limit, leaseMs, owner);
    },
    async releaseOutbox(entries) {
      releaseRelaxed(entries);
    },
    async completeOutbox(e) {
      completeRelaxed(e);
    },
    async completeDelivery(e, status) {
      delivered(e, status);
    },
    async failDelivery(e, status, nextAttemptAt) {
      failedRelaxed(e, status, nextAttemptAt);
    },
    async deferOutbox(e, nextAttemptAt) {
      deferRelaxed(e, nextAttemptAt);
    },
    async retryRegionNow(region, now) {
      retryRelaxed(region, now);
    },
    async enqueueOutbox(e, now) {
      enqueueRelaxed(e, now);
    },
    async outboxSummary() {
      return (summary.all() as { region: string; n: number; oldest: number }[]).map((r) => ({
        region: r.region,
        depth: r.n,
        oldestQueuedAt: r.oldest,
      }));
    },
    async replicaStatuses(arn) {
      const rows = statuses.all(arn) as { region: string; doc: string }[];
      return Object.fromEntries(rows.map((r) => [r.region, JSON.parse(r.doc) as ReplicaStatus]));
    },
    async trackedReplicas() {
      return tracked.all() as { arn: string; region: string }[];
    },
    async setReplicaStatus(arn, region, status) {
      statusRelaxed(arn, region, status);
    },
  };
}
