// `meridian audit verify`: checks every Region's audit hash chain in a data directory, read straight
// from the stores (read-only, so a running Meridian may stay up), and prints one line per Region:
// intact with its count and head hash, or the first broken link and what is wrong with it.

import { parseArgs } from "node:util";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { makeSqliteAuditRepo } from "../store/sqlite/sqlite-audit-repo.js";
import { verifyChain, type ChainVerdict } from "../contract/audit-chain.js";

export const AUDIT_VERIFY_USAGE = `Usage: meridian audit verify [options]

Checks that no audit event was edited, removed or reordered: every event is chained by hash to the
one written before it in its Region (retention keeps the hash of the last event it removed as the
chain's anchor). Prints one line per Region and exits 1 at the first broken link of any Region.
Keep the head hashes it prints somewhere else: an attacker able to rewrite the whole store could
rebuild a chain, but not one ending in a head recorded before the rewrite.

Options:
  --data-dir <dir>   the data directory of the stores (MERIDIAN_DATA_DIR, default ./.meridian)
  --region <names>   only these Regions, comma-separated (default: every Region with a store)
`;

/** Runs `meridian audit verify`; returns the exit code (0 when every chain is intact). */
export async function verifyAudit(argv: string[], env: NodeJS.ProcessEnv, write: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { "data-dir": { type: "string" }, region: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return write(AUDIT_VERIFY_USAGE), 0;
  const dataDir = resolve(values["data-dir"] ?? env.MERIDIAN_DATA_DIR ?? ".meridian");
  if (!existsSync(dataDir)) throw new Error(`no data directory at ${dataDir}`);
  const stored = readdirSync(dataDir).filter((f) => f.endsWith(".sqlite")).map((f) => f.slice(0, -".sqlite".length));
  const wanted = values.region?.split(",").map((r) => r.trim()).filter(Boolean) ?? stored.sort();
  for (const r of wanted) if (!stored.includes(r)) throw new Error(`no store for Region ${r} in ${dataDir}`);
  if (wanted.length === 0) throw new Error(`no Region store in ${dataDir}`);

  const width = Math.max(...wanted.map((r) => r.length));
  let broken = 0;
  for (const region of wanted) {
    const db = new Database(join(dataDir, `${region}.sqlite`), { readonly: true, fileMustExist: true });
    try {
      db.pragma("busy_timeout = 5000");
      // One read transaction: a server appending meanwhile cannot show a head newer than the rows read.
      db.exec("BEGIN");
      const line = await verifyRegion(db, region);
      db.exec("COMMIT");
      if (!line.ok) broken++;
      write(`${region.padEnd(width)}  ${line.text}\n`);
    } finally {
      db.close();
    }
  }
  write(broken === 0 ? `Audit trail intact in ${wanted.length} Region${wanted.length === 1 ? "" : "s"}.\n` : `Audit trail BROKEN in ${broken} of ${wanted.length} Regions.\n`);
  return broken === 0 ? 0 : 1;
}

async function verifyRegion(db: Database.Database, region: string): Promise<{ ok: boolean; text: string }> {
  const hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'").get() !== undefined;
  // A store made before the audit trail existed, and not opened by a server since.
  if (!hasEvents) return { ok: true, text: "intact  0 events (no audit trail yet)" };
  const chain = await makeSqliteAuditRepo(db, { relaxed: (fn) => fn }).readAuditChain();
  if (!chain) {
    return { ok: false, text: "UNCHAINED: written by a Meridian without the hash chain; start `meridian serve` on this data directory once to chain it" };
  }
  return describe(verifyChain(chain.state, chain.rows, region));
}

function describe(v: ChainVerdict): { ok: boolean; text: string } {
  const pruned = v.pruned > 0 ? `, ${v.pruned} pruned before them (retention)` : "";
  // An empty chain's head is the genesis value: nothing worth keeping.
  if (v.intact) return { ok: true, text: `intact  ${v.events} events${pruned}${v.events + v.pruned > 0 ? `, head ${v.head}` : ""}` };
  const where = v.row
    ? `at event ${v.position} (seq ${v.row.seq}, event id ${v.row.eventId ?? "?"}, ${v.row.eventName ?? "?"} at ${v.row.eventTime ?? "?"})`
    : `after event ${v.position - 1}`;
  return { ok: false, text: `BROKEN ${where}: ${v.problem}` };
}
