// Issue 14: the PostgreSQL store beside SQLite, in the same run on the same machine. CreateSecret
// throughput (50 concurrent callers) on each store; GetSecretValue at 50 connections against one
// SQLite process, one PostgreSQL node, and two PostgreSQL nodes of the Region (two processes, the
// connections spread over both), with a bare node:http server as the yardstick. Each server is one
// process (--workers 1) hosting one Region; PostgreSQL from BENCH_POSTGRES_URL (else
// MERIDIAN_TEST_POSTGRES_URL), a fresh database per run, dropped after.

import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { ADMIN, benchDir, call, onPostgres, percentile, startChild, startMeridian } from "./bench-support.js";
import { signJson } from "./signed-request.js";

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const BASE_URL = process.env.BENCH_POSTGRES_URL ?? process.env.MERIDIAN_TEST_POSTGRES_URL;

/** CreateSecret by 50 callers for DURATION_S: created per second, p50 and p99 ms. */
async function createSecrets(url: string) {
  const latencies: number[] = [];
  const deadline = Date.now() + DURATION_S * 1000;
  const caller = async () => {
    while (Date.now() < deadline) {
      const started = performance.now();
      await call(url, "CreateSecret", { Name: `bench/${randomUUID()}`, SecretString: "x".repeat(200), ClientRequestToken: randomUUID() });
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, caller));
  const seconds = (performance.now() - started) / 1000;
  return `${(latencies.length / seconds).toFixed(0)} | ${percentile(latencies, 0.5).toFixed(1)} | ${percentile(latencies, 0.99).toFixed(1)}`;
}

/** GetSecretValue at 50 connections spread over `urls`, all at once: total requests/s, worst p50/p99, errors. */
async function getSecretValue(urls: string[]) {
  const input = { SecretId: "bench/read" };
  const loads = async (duration: number) =>
    Promise.all(
      urls.map(async (url) => {
        const signed = await signJson(url, "us-east-1", ADMIN, "secretsmanager.GetSecretValue", input);
        return autocannon({ url, method: "POST", headers: signed.headers, body: signed.body, connections: CONNECTIONS / urls.length, duration });
      }),
    );
  await loads(2); // warm-up, not counted
  const results = await loads(DURATION_S);
  const total = results.reduce((n, r) => n + r.requests.average, 0);
  const errors = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
  return `${total.toFixed(0)} | ${Math.max(...results.map((r) => r.latency.p50))} | ${Math.max(...results.map((r) => r.latency.p99))} | ${errors}`;
}

export async function postgresBench() {
  if (!BASE_URL) {
    console.log("\npostgres: skipped, BENCH_POSTGRES_URL (or MERIDIAN_TEST_POSTGRES_URL) is unset");
    return;
  }
  const database = `meridian_bench_${randomBytes(4).toString("hex")}`;
  await onPostgres(BASE_URL, `CREATE DATABASE "${database}"`);
  const u = new URL(BASE_URL);
  u.pathname = `/${database}`;
  const store = u.toString();
  const root = mkdtempSync(join(tmpdir(), "meridian-bench-pg-"));
  const topology = join(root, "topology.json");
  writeFileSync(topology, JSON.stringify({ partitions: [{ name: "aws", homeRegion: "us-east-1", regions: [{ name: "us-east-1" }] }] }));
  const args = (more: string[] = []) => ["--topology", topology, "--workers", "1", ...more];
  const rootKey = { MERIDIAN_ROOT_KEY: randomBytes(32).toString("base64") };
  const servers: { stop(): Promise<void> }[] = [];
  try {
    const sqlite = await startMeridian(args(), rootKey);
    servers.push(sqlite);
    const nodeA = await startMeridian(args(["--store", store]), rootKey);
    servers.push(nodeA);
    const nodeB = await startMeridian(args(["--store", store]), rootKey);
    servers.push(nodeB);

    console.log(`\nCreateSecret, ${CONNECTIONS} concurrent callers, ${DURATION_S} s, one process (--workers 1)`);
    console.log("| store | created/s | p50 ms | p99 ms |\n| --- | --- | --- | --- |");
    console.log(`| SQLite (file) | ${await createSecrets(sqlite.url)} |`);
    console.log(`| PostgreSQL (one node) | ${await createSecrets(nodeA.url)} |`);

    const secret = { Name: "bench/read", SecretString: JSON.stringify({ username: "app", password: "x".repeat(200), host: "db.internal", port: 5432 }) };
    await call(sqlite.url, "CreateSecret", { ...secret, ClientRequestToken: randomUUID() });
    const sample = await call(nodeA.url, "CreateSecret", { ...secret, ClientRequestToken: randomUUID() }).then(() => call(nodeA.url, "GetSecretValue", { SecretId: "bench/read" }));
    console.log(`\nGetSecretValue, ${CONNECTIONS} connections in all, ${DURATION_S} s, response ${sample.length} bytes`);
    console.log("| server | requests/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- |");
    console.log(`| SQLite, one process | ${await getSecretValue([sqlite.url])} |`);
    console.log(`| PostgreSQL, one node | ${await getSecretValue([nodeA.url])} |`);
    console.log(`| PostgreSQL, two nodes (25 connections each) | ${await getSecretValue([nodeA.url, nodeB.url])} |`);
    const bare = await startChild([join(benchDir, "bare-server.js")], { BARE_BODY: sample });
    try {
      console.log(`| bare node:http | ${await getSecretValue([bare.url])} |`);
    } finally {
      bare.child.kill("SIGTERM");
    }
  } finally {
    for (const s of servers.reverse()) await s.stop();
    rmSync(root, { recursive: true, force: true });
    await onPostgres(BASE_URL, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}
