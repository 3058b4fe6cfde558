// A Region's SQLite store opened to read its audit trail only (`meridian audit`): read-only, so a
// serving Meridian may go on writing it (WAL), and nothing is created or migrated, so a store an
// older Meridian made reads as it is: without an audit trail yet, or with one not chained yet.

import Database from "better-sqlite3";
import type { AuditReader } from "../store.js";
import { makeSqliteAuditRepo } from "./sqlite-audit-repo.js";
import { GENESIS } from "../../contract/audit-chain.js";

export function openSqliteAuditReader(file: string): AuditReader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  const repo = makeSqliteAuditRepo(db, { relaxed: (fn) => fn }); // nothing here writes
  const hasTrail = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'").get() !== undefined;
  return {
    queryAuditEvents: async (query) => (hasTrail() ? repo.queryAuditEvents(query) : []),
    async readAuditChain() {
      if (hasTrail()) return repo.readAuditChain();
      // never written: an empty chain at the genesis anchor, intact
      return { state: { anchorHash: GENESIS, anchorPosition: 0, headHash: GENESIS, headPosition: 0 }, rows: (async function* () {})() };
    },
    close: async () => void db.close(),
  };
}
