// /metrics as Prometheus reads it: a summary's `_sum` and `_count` cover every delivery (not a
// window of recent ones), every Region's series sit in one family, and `meridian status` reads
// the text back.

import { test } from "node:test";
import assert from "node:assert/strict";
import { makeReplicationMetrics } from "./replication-metrics.js";
import { makeSyncMetrics } from "../store/store-metrics.js";
import { exposition } from "../util/prometheus.js";
import { summarize, summarizeSyncs } from "../cli/status.js";

const clock = { now: () => 10_000 };
const noOutbox = { outboxSummary: async () => [] };

/** The value of the one sample line `name{labels} value`, labels written as /metrics writes them. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  assert.ok(line, `${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}

test("a lag summary's _sum and _count cover every delivery, beyond any quantile window", async () => {
  const m = makeReplicationMetrics({ region: "us-east-1", store: noOutbox, clock });
  // More deliveries than the 4,096 the hand-written summary kept: its _count stopped there.
  const n = 5000;
  for (let i = 0; i < n; i++) m.recordDelivery("eu-west-1", "InSync", 250); // 0.25 s: exact in binary
  m.recordDelivery("eu-west-1", "Unreachable"); // no lag: counted as a delivery, not observed
  const { text } = await exposition([m.registry]);

  const series = '{source="us-east-1",destination="eu-west-1"}';
  assert.equal(sample(text, `meridian_replication_lag_seconds_count${series}`), n);
  assert.equal(sample(text, `meridian_replication_lag_seconds_sum${series}`), n * 0.25);
  assert.equal(sample(text, `meridian_replication_lag_seconds{source="us-east-1",destination="eu-west-1",quantile="0.99"}`), 0.25);
  assert.equal(sample(text, `meridian_replication_deliveries_total{source="us-east-1",destination="eu-west-1",outcome="InSync"}`), n);
  assert.equal(sample(text, `meridian_replication_deliveries_total{source="us-east-1",destination="eu-west-1",outcome="Unreachable"}`), 1);
});

test("a store's sync summary counts every sync and sums their durations", async () => {
  const s = makeSyncMetrics("us-east-1");
  for (const ms of [125, 250, 500, 1000]) s.recordSync(ms); // exact in binary, as their sum is
  const { text } = await exposition([s.registry]);
  assert.equal(sample(text, 'meridian_store_syncs_total{region="us-east-1"}'), 4);
  assert.equal(sample(text, 'meridian_store_sync_seconds_count{region="us-east-1"}'), 4);
  assert.equal(sample(text, 'meridian_store_sync_seconds_sum{region="us-east-1"}'), 1.875);
  assert.deepEqual(summarizeSyncs(text).get("us-east-1")?.syncs, 4);
});

test("every Region's series of a metric form one family; the outbox gauges are read at scrape time", async () => {
  const east = makeReplicationMetrics({
    region: "us-east-1",
    store: { outboxSummary: async () => [{ region: "eu-west-1", depth: 3, oldestQueuedAt: 7_500 }] },
    clock,
  });
  const west = makeReplicationMetrics({ region: "eu-west-1", store: noOutbox, clock });
  east.recordDelivery("eu-west-1", "InSync", 100);
  west.recordDelivery("us-east-1", "InSync", 300);
  const { text, contentType } = await exposition([east.registry, makeSyncMetrics("us-east-1").registry, west.registry, makeSyncMetrics("eu-west-1").registry]);

  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  for (const family of ["meridian_replication_lag_seconds", "meridian_replication_deliveries_total", "meridian_store_syncs_total"]) {
    assert.equal(text.split("\n").filter((l) => l.startsWith(`# TYPE ${family} `)).length, 1, `one ${family} family`);
  }
  assert.equal(sample(text, 'meridian_replication_outbox_depth{source="us-east-1",destination="eu-west-1"}'), 3);
  assert.equal(sample(text, 'meridian_replication_oldest_pending_seconds{source="us-east-1",destination="eu-west-1"}'), 2.5);
  assert.equal(sample(text, 'meridian_store_syncs_total{region="eu-west-1"}'), 0, "a Region that has not synced shows 0");

  const rows = summarize(text);
  assert.deepEqual(rows.get("us-east-1 → eu-west-1"), { depth: 3, oldest: 2.5, p50: 0.1, p99: 0.1, delivered: 1 });
  assert.deepEqual(rows.get("eu-west-1 → us-east-1"), { depth: 0, oldest: 0, p50: 0.3, p99: 0.3, delivered: 1 });
});
