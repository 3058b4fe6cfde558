// The stores' group syncs in Prometheus text (beside replication's, on /metrics): how many, and how
// long recent ones took; every write's response waits for one, so their latency is the floor of a
// write's.

import { quantile } from "../util/quantile.js";

export interface StoreSyncView {
  region: string;
  stats: { syncs: number; recentMs: number[] };
}

export function storeMetricsText(views: StoreSyncView[]): string {
  const lines = [
    "# HELP meridian_store_syncs_total Group syncs of the Region's store (one fdatasync each, shared by every change before it).",
    "# TYPE meridian_store_syncs_total counter",
    ...views.map((v) => `meridian_store_syncs_total{region="${v.region}"} ${v.stats.syncs}`),
    "# HELP meridian_store_sync_seconds How long recent group syncs took.",
    "# TYPE meridian_store_sync_seconds summary",
  ];
  for (const v of views) {
    if (v.stats.recentMs.length === 0) continue;
    const sorted = [...v.stats.recentMs].sort((a, b) => a - b);
    for (const q of [0.5, 0.99]) lines.push(`meridian_store_sync_seconds{region="${v.region}",quantile="${q}"} ${quantile(sorted, q) / 1000}`);
    lines.push(`meridian_store_sync_seconds_count{region="${v.region}"} ${sorted.length}`);
  }
  return lines.join("\n") + "\n";
}
