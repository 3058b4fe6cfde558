// Catch-up after a peer restart (issue 12 item 8): two processes, us-east-1 the primary and
// eu-west-1 its replica. The replica's process is killed, the primary changes the replicated
// secrets, and after BENCH_OUTAGE_S (60 by default) the replica is started again. Measured from the
// restart: until the process listens, until the primary's outbox for it is empty, and until the
// last change is readable there. BENCH_ROUNDS outages (3 by default) in one run.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, startMeridian, freePort } from "./bench-support.js";

const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S ?? 60);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECRETS = 10;
const PEER = { MERIDIAN_PEER_SECRET: "bench-peer-secret" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function outboxDepth(primary: string): Promise<number> {
  const text = await (await fetch(`${primary}/metrics`)).text();
  const m = /meridian_replication_outbox_depth\{source="us-east-1",destination="eu-west-1"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

async function readable(replica: string, name: string, value: string): Promise<boolean> {
  try {
    return JSON.parse(await call(replica, "GetSecretValue", { SecretId: name }, "secretsmanager", "eu-west-1")).SecretString === value;
  } catch {
    return false;
  }
}

export async function catchUpBench() {
  const root = mkdtempSync(join(tmpdir(), "meridian-bench-catch-up-"));
  const regions = ["us-east-1", "eu-west-1"];
  const ports = await Promise.all(regions.map(() => freePort()));
  const topology = join(root, "topology.json");
  writeFileSync(
    topology,
    JSON.stringify({ partitions: [{ name: "aws", homeRegion: "us-east-1", regions: regions.map((name, i) => ({ name, endpoint: `http://127.0.0.1:${ports[i]}` })) }] }),
  );
  const start = (i: number) => startMeridian(["--topology", topology, "--region", regions[i]!, "--port", String(ports[i])], PEER, join(root, regions[i]!));
  const procs = [await start(0), await start(1)];
  const primary = procs[0]!.url;
  const names = Array.from({ length: SECRETS }, (_, i) => `bench/catch-up-${i}`);
  console.log(`\nCatch-up after a peer restart: eu-west-1's process killed for ${OUTAGE_S} s while us-east-1 changes ${SECRETS} replicated secrets, then started again`);
  console.log("| round | restart → listening | listening → outbox for eu-west-1 empty | listening → last change readable in eu-west-1 |\n| --- | --- | --- | --- |");
  try {
    for (const Name of names) await call(primary, "CreateSecret", { Name, SecretString: "v0", AddReplicaRegions: [{ Region: "eu-west-1" }], ClientRequestToken: crypto.randomUUID() });
    while ((await outboxDepth(primary)) > 0) await sleep(50);
    for (let round = 1; round <= ROUNDS; round++) {
      procs[1]!.child.kill("SIGKILL");
      await new Promise((r) => procs[1]!.child.once("exit", r));
      const last = `round-${round}`;
      for (const name of names) await call(primary, "PutSecretValue", { SecretId: name, SecretString: last, ClientRequestToken: crypto.randomUUID() });
      await sleep(OUTAGE_S * 1000); // the outage itself: what is measured comes after it
      const restarted = performance.now();
      procs[1] = await start(1);
      const listening = performance.now();
      while ((await outboxDepth(primary)) > 0) await sleep(50);
      const drained = performance.now();
      while (!(await readable(procs[1]!.url, names.at(-1)!, last))) await sleep(50);
      const read = performance.now();
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(`| ${round} | ${s(listening - restarted)} | ${s(drained - listening)} | ${s(read - listening)} |`);
    }
  } finally {
    for (const p of procs) await p.stop(true);
    rmSync(root, { recursive: true, force: true });
  }
}
