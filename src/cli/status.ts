// `meridian status`: replication lag and outbox depth per replica Region, and each Region's store
// syncs (the floor of a write's latency), read from a running Meridian's /metrics endpoint.

interface Row {
  depth: number;
  oldest: number;
  p50: number;
  p99: number;
  delivered: number;
}

const SAMPLE = /^(\w+)\{source="([^"]+)",destination="([^"]+)"(?:,(?:quantile|outcome)="([^"]+)")?\} (\S+)$/;

export function summarize(text: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of text.split("\n")) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, name, source, dest, extra, raw] = m;
    const key = `${source} → ${dest}`;
    const row = rows.get(key) ?? { depth: 0, oldest: 0, p50: 0, p99: 0, delivered: 0 };
    const value = Number(raw);
    if (name === "meridian_replication_outbox_depth") row.depth = value;
    else if (name === "meridian_replication_oldest_pending_seconds") row.oldest = value;
    else if (name === "meridian_replication_lag_seconds" && extra === "0.5") row.p50 = value;
    else if (name === "meridian_replication_lag_seconds" && extra === "0.99") row.p99 = value;
    else if (name === "meridian_replication_deliveries_total" && extra === "InSync") row.delivered = value;
    rows.set(key, row);
  }
  return rows;
}

const SYNC_SAMPLE = /^meridian_store_(syncs_total|sync_seconds)\{region="([^"]+)"(?:,quantile="([^"]+)")?\} (\S+)$/;

/** Per Region: how many group syncs, and their recent p50/p99 in seconds. */
export function summarizeSyncs(text: string): Map<string, { syncs: number; p50: number; p99: number }> {
  const rows = new Map<string, { syncs: number; p50: number; p99: number }>();
  for (const line of text.split("\n")) {
    const m = SYNC_SAMPLE.exec(line);
    if (!m) continue;
    const [, name, region = "", q, raw] = m;
    const row = rows.get(region) ?? { syncs: 0, p50: 0, p99: 0 };
    if (name === "syncs_total") row.syncs = Number(raw);
    else if (q === "0.5") row.p50 = Number(raw);
    else if (q === "0.99") row.p99 = Number(raw);
    rows.set(region, row);
  }
  return rows;
}

export async function status(endpoint: string): Promise<string> {
  const response = await fetch(new URL("/metrics", endpoint));
  if (!response.ok) throw new Error(`${endpoint}/metrics answered ${response.status}`);
  const text = await response.text();
  const rows = summarize(text);
  const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
  const lines: string[] = [];
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
