// The audit trail in a Region's SQLite store: one row per CloudTrail event, the JSON document beside
// the columns `meridian audit` filters on, each row chained by hash to the one written before it
// (audit-chain.ts), and one audit_chain row holding the chain's anchor and head. Rows are only ever
// appended, and removed only from the oldest end (retention), which moves the anchor.

import Database from "better-sqlite3";
import type { AuditChain, AuditQuery, AuditRepo, StoredAuditEvent } from "../store.js";
import type { Durability } from "./sqlite-durability.js";
import { GENESIS, derivedColumns, linkHash, type ChainState, type ChainedRow } from "../../contract/audit-chain.js";

interface AuditRow {
  seq: number;
  event_time: number;
  doc: string;
}

interface ChainRow {
  anchor_hash: string;
  anchor_position: number;
  head_hash: string;
  head_position: number;
}

const toState = (r: ChainRow): ChainState => ({
  anchorHash: r.anchor_hash,
  anchorPosition: r.anchor_position,
  headHash: r.head_hash,
  headPosition: r.head_position,
});

const COLUMNS = ["region", "event_source", "event_name", "principal_arn", "user_name", "event_id", "error_code"] as const;

export function makeSqliteAuditRepo(db: Database.Database, { relaxed }: Pick<Durability, "relaxed">): AuditRepo & { insertInTransaction(events: StoredAuditEvent[]): void } {
  // Statements that write or read the chain are prepared on first use: `meridian audit` lists the
  // events of stores (read-only) that an older Meridian made, without the chain's columns.
  let writer: ReturnType<typeof prepareWriter> | undefined;
  const w = () => (writer ??= prepareWriter(db, relaxed));
  // one prepared statement per combination of filters used
  const queries = new Map<string, Database.Statement>();

  return {
    /** a call's event, written by its change's transaction (sqlite-call-events.ts) */
    insertInTransaction: (events) => w().write(events),
    async purgeAuditEvents(before) {
      return w().purge.immediate(before);
    },
    async trimAuditEvents(maxBytes) {
      return w().trim.immediate(maxBytes);
    },
    async appendAuditEvents(events, options) {
      if (events.length === 0) return;
      const { append, appendRelaxed } = w();
      // IMMEDIATE: the head is read and moved under the write lock, whoever else writes the file.
      (options?.relaxed ? appendRelaxed : append)(events);
    },
    async queryAuditEvents(q: AuditQuery) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.from !== undefined) {
        where.push("event_time >= ?");
        params.push(q.from);
      }
      if (q.to !== undefined) {
        where.push("event_time <= ?");
        params.push(q.to);
      }
      if (q.principal !== undefined) {
        where.push("(instr(principal_arn, ?) > 0 OR instr(coalesce(user_name, ''), ?) > 0)");
        params.push(q.principal, q.principal);
      }
      if (q.eventName !== undefined) {
        where.push("event_name = ? COLLATE NOCASE");
        params.push(q.eventName);
      }
      if (q.after) {
        where.push("(event_time < ? OR (event_time = ? AND seq < ?))");
        params.push(q.after.time, q.after.time, q.after.seq);
      }
      const sql =
        "SELECT seq, event_time, doc FROM audit_events" +
        (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
        " ORDER BY event_time DESC, seq DESC LIMIT ?";
      let statement = queries.get(sql);
      if (!statement) queries.set(sql, (statement = db.prepare(sql)));
      const rows = statement.all(...params, q.limit ?? -1) as AuditRow[];
      return rows.map((r) => ({ seq: r.seq, time: r.event_time, event: JSON.parse(r.doc) }));
    },
    readAuditChain: async () => readChain(db.name),
  };
}

/**
 * The chain read on a connection of its own, read-only, in one read transaction: the head and the
 * rows come from one snapshot while the store's connection goes on writing (a server appending, a
 * retention pass), and the rows stream without holding that connection.
 */
function readChain(file: string): AuditChain | undefined {
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  try {
    reader.pragma("busy_timeout = 5000");
    reader.exec("BEGIN"); // the snapshot is taken at its first read, just below
    const state = isChained(reader) ? (reader.prepare("SELECT * FROM audit_chain WHERE id = 1").get() as ChainRow | undefined) : undefined;
    if (!state) {
      reader.close();
      return undefined;
    }
    return { state: toState(state), rows: chainedRows(reader) };
  } catch (e) {
    reader.close();
    throw e;
  }
}

async function* chainedRows(reader: Database.Database): AsyncGenerator<ChainedRow> {
  const all = reader.prepare(`SELECT seq, event_time, doc, prev_hash, hash, ${COLUMNS.join(", ")} FROM audit_events ORDER BY seq`);
  const rows = all.iterate() as IterableIterator<Record<string, unknown>>;
  try {
    for (const r of rows) {
      const columns: Record<string, string | null> = {};
      for (const c of COLUMNS) columns[c] = r[c] as string | null;
      yield { seq: r.seq as number, time: r.event_time as number, doc: r.doc as string, prevHash: r.prev_hash as string | null, hash: r.hash as string | null, columns };
    }
  } finally {
    rows.return?.(); // a caller that left the loop early leaves the statement open
    reader.close(); // ends the read transaction
  }
}

function prepareWriter(db: Database.Database, relaxed: Durability["relaxed"]) {
  const insert = db.prepare(
    `INSERT INTO audit_events (event_time, region, event_source, event_name, principal_arn, user_name, event_id, error_code, doc, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const head = db.prepare("SELECT head_hash, head_position FROM audit_chain WHERE id = 1");
  const moveHead = db.prepare("UPDATE audit_chain SET head_hash = ?, head_position = ?, doc_bytes = doc_bytes + ? WHERE id = 1");
  // The chain follows the order rows are inserted: each link is computed here, in the transaction.
  const write = db.transaction((events: StoredAuditEvent[]) => {
    const chain = head.get() as Pick<ChainRow, "head_hash" | "head_position">;
    let prev = chain.head_hash;
    let bytes = 0;
    for (const { time, event } of events) {
      const c = derivedColumns(event);
      const doc = JSON.stringify(event);
      const hash = linkHash(prev, time, doc);
      insert.run(time, c.region, c.event_source, c.event_name, c.principal_arn, c.user_name, c.event_id, c.error_code, doc, prev, hash);
      prev = hash;
      bytes += Buffer.byteLength(doc);
    }
    moveHead.run(prev, chain.head_position + events.length, bytes);
  });
  const append = (events: StoredAuditEvent[]) => write.immediate(events);

  // Retention removes the oldest events only (a prefix of the chain): an event older than the cut
  // that was written after a newer one (a slow call) waits for the next pass. The anchor becomes
  // the last removed event's hash, so the first one kept still verifies.
  const firstKept = db.prepare("SELECT seq FROM audit_events NOT INDEXED WHERE event_time >= ? ORDER BY seq LIMIT 1");
  const lastRemoved = db.prepare("SELECT seq, hash FROM audit_events WHERE seq < ? ORDER BY seq DESC LIMIT 1");
  const bytesBefore = db.prepare("SELECT coalesce(sum(length(CAST(doc AS BLOB))), 0) AS n FROM audit_events WHERE seq < ?");
  const remove = db.prepare("DELETE FROM audit_events WHERE seq < ?");
  const moveAnchor = db.prepare("UPDATE audit_chain SET anchor_hash = ?, anchor_position = anchor_position + ?, doc_bytes = doc_bytes - ? WHERE id = 1");
  /** removes every event before `bound` (a seq), moving the anchor to the last of them */
  function removeBefore(bound: number): number {
    const last = lastRemoved.get(bound) as { seq: number; hash: string } | undefined;
    if (!last) return 0;
    const { n: bytes } = bytesBefore.get(bound) as { n: number };
    const removed = remove.run(bound).changes;
    moveAnchor.run(last.hash, removed, bytes);
    return removed;
  }
  const purge = db.transaction((before: number): number => {
    const kept = firstKept.get(before) as { seq: number } | undefined;
    return removeBefore(kept ? kept.seq : Number.MAX_SAFE_INTEGER);
  });

  // The size bound: the oldest events go until the rest fit (read oldest first, only as far as needed).
  const size = db.prepare("SELECT doc_bytes FROM audit_chain WHERE id = 1").pluck();
  const oldest = db.prepare("SELECT seq, length(CAST(doc AS BLOB)) AS n FROM audit_events ORDER BY seq");
  const trim = db.transaction((maxBytes: number): number => {
    let excess = ((size.get() as number | undefined) ?? 0) - maxBytes;
    if (excess <= 0) return 0;
    let bound = Number.MAX_SAFE_INTEGER;
    for (const row of oldest.iterate() as IterableIterator<{ seq: number; n: number }>) {
      if (excess <= 0) {
        bound = row.seq;
        break;
      }
      excess -= row.n;
    }
    return removeBefore(bound);
  });
  return { write, append, appendRelaxed: relaxed(append), purge, trim };
}

function isChained(db: Database.Database): boolean {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('audit_events', 'audit_chain')").all() as { name: string }[];
  if (tables.length < 2) return false;
  return (db.pragma("table_info(audit_events)") as { name: string }[]).some((c) => c.name === "hash");
}

/**
 * Chains a store's audit trail at open: the columns an older store lacks, and the rows it holds
 * chained in the order they were written, from the genesis anchor. Those rows are vouched for from
 * here on only (nothing older can prove what they were).
 */
export function migrateAuditChain(db: Database.Database): void {
  const columns = (db.pragma("table_info(audit_events)") as { name: string }[]).map((c) => c.name);
  if (!columns.includes("hash")) db.exec("ALTER TABLE audit_events ADD COLUMN prev_hash TEXT; ALTER TABLE audit_events ADD COLUMN hash TEXT;");
  chain(db);
  // The trail's size, kept as it changes; counted once for a store made before it was kept.
  const chainColumns = (db.pragma("table_info(audit_chain)") as { name: string }[]).map((c) => c.name);
  if (!chainColumns.includes("doc_bytes")) db.exec("ALTER TABLE audit_chain ADD COLUMN doc_bytes INTEGER");
  db.exec("UPDATE audit_chain SET doc_bytes = (SELECT coalesce(sum(length(CAST(doc AS BLOB))), 0) FROM audit_events) WHERE doc_bytes IS NULL");
}

function chain(db: Database.Database): void {
  if (db.prepare("SELECT 1 FROM audit_chain WHERE id = 1").get()) return;
  const page = db.prepare("SELECT seq, event_time, doc FROM audit_events WHERE seq > ? ORDER BY seq LIMIT 1000");
  const link = db.prepare("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?");
  db.transaction(() => {
    let prev = GENESIS;
    let count = 0;
    for (let after = 0; ; ) {
      const rows = page.all(after) as AuditRow[];
      if (rows.length === 0) break;
      for (const r of rows) {
        const hash = linkHash(prev, r.event_time, r.doc);
        link.run(prev, hash, r.seq);
        prev = hash;
      }
      count += rows.length;
      after = rows.at(-1)!.seq;
    }
    db.prepare("INSERT INTO audit_chain (id, anchor_hash, anchor_position, head_hash, head_position) VALUES (1, ?, 0, ?, ?)").run(GENESIS, prev, count);
  }).immediate();
}
