// What damage looks like in a SQLite store (issue 12 item 3): SQLite's own codes for a corrupt
// page or a file that is not a database, and the quick check every store gets at open. The quick
// check reads every page and checks each b-tree's structure (not that indexes match their tables,
// which integrity_check does at many times the cost).

import Database from "better-sqlite3";

/** How many of quick_check's findings an error quotes: the first ones say where it is. */
const FINDINGS_QUOTED = 3;

/** Does this error from better-sqlite3 say the file is damaged? */
export function isSqliteDamage(e: unknown): boolean {
  return e instanceof Database.SqliteError && (e.code === "SQLITE_NOTADB" || e.code.startsWith("SQLITE_CORRUPT"));
}

/**
 * Refuse a store whose pages do not pass PRAGMA quick_check, with SQLite's code for a corrupt one.
 * What quick_check cannot step over (a table's page, as it reads each row) it raises itself.
 */
export function quickCheck(db: Database.Database): void {
  const findings = (db.pragma("quick_check") as { quick_check: string }[]).map((r) => r.quick_check.replace(/\s+/g, " "));
  if (findings.length === 1 && findings[0] === "ok") return;
  const quoted = findings.slice(0, FINDINGS_QUOTED).join("; ");
  const more = findings.length > FINDINGS_QUOTED ? ` (and ${findings.length - FINDINGS_QUOTED} more)` : "";
  throw new Database.SqliteError(`quick_check found: ${quoted}${more}`, "SQLITE_CORRUPT");
}
