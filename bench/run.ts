// `npm run bench [-- get-secret-value|kms|replication|rss|policy|catch-up|audit-growth|postgres|mixed|ab]`: the figures BENCHMARKS.md keeps.
//   get-secret-value: GetSecretValue throughput and p50/p99 with 50 connections against one Region,
//                     and a bare node:http server answering a same-sized body in the same run.
//   kms:              Encrypt, Decrypt, GenerateDataKey; GetSecretValue under a customer key vs the default key.
//   replication:      lag under 200 writes/s to two replicas in both shapes; drain after an outage.
//   rss:              the server's resident memory after creating 100,000 secrets.
//   policy:           GetSecretValue as the admin vs as a user with a ten-statement conditional policy.
//   catch-up:         a replica process down 60 s, then restarted: how long until it has caught up.
//   audit-growth:     bytes per audit event of a read, and the WAL's peak under load.
//   postgres:         CreateSecret on SQLite vs PostgreSQL; GetSecretValue on one and two PostgreSQL nodes.
//   mixed:            GetSecretValue over 1,000 secrets (default workers; one PostgreSQL node), alone and with PutSecretValue alongside.
//   ab:               GetSecretValue's CPU per request on the builds of several checkouts, alternated (BENCH_AB;
//                     BENCH_AB_LOAD=mixed|mixed-postgres: the mixed bench's load with writes).
// Servers run as child processes on 127.0.0.1; every load stops by itself.

import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { signJson } from "./signed-request.js";
import { ADMIN, benchDir, call, cpuMsOf, startChild, startMeridian, treeCpuMs } from "./bench-support.js";
import { mixedBench, mixedRun } from "./mixed.js";
import { replicationBench } from "./replication.js";
import { policyBench } from "./policy.js";
import { catchUpBench } from "./catch-up.js";
import { auditGrowthBench } from "./audit-growth.js";
import { postgresBench } from "./postgres.js";

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);

function load(url: string, headers: Record<string, string>, body: string): Promise<autocannon.Result> {
  return autocannon({ url, method: "POST", headers, body, connections: CONNECTIONS, duration: DURATION_S });
}

/** One `meridian serve` shape under GetSecretValue load: its result and the CPU its processes used per request. */
async function getSecretValueRun(args: string[], cliPath?: string) {
  const meridian = await startMeridian(args, {}, undefined, cliPath);
  try {
    await call(meridian.url, "CreateSecret", {
      Name: "bench/db-credentials",
      SecretString: JSON.stringify({ username: "app", password: "x".repeat(200), host: "db.internal", port: 5432 }),
      ClientRequestToken: "00000000-0000-4000-8000-000000000001",
    });
    const input = { SecretId: "bench/db-credentials" };
    const sample = await call(meridian.url, "GetSecretValue", input);
    const signed = await signJson(meridian.url, "us-east-1", ADMIN, "secretsmanager.GetSecretValue", input);
    await load(meridian.url, signed.headers, signed.body); // warm-up, not counted
    const cpuBefore = treeCpuMs(meridian.child.pid!);
    const result = await load(meridian.url, signed.headers, signed.body);
    // CPU time per request: unlike requests/s, it holds when the load generator (or anything
    // else) competes for the machine's cores.
    const cpuPerRequestUs = ((treeCpuMs(meridian.child.pid!) - cpuBefore) * 1000) / result.requests.total;
    return { result, cpuPerRequestUs, sample, signed };
  } finally {
    await meridian.stop();
  }
}

/**
 * GetSecretValue against `meridian serve` as one process and with its default worker processes
 * (one per core), and a bare node:http server answering the same bytes, in the same run; then what
 * the issue's target (half the bare server's requests/s) leaves Meridian's processes per request on
 * this machine, given what the load generator itself costs per request.
 */
async function getSecretValueBench() {
  const one = await getSecretValueRun(["--workers", "1"]);
  const workers = await getSecretValueRun([]);
  const bare = await startChild([join(benchDir, "bare-server.js")], { BARE_BODY: one.sample });
  let b: autocannon.Result;
  let bareCpuUs: number;
  let loadCpuUs: number;
  try {
    await load(bare.url, one.signed.headers, one.signed.body);
    const serverBefore = cpuMsOf(bare.child.pid!);
    const loadBefore = process.cpuUsage();
    b = await load(bare.url, one.signed.headers, one.signed.body);
    const used = process.cpuUsage(loadBefore);
    loadCpuUs = (used.user + used.system) / b.requests.total;
    bareCpuUs = ((cpuMsOf(bare.child.pid!) - serverBefore) * 1000) / b.requests.total;
  } finally {
    bare.child.kill("SIGTERM");
  }
  const cores = availableParallelism();
  console.log(`\nGetSecretValue, ${CONNECTIONS} connections, ${DURATION_S} s, response ${one.sample.length} bytes, ${cores} cores`);
  console.log("| server | requests/s | p50 ms | p99 ms | errors | CPU µs/request |\n| --- | --- | --- | --- | --- | --- |");
  console.log(`${row("Meridian, one process (--workers 1)", one.result)} ${one.cpuPerRequestUs.toFixed(0)} |`);
  console.log(`${row(`Meridian, default (${cores} workers + writer)`, workers.result)} ${workers.cpuPerRequestUs.toFixed(0)} |`);
  console.log(`${row("bare node:http, one process", b)} ${bareCpuUs.toFixed(0)} |`);
  console.log(`ratio to bare: one process ${(one.result.requests.average / b.requests.average).toFixed(2)}, workers ${(workers.result.requests.average / b.requests.average).toFixed(2)}`);
  const budget = targetBudget(b.requests.average, loadCpuUs, cores);
  console.log(
    `the load generator spends ${loadCpuUs.toFixed(0)} µs of CPU per request; at half the bare server's rate ` +
      `(${budget.rate.toFixed(0)} requests/s) it leaves Meridian's processes ${budget.perRequestUs.toFixed(0)} µs per request on ${cores} cores; ` +
      `at the workers' ${workers.cpuPerRequestUs.toFixed(0)} µs that rate needs ${budget.coresFor(workers.cpuPerRequestUs).toFixed(1)} cores`,
  );
}

/**
 * The CPU per request Meridian may spend to serve `rate` = half the bare server's requests/s on a
 * machine of `cores` cores shared with the load generator (which spends `loadCpuUs` per request),
 * and the cores a given cost per request would need at that rate. The bare server is one process:
 * its rate does not grow with the machine, so neither does the target.
 */
function targetBudget(bareRate: number, loadCpuUs: number, cores: number) {
  const rate = bareRate / 2;
  return {
    rate,
    perRequestUs: (cores * 1e6) / rate - loadCpuUs,
    coresFor: (meridianCpuUs: number) => (rate * (meridianCpuUs + loadCpuUs)) / 1e6,
  };
}

/**
 * GetSecretValue with the default workers against the builds of several checkouts (BENCH_AB, their
 * directories, comma-separated, each built: dist/ and node_modules/), alternated BENCH_ROUNDS times
 * (5): this machine's speed drifts by tens of per cent within minutes, so only runs interleaved in
 * time compare builds, and CPU per request is the figure to compare.
 */
async function abBench() {
  const checkouts = (process.env.BENCH_AB ?? "").split(",").filter(Boolean);
  if (checkouts.length < 2) throw new Error("ab: set BENCH_AB to two or more built checkouts, comma-separated");
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  // BENCH_AB_LOAD=mixed (or mixed-postgres: one PostgreSQL node): the mixed bench's reads over many secrets with writes alongside
  const abLoad = process.env.BENCH_AB_LOAD;
  const mixed = abLoad === "mixed" || abLoad === "mixed-postgres";
  const cpu = new Map(checkouts.map((c) => [c, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (const checkout of checkouts) {
      const cli = join(checkout, "dist", "src", "cli", "main.js");
      const run = mixed ? await mixedRun(Number(process.env.BENCH_WRITES ?? 50), cli, abLoad === "mixed-postgres" ? "postgres" : "sqlite") : await getSecretValueRun([], cli);
      cpu.get(checkout)!.push(run.cpuPerRequestUs);
      console.log(`${checkout}: ${run.result.requests.average.toFixed(0)} req/s, p99 ${run.result.latency.p99} ms, ${run.cpuPerRequestUs.toFixed(0)} µs/request`);
    }
  }
  const what = mixed ? `GetSecretValue over many secrets with writes alongside (${abLoad})` : "GetSecretValue, default workers";
  console.log(`\n${what}, ${CONNECTIONS} connections, ${DURATION_S} s, ${rounds} alternating rounds: CPU µs/request`);
  for (const [checkout, runs] of cpu) {
    const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    console.log(`| ${checkout} | ${runs.map((r) => r.toFixed(0)).join(", ")} | ${median.toFixed(0)} |`);
  }
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function rssBench() {
  const total = Number(process.env.BENCH_SECRETS ?? 100_000);
  const meridian = await startMeridian();
  try {
    const before = rssOf(meridian.child.pid!);
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        await call(meridian.url, "CreateSecret", {
          Name: `rss/secret-${i}`,
          SecretString: `value-${i}-${"v".repeat(64)}`,
          ClientRequestToken: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        });
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    const seconds = (Date.now() - started) / 1000;
    const listStart = performance.now();
    await call(meridian.url, "ListSecrets", { MaxResults: 100 });
    const listMs = performance.now() - listStart;
    const after = rssOf(meridian.child.pid!);
    // a name prefix that 100 secrets of 100,000 share (rss/secret-1234xx), and a word search (a scan)
    const timed = async (input: unknown) => {
      const start = performance.now();
      await call(meridian.url, "ListSecrets", input);
      return performance.now() - start;
    };
    const prefixMs = await timed({ MaxResults: 100, Filters: [{ Key: "name", Values: [`rss/secret-${Math.floor(total / 100) - 1}`] }] });
    const wordsMs = await timed({ MaxResults: 100, Filters: [{ Key: "all", Values: ["secret 4242"] }] });
    console.log(`\nRSS with ${total} secrets`);
    console.log("| measure | value |\n| --- | --- |");
    console.log(`| RSS at start | ${(before / 2 ** 20).toFixed(0)} MiB |`);
    console.log(`| RSS after ${total} CreateSecret + one ListSecrets | ${(after / 2 ** 20).toFixed(0)} MiB |`);
    console.log(`| CreateSecret rate while filling (${CONNECTIONS} concurrent) | ${(total / seconds).toFixed(0)} /s |`);
    console.log(`| one ListSecrets page (MaxResults 100) over ${total} secrets | ${listMs.toFixed(0)} ms |`);
    console.log(`| one ListSecrets page filtered by a name prefix (from the name index) | ${prefixMs.toFixed(0)} ms |`);
    console.log(`| one ListSecrets page filtered by words ("all": a scan of every secret) | ${wordsMs.toFixed(0)} ms |`);
  } finally {
    await meridian.stop();
  }
}

const row = (name: string, r: autocannon.Result) =>
  `| ${name} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx + r.errors} |`;

async function measure(url: string, target: string, input: unknown, service = "secretsmanager") {
  const prefix = service === "kms" ? "TrentService" : "secretsmanager";
  const signed = await signJson(url, "us-east-1", ADMIN, `${prefix}.${target}`, input, service);
  await autocannon({ url, method: "POST", headers: signed.headers, body: signed.body, connections: CONNECTIONS, duration: 2 });
  return load(url, signed.headers, signed.body);
}

/** Encrypt, Decrypt and GenerateDataKey against a customer key; GetSecretValue under it and under aws/secretsmanager. */
async function kmsBench() {
  const meridian = await startMeridian();
  try {
    const key = JSON.parse(await call(meridian.url, "CreateKey", { Description: "bench" }, "kms")).KeyMetadata.KeyId as string;
    const plaintext = Buffer.alloc(256, 1).toString("base64");
    const context = { purpose: "bench" };
    const blob = JSON.parse(await call(meridian.url, "Encrypt", { KeyId: key, Plaintext: plaintext, EncryptionContext: context }, "kms")).CiphertextBlob;
    await call(meridian.url, "CreateSecret", { Name: "bench/default-key", SecretString: "x".repeat(300), ClientRequestToken: "00000000-0000-4000-8000-000000000010" });
    await call(meridian.url, "CreateSecret", { Name: "bench/customer-key", SecretString: "x".repeat(300), KmsKeyId: key, ClientRequestToken: "00000000-0000-4000-8000-000000000011" });
    console.log(`\nKMS and keys, ${CONNECTIONS} connections, ${DURATION_S} s each`);
    console.log("| operation | requests/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- |");
    console.log(row("Encrypt (256 bytes)", await measure(meridian.url, "Encrypt", { KeyId: key, Plaintext: plaintext, EncryptionContext: context }, "kms")));
    console.log(row("Decrypt (256 bytes)", await measure(meridian.url, "Decrypt", { CiphertextBlob: blob, EncryptionContext: context }, "kms")));
    console.log(row("GenerateDataKey (AES_256)", await measure(meridian.url, "GenerateDataKey", { KeyId: key, KeySpec: "AES_256" }, "kms")));
    console.log(row("GetSecretValue, aws/secretsmanager", await measure(meridian.url, "GetSecretValue", { SecretId: "bench/default-key" })));
    console.log(row("GetSecretValue, customer key", await measure(meridian.url, "GetSecretValue", { SecretId: "bench/customer-key" })));
  } finally {
    await meridian.stop();
  }
}

const benches: Record<string, () => Promise<void>> = {
  "get-secret-value": getSecretValueBench,
  kms: kmsBench,
  replication: replicationBench,
  rss: rssBench,
  policy: policyBench,
  "catch-up": catchUpBench,
  "audit-growth": auditGrowthBench,
  postgres: postgresBench,
  mixed: mixedBench,
  ab: abBench,
};
const chosen = process.argv.slice(2).filter((a) => !a.startsWith("-"));
// ab compares builds it is given: it runs only when named
for (const name of chosen.length ? chosen : Object.keys(benches).filter((n) => n !== "ab")) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown bench '${name}'; choose from ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  await bench();
}
