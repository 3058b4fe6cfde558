// RemoveRegionsFromReplication deletes the replica at once, with no recovery window: the name is
// free in that Region straight away. The other replicas stay; the primary drops the Region from its
// ReplicationStatus, and its PrimaryRegion with its last replica. A Region that cannot be reached
// hears of the removal when it can; a secret there that was never the replica is left alone.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand, RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand, ResourceNotFoundException,
} from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";
import { EU, PRIMARY, WEST, movableClock, settle, startReplicationServer, statusOf, uniqueName } from "./replication-support.js";

const clock = movableClock();
let m: TestServer;
before(async () => {
  m = await startReplicationServer(clock);
});
after(() => m.stop());

async function listedIn(region: string, name: string) {
  const list = await m.secrets(region).send(new ListSecretsCommand({ IncludePlannedDeletion: true, Filters: [{ Key: "name", Values: [name] }] }));
  return (list.SecretList ?? []).filter((s) => s.Name === name);
}

test("the replica is deleted at once; the name is free there; the other replica stays", async () => {
  const name = uniqueName("removed");
  const primary = m.secrets(PRIMARY);
  const created = await primary.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU }, { Region: WEST }] }));
  await settle(m);

  const answer = await primary.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [EU] }));
  assert.equal(answer.ARN, created.ARN);
  assert.deepEqual(answer.ReplicationStatus, [{ Region: WEST, KmsKeyId: "alias/aws/secretsmanager", Status: "InSync" }]);
  await settle(m);

  assert.deepEqual(await listedIn(EU, name), [], "no recovery window: gone, not scheduled for deletion");
  await assert.rejects(m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name })), ResourceNotFoundException);
  const mine = await m.secrets(EU).send(new CreateSecretCommand({ Name: name, SecretString: "eu-own" }));
  assert.notEqual(mine.ARN, created.ARN!.replace(PRIMARY, EU));
  assert.equal((await m.secrets(WEST).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "x");

  const described = await primary.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(described.PrimaryRegion, PRIMARY);
  assert.deepEqual(described.ReplicationStatus?.map((s) => s.Region), [WEST]);

  // The last replica: the secret is a single-Region secret again.
  await primary.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [WEST] }));
  await settle(m);
  const alone = await primary.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(alone.PrimaryRegion, undefined);
  assert.equal(alone.ReplicationStatus, undefined);
  assert.deepEqual(await listedIn(WEST, name), []);
  assert.ok(!(await primary.send(new ListSecretsCommand({ Filters: [{ Key: "primary-region", Values: [PRIMARY] }] }))).SecretList?.some((s) => s.Name === name));
});

test("a secret that only holds the name in a Failed Region is left alone by the removal", async () => {
  const name = uniqueName("not-mine");
  await m.secrets(EU).send(new CreateSecretCommand({ Name: name, SecretString: "eu-own" }));
  const primary = m.secrets(PRIMARY);
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  assert.equal((await statusOf(primary, name, EU))?.Status, "Failed");
  await primary.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [EU] }));
  await settle(m);
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "eu-own");
});

test("a replica Region out of reach hears of the removal when it is back", async () => {
  const name = uniqueName("later");
  const primary = m.secrets(PRIMARY);
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  const nodes = m.server.host.nodes;
  const eu = nodes.get(EU)!;
  nodes.delete(EU);
  try {
    await primary.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [EU] }));
    await settle(m);
  } finally {
    nodes.set(EU, eu);
  }
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "x", "not told yet");
  clock.advance(60_000); // past the backoff
  await settle(m);
  assert.deepEqual(await listedIn(EU, name), []);
  assert.equal((await primary.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus, undefined);
});

test("a removed Region can be added again", async () => {
  const name = uniqueName("again");
  const primary = m.secrets(PRIMARY);
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  await primary.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [EU] }));
  await settle(m);
  await primary.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  assert.equal((await statusOf(primary, name, EU))?.Status, "InSync");
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "x");
});
