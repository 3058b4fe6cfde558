// Issue 12 item 8: after a replica Region's process had been down a while, it took up to 45 s after
// its restart to catch up, because the primary backed off from the unreachable Region further with
// every failed attempt (0.4 s, 0.8 s … 25.6 s, jittered, capped at 30 s). Now the primary probes a
// Region that does not answer once a second, so a replica that is back is noticed at once. Two
// `meridian serve` processes: the replica is killed, the primary keeps writing, and the replica is
// started again only after the primary has failed to reach it seven times — where a growing backoff
// would have put the next attempt at least 12.8 s away.

import { test, after, before } from "node:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { SecretsManagerClient, CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { ADMIN, spawnMeridian, waitForExit } from "../support/meridian.js";
import { freePort } from "../support/multiprocess.js";
import { waitFor } from "../support/wait-for.js";

const PRIMARY = "us-east-1";
const REPLICA = "eu-west-1";
type Region = typeof PRIMARY | typeof REPLICA;
const root = mkdtempSync(join(tmpdir(), "meridian-catch-up-"));
const ports = {} as Record<Region, number>;
const procs = {} as Record<Region, ChildProcess | undefined>;
const clients: SecretsManagerClient[] = [];

function client(region: Region) {
  const c = new SecretsManagerClient({ endpoint: `http://127.0.0.1:${ports[region]}`, region, credentials: ADMIN, maxAttempts: 1 });
  clients.push(c);
  return c;
}

async function start(region: Region) {
  const p = spawnMeridian(join(root, region), ["--topology", join(root, "topology.json"), "--region", region, "--port", String(ports[region])], {
    MERIDIAN_PEER_SECRET: "catch-up-test-peer-secret",
  });
  procs[region] = p.child;
  await p.url;
}

before(async () => {
  for (const r of [PRIMARY, REPLICA] as const) ports[r] = await freePort();
  writeFileSync(
    join(root, "topology.json"),
    JSON.stringify({
      partitions: [{ name: "aws", homeRegion: PRIMARY, regions: ([PRIMARY, REPLICA] as const).map((r) => ({ name: r, endpoint: `http://127.0.0.1:${ports[r]}` })) }],
    }),
  );
  await Promise.all([start(PRIMARY), start(REPLICA)]);
});

after(async () => {
  for (const c of clients) c.destroy();
  for (const r of [PRIMARY, REPLICA] as const) {
    procs[r]?.kill("SIGKILL");
    if (procs[r]) await waitForExit(procs[r]);
  }
  rmSync(root, { recursive: true, force: true });
});

/** How often the primary has tried to reach the replica and got no answer: deliveries and probes. */
async function failedContacts(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${ports[PRIMARY]}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^meridian_replication_(?:deliveries|peer_probes)_total\{([^}]*)\} (\d+)/gm)) {
    if (m[1]!.includes(`destination="${REPLICA}"`) && m[1]!.includes('outcome="Unreachable"')) n += Number(m[2]);
  }
  return n;
}

test("a replica process restarted after an outage catches up within seconds, not a grown backoff", async () => {
  const primary = client(PRIMARY);
  const replica = client(REPLICA);
  const value = async () => (await replica.send(new GetSecretValueCommand({ SecretId: "app/catch-up" }))).SecretString;
  const status = async () =>
    (await primary.send(new DescribeSecretCommand({ SecretId: "app/catch-up" }))).ReplicationStatus?.find((s) => s.Region === REPLICA)?.Status;
  await primary.send(new CreateSecretCommand({ Name: "app/catch-up", SecretString: "v0", AddReplicaRegions: [{ Region: REPLICA }] }));
  await waitFor(async () => (await status()) === "InSync", { what: "the first replication", timeoutMs: 30_000 });

  procs[REPLICA]!.kill("SIGKILL");
  await waitForExit(procs[REPLICA]!);
  for (let i = 1; i <= 10; i++) await primary.send(new PutSecretValueCommand({ SecretId: "app/catch-up", SecretString: `v${i}` }));
  // Long enough for a growing backoff to reach 25.6 s (±50 %); a probe reaches it in seven seconds.
  await waitFor(async () => (await failedContacts()) >= 7, { what: "seven failed attempts to reach the replica", timeoutMs: 120_000, intervalMs: 100 });

  await start(REPLICA);
  // Bounded well below what the backoff would leave (at least 12.8 s after the seventh failure),
  // well above a probe interval plus a delivery.
  await waitFor(async () => (await value().catch(() => undefined)) === "v10", { what: "the replica to catch up", timeoutMs: 8_000, intervalMs: 50 });
  await waitFor(async () => (await status()) === "InSync", { what: "the primary to record InSync", timeoutMs: 8_000, intervalMs: 50 });
});
