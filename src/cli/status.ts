// `meridian status`: the Regions out of service (from /_meridian/health), replication lag and
// outbox depth per replica Region, and each Region's store syncs (the floor of a write's latency),
// read from a running Meridian's /metrics endpoint.
import { reach } from "./endpoint.js";

interface Row {
  depth: number;
  oldest: number;
  p50: number;
  p99: number;
  delivered: number;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// A sample line of the text format, `name{label="value",…} number`; label order is free, and our
// label values hold no quotes or commas (Region names, outcomes, quantiles).
const SAMPLE = /^(\w+)\{([^}]*)\} (\S+)$/;

function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!]));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export function summarize(text: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const { name, labels, value } of samples(text)) {
    if (!name.startsWith("meridian_replication_") || labels.source === undefined || labels.destination === undefined) continue;
    const key = `${labels.source} → ${labels.destination}`;
    const row = rows.get(key) ?? { depth: 0, oldest: 0, p50: 0, p99: 0, delivered: 0 };
    if (name === "meridian_replication_outbox_depth") row.depth = value;
    else if (name === "meridian_replication_oldest_pending_seconds") row.oldest = value;
    else if (name === "meridian_replication_lag_seconds" && labels.quantile === "0.5") row.p50 = value;
    else if (name === "meridian_replication_lag_seconds" && labels.quantile === "0.99") row.p99 = value;
    else if (name === "meridian_replication_deliveries_total" && labels.outcome === "InSync") row.delivered = value;
    rows.set(key, row);
  }
  return rows;
}

/** Per Region: how many group syncs, and their recent p50/p99 in seconds. */
export function summarizeSyncs(text: string): Map<string, { syncs: number; p50: number; p99: number }> {
  const rows = new Map<string, { syncs: number; p50: number; p99: number }>();
  for (const { name, labels, value } of samples(text)) {
    if (!name.startsWith("meridian_store_") || labels.region === undefined) continue;
    const row = rows.get(labels.region) ?? { syncs: 0, p50: 0, p99: 0 };
    if (name === "meridian_store_syncs_total") row.syncs = value;
    else if (name === "meridian_store_sync_seconds" && labels.quantile === "0.5") row.p50 = value;
    else if (name === "meridian_store_sync_seconds" && labels.quantile === "0.99") row.p99 = value;
    rows.set(labels.region, row);
  }
  return rows;
}

/** The health endpoint's Regions out of service, one line each; none when every Region serves. */
function outOfServiceLines(health: unknown): string[] {
  const unhealthy = (health as { unhealthy?: Record<string, string> } | null)?.unhealthy ?? {};
  const regions = Object.keys(unhealthy).sort();
  if (regions.length === 0) return [];
  return ["Regions out of service (the log names each store and why):", ...regions.map((r) => `  ${r.padEnd(22)} ${unhealthy[r]}`), ""];
}

export async function status(endpoint: string): Promise<string> {
  // 503 too says which Regions are out: then none serves
  const health = await reach(new URL("/_meridian/health", endpoint));
  const lines = outOfServiceLines(health.ok || health.status === 503 ? await health.json() : undefined);
  const response = await reach(new URL("/metrics", endpoint));
  if (!response.ok) throw new Error(`${endpoint}/metrics answered ${response.status}`);
  const text = await response.text();
  const rows = summarize(text);
  const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
  if (rows.size === 0) lines.push("No replication in this Meridian yet.");
  else lines.push("replication              outbox  oldest pending  lag p50    lag p99    delivered");
  for (const [key, r] of [...rows].sort()) {
    lines.push(
      `${key.padEnd(24)} ${String(r.depth).padStart(6)}  ${ms(r.oldest).padStart(14)}  ${ms(r.p50).padEnd(9)}  ${ms(r.p99).padEnd(9)}  ${r.delivered}`,
    );
  }
  const syncs = [...summarizeSyncs(text)].filter(([, r]) => r.syncs > 0).sort();
  if (syncs.length > 0) {
    lines.push("", "store syncs              syncs   sync p50   sync p99");
    for (const [region, r] of syncs) lines.push(`${region.padEnd(24)} ${String(r.syncs).padStart(6)}   ${ms(r.p50).padEnd(9)}  ${ms(r.p99)}`);
  }
  return lines.join("\n") + "\n";
}
