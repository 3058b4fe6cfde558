// The audit trail in a Region's PostgreSQL store, as the SQLite store keeps it: one row per
// CloudTrail event beside the columns `meridian audit` filters on, each chained by hash to the one
// before (audit-chain.ts), and one audit_chain row with the chain's anchor and head. Every append
// reads the head with SELECT … FOR UPDATE, so appends by several nodes at once queue on that row
// and the Region keeps one chain; an event's seq is its position in the chain.

import type { AuditChain, AuditQuery, AuditRepo, StoredAuditEvent } from "../store.js";
import { derivedColumns, linkHash, type ChainedRow } from "../../contract/audit-chain.js";
import type { PostgresDb, Queryable } from "./postgres-db.js";

interface ChainRow {
  anchor_hash: string;
  anchor_position: number;
  head_hash: string;
  head_position: number;
}

const COLUMNS = ["region", "event_source", "event_name", "principal_arn", "user_name", "event_id", "error_code"] as const;
const PAGE = 1000;

/** Append `events` to the chain inside the transaction `tx`. */
export async function appendToChain(tx: Queryable, events: StoredAuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const [head] = await tx.rows<Pick<ChainRow, "head_hash" | "head_position">>("SELECT head_hash, head_position FROM audit_chain WHERE id = 1 FOR UPDATE");
  let prev = head!.head_hash;
  let position = head!.head_position;
  let bytes = 0;
  for (const { time, event } of events) {
    const c = derivedColumns(event);
    const doc = JSON.stringify(event);
    const hash = linkHash(prev, time, doc);
    await tx.run(
      `INSERT INTO audit_events (seq, event_time, region, event_source, event_name, principal_arn, user_name, event_id, error_code, doc, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [++position, time, c.region, c.event_source, c.event_name, c.principal_arn, c.user_name, c.event_id, c.error_code, doc, prev, hash],
    );
    prev = hash;
    bytes += Buffer.byteLength(doc);
  }
  await tx.run("UPDATE audit_chain SET head_hash = $1, head_position = $2, doc_bytes = doc_bytes + $3 WHERE id = 1", [prev, position, bytes]);
}

/** Remove every event before `bound` (a seq), moving the anchor to the last of them. */
async function removeBefore(tx: Queryable, bound: number): Promise<number> {
  const [last] = await tx.rows<{ seq: number; hash: string }>("SELECT seq, hash FROM audit_events WHERE seq < $1 ORDER BY seq DESC LIMIT 1", [bound]);
  if (!last) return 0;
  const [{ n: bytes }] = (await tx.rows<{ n: number }>("SELECT coalesce(sum(octet_length(doc)), 0)::bigint AS n FROM audit_events WHERE seq < $1", [bound])) as [{ n: number }];
  const removed = await tx.run("DELETE FROM audit_events WHERE seq < $1", [bound]);
  await tx.run("UPDATE audit_chain SET anchor_hash = $1, anchor_position = anchor_position + $2, doc_bytes = doc_bytes - $3 WHERE id = 1", [last.hash, removed, bytes]);
  return removed;
}

function querySql(q: AuditQuery): { sql: string; params: (string | number | null)[] } {
  const where: string[] = [];
  const params: (string | number | null)[] = [];
  const p = (v: string | number) => `$${params.push(v)}`;
  if (q.from !== undefined) where.push(`event_time >= ${p(q.from)}`);
  if (q.to !== undefined) where.push(`event_time <= ${p(q.to)}`);
  if (q.principal !== undefined) {
    const x = p(q.principal);
    where.push(`(strpos(principal_arn, ${x}) > 0 OR strpos(coalesce(user_name, ''), ${x}) > 0)`);
  }
  if (q.eventName !== undefined) where.push(`lower(event_name) = lower(${p(q.eventName)})`);
  if (q.after) where.push(`(event_time < ${p(q.after.time)} OR (event_time = $${params.length} AND seq < ${p(q.after.seq)}))`);
  params.push(q.limit ?? null); // LIMIT NULL: no limit
  const sql = `SELECT seq, event_time, doc FROM audit_events${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY event_time DESC, seq DESC LIMIT $${params.length}`;
  return { sql, params };
}

export function makePostgresAuditRepo(db: PostgresDb): AuditRepo {
  // Retention removes a prefix of the chain under the chain row's lock; the anchor moves to the last removed.
  const locked = <T>(body: (tx: Queryable) => Promise<T>) =>
    db.write(async (tx) => {
      await tx.rows("SELECT 1 FROM audit_chain WHERE id = 1 FOR UPDATE");
      return body(tx);
    });
  return {
    async appendAuditEvents(events, options) {
      if (events.length > 0) await db.write((tx) => appendToChain(tx, events), { relaxed: options?.relaxed });
    },
    async queryAuditEvents(q) {
      const { sql, params } = querySql(q);
      const rows = await db.rows<{ seq: number; event_time: number; doc: string }>(sql, params);
      return rows.map((r) => ({ seq: r.seq, time: r.event_time, event: JSON.parse(r.doc) }));
    },
    purgeAuditEvents: (before) =>
      locked(async (tx) => {
        const [kept] = await tx.rows<{ seq: number }>("SELECT seq FROM audit_events WHERE event_time >= $1 ORDER BY seq LIMIT 1", [before]);
        return removeBefore(tx, kept ? kept.seq : Number.MAX_SAFE_INTEGER);
      }),
    trimAuditEvents: (maxBytes) =>
      locked(async (tx) => {
        const [{ doc_bytes: size }] = (await tx.rows<{ doc_bytes: number }>("SELECT doc_bytes FROM audit_chain WHERE id = 1")) as [{ doc_bytes: number }];
        let excess = size - maxBytes;
        if (excess <= 0) return 0;
        // the oldest first, a page at a time, only as far as needed
        for (let after = 0; ; ) {
          const rows = await tx.rows<{ seq: number; n: number }>("SELECT seq, octet_length(doc) AS n FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2", [after, PAGE]);
          if (rows.length === 0) return removeBefore(tx, Number.MAX_SAFE_INTEGER);
          for (const row of rows) {
            if (excess <= 0) return removeBefore(tx, row.seq);
            excess -= row.n;
          }
          after = rows.at(-1)!.seq;
        }
      }),
    readAuditChain: () => readChain(db),
  };
}

/**
 * The chain from one snapshot (REPEATABLE READ on a connection of its own): the head and the rows
 * agree while nodes go on appending, and the rows come a page at a time. Leaving the loop early, or
 * reading to the end, ends the snapshot and gives the connection back.
 */
async function readChain(db: Pick<PostgresDb, "checkout">): Promise<AuditChain | undefined> {
  const client = await db.checkout();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows } = await client.query<ChainRow>("SELECT anchor_hash, anchor_position, head_hash, head_position FROM audit_chain WHERE id = 1");
    const state = rows[0];
    if (!state) {
      await client.query("ROLLBACK");
      client.release();
      return undefined;
    }
    return {
      state: { anchorHash: state.anchor_hash, anchorPosition: state.anchor_position, headHash: state.head_hash, headPosition: state.head_position },
      rows: chainedRows(client),
    };
  } catch (e) {
    client.release(true);
    throw e;
  }
}

async function* chainedRows(client: import("pg").PoolClient): AsyncGenerator<ChainedRow> {
  let ok = false;
  try {
    for (let after = 0; ; ) {
      const { rows } = await client.query<Record<string, unknown>>(
        `SELECT seq, event_time, doc, prev_hash, hash, ${COLUMNS.join(", ")} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, PAGE],
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        const columns: Record<string, string | null> = {};
        for (const c of COLUMNS) columns[c] = r[c] as string | null;
        yield { seq: r.seq as number, time: r.event_time as number, doc: r.doc as string, prevHash: r.prev_hash as string | null, hash: r.hash as string | null, columns };
      }
      after = rows.at(-1)!.seq as number;
    }
    ok = true;
  } finally {
    const ended = await client.query("ROLLBACK").then(() => true, () => false);
    client.release(ok || ended ? undefined : true);
  }
}
