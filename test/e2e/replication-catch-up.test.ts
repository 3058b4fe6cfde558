// Issue 12 item 8: after a replica Region's process had been down a while, it took up to 45 s after
// its restart to catch up, because the primary backed off from the unreachable Region further with
// every failed attempt (0.4 s, 0.8 s … 25.6 s, jittered, capped at 30 s). Now the primary probes a
// Region that does not answer once a second, so a replica that is back is noticed at once. Two
// `meridian serve` processes: the replica is killed, the primary keeps writing, and the replica is
// started again only after the primary has failed to reach it seven times — where a growing backoff
// would have put the next attempt at least 12.8 s away.

import { test, after, before } from "node:test";
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { regionProcesses } from "../support/multiprocess.js";
import { waitFor } from "../support/wait-for.js";

const PRIMARY = "us-east-1";
const REPLICA = "eu-west-1";
const cluster = regionProcesses([PRIMARY, REPLICA], { peerSecret: "catch-up-test-peer-secret", prefix: "meridian-catch-up-" });
const { ports, client } = cluster;

before(() => cluster.startAll());
after(() => cluster.stopAll());

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

  await cluster.kill(REPLICA);
  for (let i = 1; i <= 10; i++) await primary.send(new PutSecretValueCommand({ SecretId: "app/catch-up", SecretString: `v${i}` }));
  // Long enough for a growing backoff to reach 25.6 s (±50 %); a probe reaches it in seven seconds.
  await waitFor(async () => (await failedContacts()) >= 7, { what: "seven failed attempts to reach the replica", timeoutMs: 120_000, intervalMs: 100 });

  await cluster.start(REPLICA);
  // Bounded well below what the backoff would leave (at least 12.8 s after the seventh failure),
  // well above a probe interval plus a delivery.
  await waitFor(async () => (await value().catch(() => undefined)) === "v10", { what: "the replica to catch up", timeoutMs: 8_000, intervalMs: 50 });
  await waitFor(async () => (await status()) === "InSync", { what: "the primary to record InSync", timeoutMs: 8_000, intervalMs: 50 });
});
