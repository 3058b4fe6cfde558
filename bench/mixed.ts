// `npm run bench -- mixed`: reads spread over many secrets while other secrets change. With worker
// processes each process caches what it read, and a change made anywhere must reach every cache
// before it answers again (issue 14): what that costs the reads is the difference between the runs
// with and without writes. 1,000 secrets (BENCH_SECRETS), GetSecretValue over all of them at 50
// connections, and PutSecretValue at 50 per second (BENCH_WRITES) in the background on the second run;
// then the same against one PostgreSQL node (BENCH_POSTGRES_URL, else MERIDIAN_TEST_POSTGRES_URL;
// a fresh database per run), where a read the cache cannot answer is a round trip.

import { randomBytes, randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { signJson } from "./signed-request.js";
import { ADMIN, call, onPostgres, startMeridian, treeCpuMs } from "./bench-support.js";

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const SECRETS = Number(process.env.BENCH_SECRETS ?? 1000);
const WRITES_PER_S = Number(process.env.BENCH_WRITES ?? 50);

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.MERIDIAN_TEST_POSTGRES_URL;

export type MixedStore = "sqlite" | "postgres";

/** The server's arguments for `store` (PostgreSQL: one node, in a database of its own), and what removes that database. */
async function storeFor(store: MixedStore): Promise<{ args: string[]; drop(): Promise<void> }> {
  if (store === "sqlite") return { args: [], drop: async () => undefined };
  if (!POSTGRES_URL) throw new Error("mixed on PostgreSQL: set BENCH_POSTGRES_URL or MERIDIAN_TEST_POSTGRES_URL");
  const database = `meridian_bench_${randomBytes(4).toString("hex")}`;
  await onPostgres(POSTGRES_URL, `CREATE DATABASE "${database}"`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  return { args: ["--store", url.toString(), "--workers", "1"], drop: () => onPostgres(POSTGRES_URL!, `DROP DATABASE "${database}" WITH (FORCE)`) };
}

const name = (i: number) => `bench/mixed-${i}`;
const value = (tag: string) => JSON.stringify({ username: "app", password: tag.repeat(200) });

/**
 * One `meridian serve` (SQLite with the default workers, or one PostgreSQL node; the build at
 * `cliPath` when given) under GetSecretValue
 * spread over SECRETS secrets, with `writesPerS` PutSecretValue per second alongside: reads/s, p99,
 * and the CPU its processes spent per read (writes included: they are part of the load), as getSecretValueRun reports it.
 */
export async function mixedRun(writesPerS: number, cliPath?: string, store: MixedStore = "sqlite") {
  const place = await storeFor(store);
  const meridian = await startMeridian(place.args, {}, undefined, cliPath);
  try {
    for (let i = 0; i < SECRETS; i += CONNECTIONS) {
      const batch = Array.from({ length: Math.min(CONNECTIONS, SECRETS - i) }, (_, j) => i + j);
      await Promise.all(batch.map((n) => call(meridian.url, "CreateSecret", { Name: name(n), SecretString: value("c"), ClientRequestToken: randomUUID() })));
    }
    const requests: autocannon.Request[] = [];
    for (let i = 0; i < SECRETS; i++) {
      const signed = await signJson(meridian.url, "us-east-1", ADMIN, "secretsmanager.GetSecretValue", { SecretId: name(i) });
      requests.push({ method: "POST", headers: signed.headers, body: signed.body });
    }
    const load = () => autocannon({ url: meridian.url, requests, connections: CONNECTIONS, duration: DURATION_S });
    await load(); // warm-up, not counted: every secret read (and its access noted) once
    let writing = writesPerS > 0;
    let writes = 0;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const started = Date.now();
        await call(meridian.url, "PutSecretValue", { SecretId: name(i % SECRETS), SecretString: value("w"), ClientRequestToken: randomUUID() });
        writes++;
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 / writesPerS - (Date.now() - started))));
      }
    })();
    const cpuBefore = treeCpuMs(meridian.child.pid!);
    const started = Date.now();
    const result = await load();
    const cpuPerRequestUs = ((treeCpuMs(meridian.child.pid!) - cpuBefore) * 1000) / result.requests.total;
    const seconds = (Date.now() - started) / 1000;
    writing = false;
    await writer;
    return { result, cpuPerRequestUs, writesPerS: writes / seconds };
  } finally {
    await meridian.stop();
    await place.drop();
  }
}

export async function mixedBench() {
  for (const store of POSTGRES_URL ? (["sqlite", "postgres"] as const) : (["sqlite"] as const)) {
    const quiet = await mixedRun(0, undefined, store);
    const busy = await mixedRun(WRITES_PER_S, undefined, store);
    const server = store === "sqlite" ? "SQLite, default workers" : "PostgreSQL, one node";
    console.log(`\nGetSecretValue over ${SECRETS} secrets, ${server}, ${CONNECTIONS} connections, ${DURATION_S} s`);
    console.log("| other secrets changing | reads/s | p50 ms | p99 ms | errors | CPU µs/read |\n| --- | --- | --- | --- | --- | --- |");
    for (const [label, run] of [["none", quiet], [`${busy.writesPerS.toFixed(0)} PutSecretValue/s`, busy]] as const) {
      const r = run.result;
      console.log(`| ${label} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx + r.errors} | ${run.cpuPerRequestUs.toFixed(0)} |`);
    }
  }
  if (!POSTGRES_URL) console.log("\nmixed on PostgreSQL: skipped, BENCH_POSTGRES_URL (or MERIDIAN_TEST_POSTGRES_URL) is unset");
}
