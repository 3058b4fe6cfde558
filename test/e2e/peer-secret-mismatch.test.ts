// Issue 12 item 11: two Region processes whose peer secrets differ. Before, the primary logged each
// refused delivery (and every identity retry) with the peer's whole signature-mismatch message — the
// canonical request and the string to sign — and the replica logged nothing. Now each side says
// what is wrong once, in plain words, and neither logs canonical requests, signatures or secrets.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretsManagerClient, CreateSecretCommand, DescribeSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { ADMIN, spawnMeridian, waitForExit } from "../support/meridian.js";
import { freePort } from "../support/multiprocess.js";
import { waitFor } from "../support/wait-for.js";

const SECRETS = { "us-east-1": "primary-side-peer-secret", "eu-west-1": "replica-side-peer-secret" } as const;
type Region = keyof typeof SECRETS;
const root = mkdtempSync(join(tmpdir(), "meridian-peer-secret-"));
const ports = {} as Record<Region, number>;
const procs = {} as Record<Region, ReturnType<typeof spawnMeridian>>;
let primary: SecretsManagerClient;

before(async () => {
  const regions = Object.keys(SECRETS) as Region[];
  for (const r of regions) ports[r] = await freePort();
  writeFileSync(
    join(root, "topology.json"),
    JSON.stringify({ partitions: [{ name: "aws", homeRegion: "us-east-1", regions: regions.map((r) => ({ name: r, endpoint: `http://127.0.0.1:${ports[r]}` })) }] }),
  );
  for (const r of regions) {
    procs[r] = spawnMeridian(join(root, r), ["--topology", join(root, "topology.json"), "--region", r, "--port", String(ports[r])], { MERIDIAN_PEER_SECRET: SECRETS[r] });
  }
  await Promise.all(regions.map((r) => procs[r].url));
  primary = new SecretsManagerClient({ endpoint: `http://127.0.0.1:${ports["us-east-1"]}`, region: "us-east-1", credentials: ADMIN, maxAttempts: 1 });
});

after(async () => {
  primary.destroy();
  for (const p of Object.values(procs)) {
    p.child.kill("SIGKILL");
    await waitForExit(p.child);
  }
  rmSync(root, { recursive: true, force: true });
});

/** The primary's refused deliveries to eu-west-1, from its metrics. */
async function refusedDeliveries(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${ports["us-east-1"]}/metrics`)).text();
  const m = /^meridian_replication_deliveries_total\{[^}]*destination="eu-west-1",outcome="Error"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

const logLines = (r: Region) => procs[r].output().split("\n").filter((l) => l.startsWith("{"));

test("a wrong peer secret is reported once on each side, as such, without canonical requests", async () => {
  await primary.send(new CreateSecretCommand({ Name: "app/peers", SecretString: "v0", AddReplicaRegions: [{ Region: "eu-west-1" }] }));
  for (let i = 1; i <= 3; i++) await primary.send(new PutSecretValueCommand({ SecretId: "app/peers", SecretString: `v${i}` }));
  // refused several times over (each retry after a backoff), identities refused too
  await waitFor(async () => (await refusedDeliveries()) >= 4, { what: "four refused deliveries", timeoutMs: 30_000, intervalMs: 100 });

  const sender = logLines("us-east-1").filter((l) => l.includes("peer secret"));
  assert.deepEqual(sender.map((l) => JSON.parse(l).msg), [`peer eu-west-1 at http://127.0.0.1:${ports["eu-west-1"]} refused our peer secret`]);
  const receiver = logLines("eu-west-1").filter((l) => l.includes("peer secret"));
  assert.deepEqual(receiver.map((l) => JSON.parse(l).msg), ["a request claiming to be peer us-east-1 (127.0.0.1) failed authentication: wrong peer secret"]);

  const status = (await primary.send(new DescribeSecretCommand({ SecretId: "app/peers" }))).ReplicationStatus?.[0];
  assert.equal(status?.Status, "Failed");
  assert.equal(status?.StatusMessage, "Region eu-west-1 refused this Region's peer secret; retrying.");

  for (const r of Object.keys(SECRETS) as Region[]) {
    const output = procs[r].output();
    assert.doesNotMatch(output, /Canonical|String-to-Sign|Signature=|Credential=/, `${r} logs no canonical request or signature`);
    for (const secret of Object.values(SECRETS)) assert.ok(!output.includes(secret), `${r} logs no peer secret`);
  }
});
