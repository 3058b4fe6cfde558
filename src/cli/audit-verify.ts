// `meridian audit verify`: checks every Region's audit hash chain in a data directory, read through
// each Region store's audit reader (make-store.ts: it writes nothing, so a running Meridian may stay
// up), and prints one line per Region: intact with its count and head hash, or the first broken
// link and what is wrong with it.

import { parseArgs } from "node:util";
import { openAuditReader } from "../store/make-store.js";
import type { AuditReader } from "../store/store.js";
import { verifyChain, type ChainVerdict } from "../contract/audit-chain.js";
import { regionsToRead, TOPOLOGY_OPTION, TOPOLOGY_USAGE } from "./audit-regions.js";

const AUDIT_VERIFY_USAGE = `Usage: meridian audit verify [options]

Checks that no audit event was edited, removed or reordered: every event is chained by hash to the
one written before it in its Region (retention keeps the hash of the last event it removed as the
chain's anchor). Prints one line per Region and exits 1 at the first broken link of any Region.
Keep the head hashes it prints somewhere else: an attacker able to rewrite the whole store could
rebuild a chain, but not one ending in a head recorded before the rewrite.

Options:
  --data-dir <dir>   the data directory of the stores (MERIDIAN_DATA_DIR, default ./.meridian)
  --region <names>   only these Regions, comma-separated (default: every Region with a store)
  --store <store>    the Regions' store when not SQLite files in the data directory: a PostgreSQL
                     connection string, as meridian serve --store (MERIDIAN_STORE)
${TOPOLOGY_USAGE}`;

/** Runs `meridian audit verify`; returns the exit code (0 when every chain is intact). */
export async function verifyAudit(argv: string[], env: NodeJS.ProcessEnv, write: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { "data-dir": { type: "string" }, region: { type: "string" }, store: { type: "string" }, ...TOPOLOGY_OPTION, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return write(AUDIT_VERIFY_USAGE), 0;
  const { dataDir, wanted, where } = await regionsToRead(values, env);
  if (wanted.length === 0) throw new Error(`no Region store in ${where}`);

  const width = Math.max(...wanted.map((w) => w.region.length));
  let broken = 0;
  for (const { region, store } of wanted) {
    const reader = await openAuditReader({ dataDir, region }, store);
    try {
      const line = await verifyRegion(reader, region);
      if (!line.ok) broken++;
      write(`${region.padEnd(width)}  ${line.text}\n`);
    } finally {
      await reader.close();
    }
  }
  write(broken === 0 ? `Audit trail intact in ${wanted.length} Region${wanted.length === 1 ? "" : "s"}.\n` : `Audit trail BROKEN in ${broken} of ${wanted.length} Regions.\n`);
  return broken === 0 ? 0 : 1;
}

async function verifyRegion(reader: AuditReader, region: string): Promise<{ ok: boolean; text: string }> {
  // The head and the rows come from one snapshot: a server appending meanwhile cannot show a head
  // newer than the rows read.
  const chain = await reader.readAuditChain();
  if (!chain) {
    return { ok: false, text: "UNCHAINED: written by a Meridian without the hash chain; start `meridian serve` on this data directory once to chain it" };
  }
  return describe(await verifyChain(chain.state, chain.rows, region));
}

function describe(v: ChainVerdict): { ok: boolean; text: string } {
  const pruned = v.pruned > 0 ? `, ${v.pruned} pruned before them (retention)` : "";
  // An empty chain's head is the genesis value: nothing worth keeping.
  if (v.intact) return { ok: true, text: `intact  ${v.events} events${pruned}${v.events + v.pruned > 0 ? `, head ${v.head}` : " (no audit trail yet)"}` };
  const where = v.row
    ? `at event ${v.position} (seq ${v.row.seq}, event id ${v.row.eventId ?? "?"}, ${v.row.eventName ?? "?"} at ${v.row.eventTime ?? "?"})`
    : `after event ${v.position - 1}`;
  return { ok: false, text: `BROKEN ${where}: ${v.problem}` };
}
