// StopReplicationToReplica in the replica's Region: the replica becomes a standalone secret at once,
// even while the primary's Region is down. The old primary drops that Region from its
// ReplicationStatus (told by a notice, or by the refusal of its next delivery) and never overwrites
// the promoted secret; the promoted secret is writable and can be replicated on its own.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, ReplicateSecretToRegionsCommand,
  StopReplicationToReplicaCommand, TagResourceCommand,
} from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";
import type { RegionNode } from "../../src/region/region-node.js";
import { EU, PRIMARY, SPARE, WEST, antiEntropy, inRegion, settle, startReplicationServer, statusOf, uniqueName } from "./replication-support.js";

let m: TestServer;
before(async () => {
  m = await startReplicationServer();
});
after(() => m.stop());

const NAME_TAKEN = "Replication failed: Secret with this name already exists in this region.";
const value = async (region: string, name: string) => (await m.secrets(region).send(new GetSecretValueCommand({ SecretId: name }))).SecretString;

async function replicated(name: string, regions = [EU, WEST]) {
  const created = await m.secrets(PRIMARY).send(
    new CreateSecretCommand({ Name: name, SecretString: "v0", AddReplicaRegions: regions.map((Region) => ({ Region })) }),
  );
  await settle(m);
  return created;
}

/** Take a Region out of reach of the others (its node stays open), run `work`, bring it back. */
async function whileDown<T>(region: string, work: () => Promise<T>): Promise<T> {
  const nodes = m.server.host.nodes;
  const node = nodes.get(region) as RegionNode;
  nodes.delete(region);
  try {
    return await work();
  } finally {
    nodes.set(region, node);
  }
}

test("promotion: a standalone secret at once; the old primary drops the Region and never overwrites it", async () => {
  const name = uniqueName("promote");
  const created = await replicated(name);
  const west = m.secrets(WEST);

  const promoted = await west.send(new StopReplicationToReplicaCommand({ SecretId: name }));
  assert.equal(promoted.ARN, inRegion(created.ARN!, WEST));
  const standalone = await west.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(standalone.PrimaryRegion, undefined);
  assert.equal(standalone.ReplicationStatus, undefined);
  assert.deepEqual(standalone.VersionIdsToStages, { [created.VersionId!]: ["AWSCURRENT"] });
  await west.send(new PutSecretValueCommand({ SecretId: name, SecretString: "west-own" }));
  await west.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "owner", Value: "west" }] }));

  await settle(m);
  const primary = m.secrets(PRIMARY);
  const after = await primary.send(new DescribeSecretCommand({ SecretId: name }));
  assert.deepEqual(after.ReplicationStatus?.map((s) => s.Region), [EU]);
  assert.equal(after.PrimaryRegion, PRIMARY);

  // The primary goes on changing; the other replica follows, the promoted secret does not.
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "primary-v1" }));
  await antiEntropy(m);
  assert.equal(await value(EU, name), "primary-v1");
  assert.equal(await value(WEST, name), "west-own");
  assert.deepEqual((await west.send(new DescribeSecretCommand({ SecretId: name }))).Tags, [{ Key: "owner", Value: "west" }]);
  assert.deepEqual((await primary.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.map((s) => s.Region), [EU]);
});

test("promotion while the primary's Region is down; the primary learns it from the refusal of its next delivery", async () => {
  const name = uniqueName("outage");
  await replicated(name);
  await whileDown(PRIMARY, async () => {
    await m.secrets(WEST).send(new StopReplicationToReplicaCommand({ SecretId: name }));
    await settle(m);
    await m.secrets(WEST).send(new PutSecretValueCommand({ SecretId: name, SecretString: "during-outage" }));
  });
  const primary = m.secrets(PRIMARY);
  // The notice was lost: the primary still counts the Region among its replicas.
  assert.deepEqual((await primary.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.map((s) => s.Region), [EU, WEST]);
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "primary-back" }));
  await settle(m);
  assert.deepEqual((await primary.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.map((s) => s.Region), [EU]);
  assert.equal(await value(WEST, name), "during-outage");
  assert.equal(await value(EU, name), "primary-back");
});

test("the promoted secret replicates on its own", async () => {
  const name = uniqueName("own-replicas");
  await replicated(name);
  const west = m.secrets(WEST);
  await west.send(new StopReplicationToReplicaCommand({ SecretId: name }));
  await west.send(new PutSecretValueCommand({ SecretId: name, SecretString: "west-v1" }));
  const answer = await west.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: SPARE }] }));
  assert.equal(answer.ARN, inRegion((await west.send(new DescribeSecretCommand({ SecretId: name }))).ARN!, WEST));
  await settle(m);
  assert.equal((await statusOf(west, name, SPARE))?.Status, "InSync");
  const spare = await m.secrets(SPARE).send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(spare.PrimaryRegion, WEST);
  assert.equal(await value(SPARE, name), "west-v1");

  // EU holds the old primary's replica, which has the same ARN there: that is not the promoted
  // secret's replica, so the name is taken; and the old primary keeps its replica.
  await west.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  assert.deepEqual(await statusOf(west, name, EU), { Region: EU, KmsKeyId: "alias/aws/secretsmanager", Status: "Failed", StatusMessage: NAME_TAKEN });
  assert.equal((await statusOf(m.secrets(PRIMARY), name, EU))?.Status, "InSync");
  assert.equal((await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion, PRIMARY);
  assert.equal(await value(EU, name), "v0");
});

test("replicating again to the promoted secret's Region: the name is taken, unless ForceOverwriteReplicaSecret", async () => {
  const name = uniqueName("back");
  await replicated(name, [WEST]);
  await m.secrets(WEST).send(new StopReplicationToReplicaCommand({ SecretId: name }));
  await m.secrets(WEST).send(new PutSecretValueCommand({ SecretId: name, SecretString: "standalone" }));
  await settle(m);
  const primary = m.secrets(PRIMARY);
  assert.equal((await primary.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus, undefined);

  await primary.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: WEST }] }));
  await settle(m);
  assert.deepEqual(await statusOf(primary, name, WEST), { Region: WEST, KmsKeyId: "alias/aws/secretsmanager", Status: "Failed", StatusMessage: NAME_TAKEN });
  assert.equal(await value(WEST, name), "standalone");

  await primary.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: WEST }], ForceOverwriteReplicaSecret: true }));
  await settle(m);
  assert.equal((await statusOf(primary, name, WEST))?.Status, "InSync");
  assert.equal(await value(WEST, name), "v0");
  assert.equal((await m.secrets(WEST).send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion, PRIMARY);
});
