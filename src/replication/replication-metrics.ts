// What a Region's replication has done, per replica Region, as Prometheus metrics: deliveries and
// probes of silent Regions by outcome, the lag of deliveries (change committed at the primary → applied at the replica), and
// the outbox's depth and oldest entry, read from the store when /metrics is scraped. Each Region
// keeps them in its own prom-client registry (never the process-global one), which the edge's
// /metrics merges with the other hosted Regions' (see operator-routes.ts).

import { Counter, Gauge, Registry, Summary } from "prom-client";
import type { RegionStore } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { SUMMARY_WINDOW } from "../util/prometheus.js";

export interface ReplicationMetricsDeps {
  region: string;
  store: Pick<RegionStore, "outboxSummary">;
  clock: Clock;
}

export function makeReplicationMetrics(deps: ReplicationMetricsDeps) {
  const registry = new Registry();
  const source = deps.region;
  const registers = [registry];
  const labelNames = ["source", "destination"] as const;

  // Both outbox gauges come from one read of the store per scrape: a registry collects its
  // metrics concurrently, so the second collect shares the read the first one started.
  let reading: ReturnType<RegionStore["outboxSummary"]> | undefined;
  const readOutbox = () => (reading ??= deps.store.outboxSummary().finally(() => (reading = undefined)));
  new Gauge({
    name: "meridian_replication_outbox_depth",
    help: "Changes waiting to be delivered to a replica Region.",
    labelNames,
    registers,
    async collect() {
      const outbox = await readOutbox();
      this.reset();
      for (const o of outbox) this.set({ source, destination: o.region }, o.depth);
    },
  });
  new Gauge({
    name: "meridian_replication_oldest_pending_seconds",
    help: "Age of the oldest change not yet delivered to a replica Region.",
    labelNames,
    registers,
    async collect() {
      const outbox = await readOutbox();
      this.reset();
      const now = deps.clock.now();
      for (const o of outbox) this.set({ source, destination: o.region }, o.oldestQueuedAt > 0 ? Math.max(0, now - o.oldestQueuedAt) / 1000 : 0);
    },
  });
  const lag = new Summary({
    name: "meridian_replication_lag_seconds",
    help: "Time from a change committed at the primary to its apply at the replica (quantiles over the last ten minutes).",
    labelNames,
    registers,
    ...SUMMARY_WINDOW,
  });
  const deliveries = new Counter({
    name: "meridian_replication_deliveries_total",
    help: "Deliveries to replica Regions by outcome.",
    labelNames: [...labelNames, "outcome"],
    registers,
  });

  const probes = new Counter({
    name: "meridian_replication_peer_probes_total",
    help: "Probes of replica Regions that did not answer a delivery, by outcome (Unreachable, Answered).",
    labelNames: [...labelNames, "outcome"],
    registers,
  });

  return {
    registry,
    recordProbe(destination: string, outcome: "Unreachable" | "Answered") {
      probes.inc({ source, destination, outcome });
    },
    recordDelivery(destination: string, outcome: string, lagMs?: number) {
      deliveries.inc({ source, destination, outcome });
      if (lagMs !== undefined) lag.observe({ source, destination }, lagMs / 1000);
    },
  };
}

export type ReplicationMetrics = ReturnType<typeof makeReplicationMetrics>;
