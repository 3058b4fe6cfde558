// `meridian audit`: the audit trail of every Region in a data directory, read through each Region
// store's audit reader (make-store.ts: it writes nothing, so it runs beside a serving Meridian),
// newest first, as a table or as CloudTrail JSON lines.

import { parseArgs } from "node:util";
import { openAuditReader } from "../store/make-store.js";
import type { AuditPosition, AuditQuery, AuditReader, AuditRepo, StoredAuditEvent } from "../store/store.js";
import type { CloudTrailEvent } from "../contract/audit-records.js";
import { verifyAudit } from "./audit-verify.js";
import { regionsToRead, TOPOLOGY_OPTION, TOPOLOGY_USAGE } from "./audit-regions.js";

export const AUDIT_USAGE = `Options for audit (newest event first; \`meridian audit verify --help\` for the hash chain check):
  --data-dir <dir>     the data directory of the stores (MERIDIAN_DATA_DIR, default ./.meridian)
  --region <names>     only these Regions, comma-separated (default: every Region with a store)
  --store <store>      the Regions' store when not SQLite files in the data directory: a PostgreSQL
                       connection string, as meridian serve --store (MERIDIAN_STORE)
${TOPOLOGY_USAGE}  --since <time>       events at or after this time (ISO 8601, e.g. 2026-11-28T17:00:00Z)
  --until <time>       events at or before this time
  --user <text>        events of callers whose ARN or user name contains the text
  --event-name <name>  events of this operation only, e.g. GetSecretValue
  --limit <n>          at most n events (the table shows 100 unless told; --json all)
  --json               one CloudTrail event per line (JSON lines) instead of a table
`;

const TABLE_LIMIT = 100;
const PAGE = 1000;

/** Runs `meridian audit` with the arguments after the command; output goes to `write`; returns the exit code. */
export async function audit(argv: string[], env: NodeJS.ProcessEnv, write: (text: string) => void): Promise<number> {
  if (argv[0] === "verify") return verifyAudit(argv.slice(1), env, write);
  await list(argv, env, write);
  return 0;
}

async function list(argv: string[], env: NodeJS.ProcessEnv, write: (text: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "data-dir": { type: "string" },
      region: { type: "string" },
      store: { type: "string" },
      ...TOPOLOGY_OPTION,
      since: { type: "string" },
      until: { type: "string" },
      user: { type: "string" },
      "event-name": { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return write(`Usage: meridian audit [options]\n\n${AUDIT_USAGE}`);
  const query: AuditQuery = {
    from: instant("--since", values.since),
    to: instant("--until", values.until),
    principal: values.user || undefined,
    eventName: values["event-name"] || undefined,
  };
  if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit)) throw new Error(`--limit must be a positive number, not '${values.limit}'`);
  const limit = values.limit !== undefined ? Number(values.limit) : values.json ? Infinity : TABLE_LIMIT;

  const { dataDir, wanted } = await regionsToRead(values, env);
  const readers: AuditReader[] = [];
  try {
    for (const { region, store } of wanted) readers.push(await openAuditReader({ dataDir, region }, store));
    const events = newestFirst(readers, query, limit);
    if (values.json) {
      for await (const event of events) write(JSON.stringify(event) + "\n");
      return;
    }
    const rows: CloudTrailEvent[] = [];
    for await (const event of events) rows.push(event);
    write(table(rows));
  } finally {
    for (const reader of readers) await reader.close();
  }
}


function instant(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`${option} must be a time in ISO 8601 (e.g. 2026-11-28T17:00:00Z), not '${text}'`);
  return ms;
}

/** The events of every Region, merged newest first, read a page at a time from each. */
async function* newestFirst(repos: Pick<AuditRepo, "queryAuditEvents">[], query: AuditQuery, limit: number) {
  const sources = repos.map((repo) => ({ repo, rows: [] as (StoredAuditEvent & AuditPosition)[], next: 0, done: false }));
  for (let emitted = 0; emitted < limit; emitted++) {
    let newest: (typeof sources)[number] | undefined;
    for (const s of sources) {
      if (s.next === s.rows.length && !s.done) {
        const after = s.rows.at(-1);
        s.rows = await s.repo.queryAuditEvents({ ...query, limit: Math.min(PAGE, limit), after: after && { time: after.time, seq: after.seq } });
        s.next = 0;
        s.done = s.rows.length < Math.min(PAGE, limit);
      }
      if (s.next < s.rows.length && (!newest || s.rows[s.next].time > newest.rows[newest.next].time)) newest = s;
    }
    if (!newest) return;
    yield newest.rows[newest.next++].event;
  }
}

function table(events: CloudTrailEvent[]): string {
  if (events.length === 0) return "No audit events match.\n";
  const header = ["TIME", "REGION", "EVENT SOURCE", "EVENT NAME", "USER", "ERROR"];
  const rows = events.map((e) => [e.eventTime, e.awsRegion, e.eventSource, e.eventName, caller(e), e.errorCode ?? ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [header, ...rows].map(line).join("\n") + "\n";
}

/** The caller as a person reads it: alice, root, assumed-role/Deployer/session. */
function caller(e: CloudTrailEvent): string {
  const who = e.userIdentity;
  if (who.userName) return who.userName;
  if (who.arn) return who.arn.slice(who.arn.lastIndexOf(":") + 1);
  return who.invokedBy ?? who.type;
}
