// A store's group syncs as Prometheus metrics (beside replication's, on /metrics): how many, and
// how long they took; every write's response waits for one, so their latency is the floor of a
// write's. Each store keeps them in its own prom-client registry, never the process-global one.

import { Counter, Registry, Summary } from "prom-client";
import { SUMMARY_WINDOW } from "../util/prometheus.js";

export function makeSyncMetrics(region: string) {
  const registry = new Registry();
  const labels = { region };
  const syncs = new Counter({
    name: "meridian_store_syncs_total",
    help: "Group syncs of the Region's store (one fdatasync each, shared by every change before it).",
    labelNames: ["region"],
    registers: [registry],
  });
  syncs.inc(labels, 0); // a Region that has not synced yet shows 0, not nothing
  const seconds = new Summary({
    name: "meridian_store_sync_seconds",
    help: "How long group syncs took (quantiles over the last ten minutes).",
    labelNames: ["region"],
    registers: [registry],
    ...SUMMARY_WINDOW,
  });
  return {
    registry,
    recordSync(ms: number) {
      syncs.inc(labels);
      seconds.observe(labels, ms / 1000);
    },
  };
}
