// The audit trail in a Region's SQLite store: one row per CloudTrail event, the JSON document beside
// the columns `meridian audit` filters on. Rows are only ever appended.

import type Database from "better-sqlite3";
import type { AuditQuery, AuditRepo, StoredAuditEvent } from "../store.js";
import type { Durability } from "./sqlite-durability.js";

interface AuditRow {
  seq: number;
  event_time: number;
  doc: string;
}

export function makeSqliteAuditRepo(db: Database.Database, { relaxed }: Pick<Durability, "relaxed">): AuditRepo {
  const insert = db.prepare(
    `INSERT INTO audit_events (event_time, region, event_source, event_name, principal_arn, user_name, event_id, error_code, doc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const append = db.transaction((events: StoredAuditEvent[]) => {
    for (const { time, event } of events) {
      const who = event.userIdentity;
      const principal = who.arn ?? who.invokedBy ?? "";
      const userName = who.userName ?? who.sessionContext?.sessionIssuer.userName ?? null;
      const { awsRegion, eventSource, eventName, eventID, errorCode } = event;
      insert.run(time, awsRegion, eventSource, eventName, principal, userName, eventID, errorCode ?? null, JSON.stringify(event));
    }
  });
  const appendRelaxed = relaxed(append);
  // one prepared statement per combination of filters used
  const queries = new Map<string, Database.Statement>();

  const purge = db.prepare("DELETE FROM audit_events WHERE event_time < ?");

  return {
    async purgeAuditEvents(before) {
      return purge.run(before).changes;
    },
    async appendAuditEvents(events, options) {
      if (events.length > 0) (options?.relaxed ? appendRelaxed : append)(events);
    },
    async queryAuditEvents(q: AuditQuery) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.from !== undefined) where.push("event_time >= ?"), params.push(q.from);
      if (q.to !== undefined) where.push("event_time <= ?"), params.push(q.to);
      if (q.principal !== undefined) {
        where.push("(instr(principal_arn, ?) > 0 OR instr(coalesce(user_name, ''), ?) > 0)");
        params.push(q.principal, q.principal);
      }
      if (q.eventName !== undefined) where.push("event_name = ? COLLATE NOCASE"), params.push(q.eventName);
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
  };
}
