// What a Region's replication worker has done lately, per replica Region: deliveries by outcome,
// and the lag of recent deliveries (change committed at the primary → applied at the replica).
// Rendered in Prometheus text format with the outbox depth (see metricsText).

import { quantile } from "../util/quantile.js";

const WINDOW = 4096;

export interface DestinationMetrics {
  deliveries: Record<string, number>;
  /** the last WINDOW lags, in ms, oldest first */
  lagsMs: number[];
}

export function makeReplicationMetrics() {
  const byDestination = new Map<string, DestinationMetrics>();
  const of = (dest: string) => {
    let m = byDestination.get(dest);
    if (!m) {
      m = { deliveries: {}, lagsMs: [] };
      byDestination.set(dest, m);
    }
    return m;
  };
  return {
    recordDelivery(dest: string, outcome: string, lagMs?: number) {
      const m = of(dest);
      m.deliveries[outcome] = (m.deliveries[outcome] ?? 0) + 1;
      if (lagMs !== undefined) {
        m.lagsMs.push(lagMs);
        if (m.lagsMs.length > WINDOW) m.lagsMs.shift();
      }
    },
    snapshot(): Map<string, DestinationMetrics> {
      return byDestination;
    },
  };
}

export type ReplicationMetrics = ReturnType<typeof makeReplicationMetrics>;

export interface RegionReplicationView {
  region: string;
  metrics: ReplicationMetrics;
  outbox: { region: string; depth: number; oldestQueuedAt: number }[];
}

/** Prometheus text exposition of every hosted Region's replication state. */
export function metricsText(views: RegionReplicationView[], now: number): string {
  const lines: string[] = [];
  const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const labels = (source: string, dest: string, extra = "") => `{source="${source}",destination="${dest}"${extra}}`;

  family("meridian_replication_outbox_depth", "gauge", "Changes waiting to be delivered to a replica Region.");
  for (const v of views) for (const o of v.outbox) lines.push(`meridian_replication_outbox_depth${labels(v.region, o.region)} ${o.depth}`);
  family("meridian_replication_oldest_pending_seconds", "gauge", "Age of the oldest change not yet delivered to a replica Region.");
  for (const v of views) {
    for (const o of v.outbox) {
      const age = o.oldestQueuedAt > 0 ? Math.max(0, now - o.oldestQueuedAt) / 1000 : 0;
      lines.push(`meridian_replication_oldest_pending_seconds${labels(v.region, o.region)} ${age}`);
    }
  }
  family("meridian_replication_lag_seconds", "summary", "Time from a change committed at the primary to its apply at the replica, recent deliveries.");
  for (const v of views) {
    for (const [dest, m] of v.metrics.snapshot()) {
      const sorted = [...m.lagsMs].sort((a, b) => a - b);
      for (const q of [0.5, 0.99]) lines.push(`meridian_replication_lag_seconds${labels(v.region, dest, `,quantile="${q}"`)} ${quantile(sorted, q) / 1000}`);
      lines.push(`meridian_replication_lag_seconds_count${labels(v.region, dest)} ${sorted.length}`);
    }
  }
  family("meridian_replication_deliveries_total", "counter", "Deliveries to replica Regions by outcome.");
  for (const v of views) {
    for (const [dest, m] of v.metrics.snapshot()) {
      for (const [outcome, n] of Object.entries(m.deliveries)) {
        lines.push(`meridian_replication_deliveries_total${labels(v.region, dest, `,outcome="${outcome}"`)} ${n}`);
      }
    }
  }
  return lines.join("\n") + "\n";
}
