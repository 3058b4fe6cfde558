// Replication figures: lag (write acknowledged at the primary → readable in the replica) under a
// steady 200 writes/s to two replicas, in the single-process and the three-process shape; and the
// time to drain 10,000 changes queued while a replica's process was down.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, percentile, startMeridian, freePort } from "./bench-support.js";

const RATE = Number(process.env.BENCH_WRITE_RATE ?? 200);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const DRAIN_CHANGES = Number(process.env.BENCH_DRAIN_CHANGES ?? 10_000);
const SECRETS = 50;
const SAMPLE_EVERY = 20;
const REPLICAS = ["eu-west-1", "us-west-2"];
const PEER = { MERIDIAN_PEER_SECRET: "bench-peer-secret" };

type Endpoints = Record<string, string>; // Region → URL

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll a replica for a version until it is readable; the time it took from `since`. */
async function readableAfter(url: string, region: string, secret: string, versionId: string, since: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  // Polls back off (1, 2, 4 … 32 ms): polling must not become the load that slows replication. The
  // server's own figure (commit → replica's acknowledgement, from /metrics) is reported beside it.
  for (let attempt = 0; ; attempt++) {
    try {
      await call(url, "GetSecretValue", { SecretId: secret, VersionId: versionId }, "secretsmanager", region);
      return performance.now() - since;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(Math.min(32, 2 ** attempt));
    }
  }
}

async function waitInSync(primary: string, names: string[]) {
  for (const name of names) {
    for (;;) {
      const d = JSON.parse(await call(primary, "DescribeSecret", { SecretId: name }));
      if (d.ReplicationStatus?.every((s: { Status: string }) => s.Status === "InSync")) break;
      await sleep(20);
    }
  }
}

/** 200 PutSecretValue/s for DURATION_S; every 10th write is followed until readable in both replicas. */
async function steadyLag(endpoints: Endpoints) {
  const primary = endpoints["us-east-1"]!;
  const names = Array.from({ length: SECRETS }, (_, i) => `bench/replicated-${i}`);
  for (const Name of names) {
    await call(primary, "CreateSecret", { Name, SecretString: "initial", AddReplicaRegions: REPLICAS.map((Region) => ({ Region })), ClientRequestToken: crypto.randomUUID() });
  }
  await waitInSync(primary, names);
  const lags: number[] = [];
  const pending: Promise<void>[] = [];
  let errors = 0;
  const total = RATE * DURATION_S;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const name = names[i % names.length]!;
    pending.push(
      (async () => {
        const versionId = crypto.randomUUID();
        await call(primary, "PutSecretValue", { SecretId: name, SecretString: `value-${i}-${"x".repeat(100)}`, ClientRequestToken: versionId });
        if (i % SAMPLE_EVERY !== 0) return;
        const acked = performance.now();
        const found = await Promise.all(REPLICAS.map((r) => readableAfter(endpoints[r]!, r, name, versionId, acked)));
        lags.push(...found);
      })().catch(() => void errors++),
    );
  }
  await Promise.all(pending);
  const achieved = total / ((performance.now() - start) / 1000);
  const server = await serverLag(primary);
  return { lags, errors, achieved, server };
}

async function threeProcesses(root: string) {
  const regions = ["us-east-1", ...REPLICAS];
  const ports = await Promise.all(regions.map(() => freePort()));
  const topology = join(root, "topology.json");
  writeFileSync(
    topology,
    JSON.stringify({ partitions: [{ name: "aws", homeRegion: "us-east-1", regions: regions.map((name, i) => ({ name, endpoint: `http://127.0.0.1:${ports[i]}` })) }] }),
  );
  const start = (i: number) =>
    startMeridian(["--topology", topology, "--region", regions[i]!, "--port", String(ports[i])], PEER, join(root, regions[i]!));
  const procs = await Promise.all(regions.map((_, i) => start(i)));
  const endpoints: Endpoints = Object.fromEntries(regions.map((r, i) => [r, procs[i]!.url]));
  return { procs, endpoints, restart: (i: number) => start(i) };
}

/** The primary's own lag figures (change committed → replica acknowledged), worst replica. */
async function serverLag(primary: string) {
  const text = await (await fetch(`${primary}/metrics`)).text();
  const q = (quantile: string) =>
    Math.max(...[...text.matchAll(new RegExp(`meridian_replication_lag_seconds\\{[^}]*quantile="${quantile}"\\} (\\S+)`, "g"))].map((m) => Number(m[1]) * 1000));
  return { p50: q("0.5"), p99: q("0.99") };
}

function row(shape: string, r: { lags: number[]; errors: number; achieved: number; server: { p50: number; p99: number } }) {
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  return `| ${shape} | ${r.achieved.toFixed(0)} | ${f(r.server.p50)} | ${f(r.server.p99)} | ${r.lags.length} | ${f(percentile(r.lags, 0.5))} | ${f(percentile(r.lags, 0.99))} | ${r.errors} |`;
}

async function outboxDepth(primary: string, dest: string): Promise<number> {
  const text = await (await fetch(`${primary}/metrics`)).text();
  const m = new RegExp(`meridian_replication_outbox_depth\\{source="us-east-1",destination="${dest}"\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
}

export async function replicationBench() {
  console.log(`\nReplication lag, ${RATE} PutSecretValue/s for ${DURATION_S} s over ${SECRETS} secrets, each replicated to ${REPLICAS.join(" and ")}`);
  console.log("(server lag: change committed at us-east-1 → replica's acknowledgement, from /metrics, worst replica;");
  console.log(" client lag: write acknowledged → that version readable in each replica, every 20th write, polled with backoff)");
  console.log("| shape | writes/s achieved | server lag p50 | server lag p99 | client samples | client lag p50 | client lag p99 | errors |\n| --- | --- | --- | --- | --- | --- | --- | --- |");

  const single = process.env.BENCH_SKIP_SINGLE ? undefined : await startMeridian();
  if (single) try {
    const endpoints = Object.fromEntries(["us-east-1", ...REPLICAS].map((r) => [r, single.url]));
    console.log(row("one process (in-process transport)", await steadyLag(endpoints)));
  } finally {
    await single.stop();
  }


  const root = mkdtempSync(join(tmpdir(), "meridian-bench-3p-"));
  const cluster = await threeProcesses(root);
  try {
    console.log(row("three processes (HTTP transport)", await steadyLag(cluster.endpoints)));
    if (process.env.BENCH_VERBOSE) console.log(await (await fetch(`${cluster.endpoints["us-east-1"]}/metrics`)).text());

    // Outage: stop eu-west-1, queue DRAIN_CHANGES changes for it, start it again, time the drain.
    const primary = cluster.endpoints["us-east-1"]!;
    await cluster.procs[1]!.stop(true);
    const queuedStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < DRAIN_CHANGES) {
          const i = next++;
          await call(primary, "CreateSecret", { Name: `bench/outage-${i}`, SecretString: `v${i}`, AddReplicaRegions: [{ Region: "eu-west-1" }], ClientRequestToken: crypto.randomUUID() });
        }
      }),
    );
    const queuedSeconds = (performance.now() - queuedStart) / 1000;
    const depth = await outboxDepth(primary, "eu-west-1");
    const restarted = performance.now();
    cluster.procs[1] = await cluster.restart(1);
    while ((await outboxDepth(primary, "eu-west-1")) > 0) await sleep(50);
    const drained = (performance.now() - restarted) / 1000;
    const last = JSON.parse(await call(cluster.procs[1]!.url, "GetSecretValue", { SecretId: `bench/outage-${DRAIN_CHANGES - 1}` }, "secretsmanager", "eu-west-1"));
    console.log(`\nOutage drain: ${DRAIN_CHANGES} changes queued for eu-west-1 while its process was down (queued in ${queuedSeconds.toFixed(1)} s, outbox depth ${depth})`);
    console.log("| measure | value |\n| --- | --- |");
    console.log(`| restart of eu-west-1 → its outbox empty (includes the process start) | ${drained.toFixed(1)} s |`);
    console.log(`| last change readable in eu-west-1 | ${last.SecretString === `v${DRAIN_CHANGES - 1}` ? "yes" : "NO"} |`);
  } finally {
    for (const p of cluster.procs) await p?.stop(true);
    rmSync(root, { recursive: true, force: true });
  }
}
