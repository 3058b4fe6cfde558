// The outbox and per-replica status in a Region's PostgreSQL store (DESIGN §5). Outbox rows are
// written by commitSecret in the change's own transaction; this repo claims, retires and defers
// them. Claiming leases rows with FOR UPDATE SKIP LOCKED: nodes claiming at once each lock and
// lease different rows, so every change is delivered once per replica Region. Replication's own
// bookkeeping is `relaxed` (as in the SQLite store): losing the last of it only re-sends a change,
// which a replica applies idempotently.

import type { OutboxEntry, ReplicationRepo } from "../store.js";
import type { ReplicaStatus } from "../../contract/replication-records.js";
import type { PostgresDb, Queryable } from "./postgres-db.js";
import { outboxEntryOf, type OutboxRow } from "../sql-rows.js";


/**
 * A newer change replaces what was queued and keeps when the oldest undelivered change was queued.
 * Parameters: arn, region, account, op, revision, next attempt, queued at.
 */
export const UPSERT_OUTBOX = `
INSERT INTO outbox (arn, region, account_id, op, revision, attempts, next_attempt_at, queued_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7)
ON CONFLICT (arn, region) DO UPDATE SET op = excluded.op, revision = excluded.revision, attempts = 0,
  next_attempt_at = excluded.next_attempt_at`;

const CLAIM = `
UPDATE outbox SET lease_until = $3, lease_owner = $4
WHERE (arn, region) IN (
  SELECT arn, region FROM outbox
  WHERE next_attempt_at <= $1 AND (lease_owner IS NULL OR lease_until <= $1 OR lease_owner = $4)
  ORDER BY next_attempt_at LIMIT $2
  FOR UPDATE SKIP LOCKED)
RETURNING *`;

// only the holder's own lease: one that expired and was taken by another node stays that node's
const RELEASE = "UPDATE outbox SET lease_until = NULL, lease_owner = NULL WHERE arn = $1 AND region = $2 AND lease_owner = $3";
const COMPLETE = "DELETE FROM outbox WHERE arn = $1 AND region = $2 AND revision = $3 AND op = $4";
const DEFER = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1 WHERE arn = $2 AND region = $3 AND revision = $4 AND op = $5";
const PUT_STATUS = "INSERT INTO replica_status (arn, region, doc) VALUES ($1, $2, $3) ON CONFLICT (arn, region) DO UPDATE SET doc = excluded.doc";

export function makePostgresReplicationRepo(db: PostgresDb): ReplicationRepo {
  const relaxed = <T>(body: (tx: Queryable) => Promise<T>) => db.write(body, { relaxed: true });
  const releaseLease = async (tx: Queryable, e: OutboxEntry) => {
    if (e.leaseOwner !== undefined) await tx.run(RELEASE, [e.arn, e.region, e.leaseOwner]);
  };
  /** the status is written only while a sync is still queued for the pair (a Region removed meanwhile stays removed) */
  const statusIfSyncQueued = async (tx: Queryable, e: OutboxEntry, status: ReplicaStatus) => {
    const [row] = await tx.rows<{ op: string }>("SELECT op FROM outbox WHERE arn = $1 AND region = $2 FOR UPDATE", [e.arn, e.region]);
    if (row?.op === "sync") await tx.run(PUT_STATUS, [e.arn, e.region, JSON.stringify(status)]);
  };
  return {
    async dueOutbox(now, limit) {
      return (await db.rows<OutboxRow>("SELECT * FROM outbox WHERE next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2", [now, limit])).map(outboxEntryOf);
    },
    async claimOutbox(now, limit, leaseMs, owner) {
      const rows = await relaxed((tx) => tx.rows<OutboxRow>(CLAIM, [now, limit, now + leaseMs, owner]));
      return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at).map((r) => ({ ...outboxEntryOf(r), leaseOwner: owner }));
    },
    async releaseOutbox(entries) {
      await relaxed(async (tx) => {
        for (const e of entries) await releaseLease(tx, e);
      });
    },
    async completeOutbox(e) {
      await relaxed(async (tx) => {
        await tx.run(COMPLETE, [e.arn, e.region, e.revision, e.op]);
        await releaseLease(tx, e);
      });
    },
    async completeDelivery(e, status) {
      await relaxed(async (tx) => {
        await statusIfSyncQueued(tx, e, status);
        await tx.run(COMPLETE, [e.arn, e.region, e.revision, e.op]);
        await releaseLease(tx, e);
      });
    },
    async failDelivery(e, status, at) {
      await relaxed(async (tx) => {
        if (status) await statusIfSyncQueued(tx, e, status);
        await tx.run(DEFER, [at, e.arn, e.region, e.revision, e.op]);
        await releaseLease(tx, e);
      });
    },
    async deferOutbox(e, at) {
      await relaxed(async (tx) => {
        await tx.run(DEFER, [at, e.arn, e.region, e.revision, e.op]);
        await releaseLease(tx, e);
      });
    },
    async retryRegionNow(region, now) {
      await relaxed((tx) => tx.run("UPDATE outbox SET next_attempt_at = $1, attempts = 0 WHERE region = $2 AND next_attempt_at > $1", [now, region]));
    },
    async enqueueOutbox(e, now) {
      await relaxed((tx) => tx.run(UPSERT_OUTBOX, [e.arn, e.region, e.accountId, e.op, e.revision, now, now]));
    },
    async outboxSummary() {
      const rows = await db.rows<{ region: string; n: number; oldest: number }>(
        "SELECT region, COUNT(*) AS n, MIN(queued_at) AS oldest FROM outbox GROUP BY region ORDER BY region",
      );
      return rows.map((r) => ({ region: r.region, depth: r.n, oldestQueuedAt: r.oldest }));
    },
    async replicaStatuses(arn) {
      const rows = await db.rows<{ region: string; doc: string }>("SELECT region, doc FROM replica_status WHERE arn = $1", [arn]);
      return Object.fromEntries(rows.map((r) => [r.region, JSON.parse(r.doc) as ReplicaStatus]));
    },
    async setReplicaStatus(arn, region, status) {
      await relaxed((tx) =>
        status ? tx.run(PUT_STATUS, [arn, region, JSON.stringify(status)]) : tx.run("DELETE FROM replica_status WHERE arn = $1 AND region = $2", [arn, region]),
      );
    },
    trackedReplicas: () => db.rows<{ arn: string; region: string }>("SELECT arn, region FROM replica_status ORDER BY arn, region"),
  };
}
