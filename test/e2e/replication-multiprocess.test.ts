// The distributed shape (DESIGN §3): three `meridian serve --region R --topology FILE` processes
// replicating over HTTP as signed peers. A replica process stops while the primary keeps changing
// the secret and converges when it is back; the primary's process stops, the replicas keep serving
// reads and one is promoted; the old primary comes back and overwrites nothing.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
  StopReplicationToReplicaCommand,
} from "@aws-sdk/client-secrets-manager";
import { eventually, regionProcesses } from "../support/multiprocess.js";

const REGIONS = ["us-east-1", "eu-west-1", "us-west-2"] as const;
type Region = (typeof REGIONS)[number];
const cluster = regionProcesses(REGIONS, { peerSecret: "multi-process-test-peer-secret", prefix: "meridian-multi-" });
const { client, kill } = cluster;
const start = (region: Region) => cluster.start(region);

before(() => cluster.startAll());
after(() => cluster.stopAll());

const value = async (region: Region) => (await client(region).send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString;

async function statusOf(region: Region) {
  const d = await client("us-east-1").send(new DescribeSecretCommand({ SecretId: "app/db" }));
  return d.ReplicationStatus?.find((s) => s.Region === region);
}

test("three Region processes: outage, convergence, promotion, nothing overwritten", async () => {
  const primary = client("us-east-1");
  const created = await primary.send(
    new CreateSecretCommand({ Name: "app/db", SecretString: "v0", AddReplicaRegions: [{ Region: "eu-west-1" }, { Region: "us-west-2" }] }),
  );
  for (const r of ["eu-west-1", "us-west-2"] as const) {
    await eventually(async () => assert.equal((await statusOf(r))?.Status, "InSync"));
    // The replica's process knows the admin key once the home's copy of the identities has arrived.
    const read = await eventually(() => client(r).send(new GetSecretValueCommand({ SecretId: "app/db" })));
    assert.equal(read.SecretString, "v0");
    assert.equal(read.VersionId, created.VersionId);
    assert.equal(read.ARN, created.ARN!.replace("us-east-1", r));
  }

  // A replica's process stops while the primary keeps changing the secret.
  await kill("eu-west-1");
  const acked: string[] = [];
  for (let i = 1; i <= 20; i++) {
    await primary.send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: `v${i}` }));
    acked.push(`v${i}`);
  }
  await eventually(async () => assert.equal(await value("us-west-2"), "v20"));
  await eventually(async () => assert.equal((await statusOf("eu-west-1"))?.Status, "Failed"));
  assert.match((await statusOf("eu-west-1"))!.StatusMessage!, /unreachable/);

  await start("eu-west-1");
  await eventually(async () => assert.equal(await value("eu-west-1"), "v20"));
  await eventually(async () => assert.equal((await statusOf("eu-west-1"))?.Status, "InSync"));

  // The primary's process stops: the replicas keep serving reads, and one is promoted.
  await kill("us-east-1");
  assert.equal(await value("eu-west-1"), "v20");
  assert.equal(await value("us-west-2"), "v20");
  await client("us-west-2").send(new StopReplicationToReplicaCommand({ SecretId: "app/db" }));
  await client("us-west-2").send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: "after-promotion" }));

  // The old primary comes back: it learns of the promotion and overwrites nothing.
  await start("us-east-1");
  await primary.send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: "primary-again" }));
  await eventually(async () => assert.equal(await statusOf("us-west-2"), undefined));
  await eventually(async () => assert.equal(await value("eu-west-1"), "primary-again"));
  assert.equal(await value("us-west-2"), "after-promotion");
  const promoted = await client("us-west-2").send(new DescribeSecretCommand({ SecretId: "app/db" }));
  assert.equal(promoted.PrimaryRegion, undefined);
  assert.equal(await value("us-east-1"), "primary-again");
});
