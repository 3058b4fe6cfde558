// Prometheus through prom-client, as /metrics uses it: no metric lives in prom-client's global
// registry (several servers share a test process); each Region keeps its own registries, and
// /metrics merges them into one exposition.

import { AggregatorRegistry, type Registry } from "prom-client";

/**
 * What the latency summaries share: the quantiles `meridian status` shows, over a sliding window
 * of recent observations (prom-client's age buckets); `_sum` and `_count` cover every observation
 * since the process started, as Prometheus expects of them.
 */
export const SUMMARY_WINDOW = { percentiles: [0.5, 0.99], maxAgeSeconds: 600, ageBuckets: 5 };

/**
 * Several registries as one exposition in Prometheus text format. A family every Region has (its
 * series told apart by their labels) is one family in the output, not one per registry as a
 * concatenation would give: prom-client's aggregation sums only series with equal labels, and
 * no two registries here share a series.
 */
export async function exposition(registries: Registry[]): Promise<{ text: string; contentType: string }> {
  const families = await Promise.all(registries.map((r) => r.getMetricsAsJSON()));
  for (const family of families.flat()) for (const v of family.values) v.labels = quantileLast(v.labels);
  const merged = AggregatorRegistry.aggregate(families);
  return { text: await merged.metrics(), contentType: merged.contentType };
}

/** A summary's series read as they did before prom-client: the series' labels, then its quantile. */
function quantileLast<V>(labels: Partial<Record<string, V>>): Partial<Record<string, V>> {
  if (!("quantile" in labels)) return labels;
  const { quantile, ...rest } = labels;
  return { ...rest, quantile };
}
