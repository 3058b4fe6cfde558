// Making a secret multi-Region: CreateSecret with AddReplicaRegions and ReplicateSecretToRegions.
// The replica has the primary's name, its ARN but for the Region, its version ids, labels, tags,
// description and value; ReplicationStatus is InProgress until the replica is written, then InSync;
// PrimaryRegion shows in DescribeSecret and ListSecrets in both Regions, and the primary-region
// filter finds the secret in both.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, ListSecretsCommand,
  PutSecretValueCommand, ReplicateSecretToRegionsCommand,
} from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";
import { EU, PRIMARY, WEST, antiEntropy, inRegion, settle, startReplicationServer, statusOf, uniqueName } from "./replication-support.js";

let m: TestServer;
before(async () => {
  m = await startReplicationServer();
});
after(() => m.stop());

test("CreateSecret with AddReplicaRegions: InProgress, then a replica that is the primary's copy", async () => {
  const primary = m.secrets(PRIMARY);
  const name = uniqueName("app/db");
  // Held back so the first answer shows the replicas before they are written.
  await m.server.host.nodes.get(PRIMARY)!.replication.worker.stop();
  const created = await primary.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: "s3cret",
      Description: "the database",
      Tags: [{ Key: "team", Value: "core" }],
      AddReplicaRegions: [{ Region: EU }, { Region: WEST }],
    }),
  );
  assert.deepEqual(created.ReplicationStatus, [
    { Region: EU, KmsKeyId: "alias/aws/secretsmanager", Status: "InProgress" },
    { Region: WEST, KmsKeyId: "alias/aws/secretsmanager", Status: "InProgress" },
  ]);
  const pending = await primary.send(new DescribeSecretCommand({ SecretId: name }));
  assert.deepEqual(pending.ReplicationStatus?.map((s) => s.Status), ["InProgress", "InProgress"]);
  m.server.host.nodes.get(PRIMARY)!.replication.worker.start();
  await settle(m);

  const described = await primary.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(described.PrimaryRegion, PRIMARY);
  assert.deepEqual(described.ReplicationStatus, [
    { Region: EU, KmsKeyId: "alias/aws/secretsmanager", Status: "InSync" },
    { Region: WEST, KmsKeyId: "alias/aws/secretsmanager", Status: "InSync" },
  ]);

  for (const region of [EU, WEST]) {
    const sm = m.secrets(region);
    const replica = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(replica.ARN, inRegion(created.ARN!, region));
    assert.equal(replica.Name, name);
    assert.equal(replica.PrimaryRegion, PRIMARY);
    assert.equal(replica.Description, "the database");
    assert.deepEqual(replica.Tags, [{ Key: "team", Value: "core" }]);
    assert.deepEqual(replica.VersionIdsToStages, { [created.VersionId!]: ["AWSCURRENT"] });
    assert.equal(replica.ReplicationStatus, undefined);
    assert.equal(replica.CreatedDate?.getTime(), described.CreatedDate?.getTime());
    const value = await sm.send(new GetSecretValueCommand({ SecretId: inRegion(created.ARN!, region) }));
    assert.equal(value.SecretString, "s3cret");
    assert.equal(value.VersionId, created.VersionId);
    assert.deepEqual(value.VersionStages, ["AWSCURRENT"]);
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.KmsKeyIds]), [[created.VersionId, ["DefaultEncryptionKey"]]]);
  }
});

test("a binary secret replicates byte for byte", async () => {
  const name = uniqueName("bin");
  const bytes = Buffer.from([0, 1, 2, 250, 255, 128]);
  await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: name, SecretBinary: bytes, AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  const read = await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }));
  assert.deepEqual(Buffer.from(read.SecretBinary!), bytes);
  assert.equal(read.SecretString, undefined);
});

test("a secret without a value replicates; its first value follows", async () => {
  const name = uniqueName("empty");
  await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: name, AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  assert.equal((await statusOf(m.secrets(PRIMARY), name, EU))?.Status, "InSync");
  const replica = await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(replica.VersionIdsToStages, undefined);
  const put = await m.secrets(PRIMARY).send(new PutSecretValueCommand({ SecretId: name, SecretString: "first" }));
  await settle(m);
  const read = await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }));
  assert.deepEqual([read.VersionId, read.SecretString], [put.VersionId, "first"]);
});

test("ReplicateSecretToRegions makes an existing secret multi-Region, with every version", async () => {
  const primary = m.secrets(PRIMARY);
  const name = uniqueName("existing");
  const first = await primary.send(new CreateSecretCommand({ Name: name, SecretString: "one" }));
  const second = await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two" }));
  const plain = await primary.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(plain.PrimaryRegion, undefined);
  assert.equal(plain.ReplicationStatus, undefined);

  await m.server.host.nodes.get(PRIMARY)!.replication.worker.stop();
  const answer = await primary.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: WEST }] }));
  m.server.host.nodes.get(PRIMARY)!.replication.worker.start();
  assert.equal(answer.ARN, first.ARN);
  assert.deepEqual(answer.ReplicationStatus, [{ Region: WEST, KmsKeyId: "alias/aws/secretsmanager", Status: "InProgress" }]);
  await settle(m);

  assert.equal((await statusOf(primary, name, WEST))?.Status, "InSync");
  const value = await m.secrets(WEST).send(new GetSecretValueCommand({ SecretId: name }));
  assert.deepEqual([value.VersionId, value.SecretString], [second.VersionId, "two"]);
  const previous = await m.secrets(WEST).send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" }));
  assert.deepEqual([previous.VersionId, previous.SecretString], [first.VersionId, "one"]);
  assert.equal((await primary.send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion, PRIMARY);

  // A second Region later: the existing replica stays, the new one gets the same state.
  await primary.send(new ReplicateSecretToRegionsCommand({ SecretId: first.ARN, AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  const both = await primary.send(new DescribeSecretCommand({ SecretId: name }));
  assert.deepEqual(both.ReplicationStatus?.map((s) => [s.Region, s.Status]), [[WEST, "InSync"], [EU, "InSync"]]);
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "two");
});

test("LastAccessedDate of a replica shows in the primary's ReplicationStatus", async () => {
  const primary = m.secrets(PRIMARY);
  const name = uniqueName("accessed");
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  assert.equal((await statusOf(primary, name, EU))?.LastAccessedDate, undefined);
  await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }));
  await antiEntropy(m);
  const status = await statusOf(primary, name, EU);
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  assert.equal(status?.LastAccessedDate?.getTime(), today.getTime());
  // The primary itself was never read.
  assert.equal((await primary.send(new DescribeSecretCommand({ SecretId: name }))).LastAccessedDate, undefined);
});

test("ListSecrets shows PrimaryRegion in both Regions; the primary-region filter finds primary and replica", async () => {
  const primary = m.secrets(PRIMARY);
  const replicated = uniqueName("listed");
  const alone = uniqueName("alone");
  await primary.send(new CreateSecretCommand({ Name: replicated, SecretString: "x", AddReplicaRegions: [{ Region: EU }] }));
  await primary.send(new CreateSecretCommand({ Name: alone, SecretString: "x" }));
  await settle(m);

  const byName = async (sm: typeof primary, name: string) =>
    (await sm.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: [name] }] }))).SecretList?.find((s) => s.Name === name);
  assert.equal((await byName(primary, replicated))?.PrimaryRegion, PRIMARY);
  assert.equal((await byName(primary, alone))?.PrimaryRegion, undefined);
  assert.equal((await byName(m.secrets(EU), replicated))?.PrimaryRegion, PRIMARY);

  const filtered = async (sm: typeof primary, region: string) =>
    ((await sm.send(new ListSecretsCommand({ Filters: [{ Key: "primary-region", Values: [region] }] }))).SecretList ?? []).map((s) => s.Name);
  assert.ok((await filtered(primary, PRIMARY)).includes(replicated));
  assert.ok(!(await filtered(primary, PRIMARY)).includes(alone), "a secret that does not replicate has no primary Region");
  assert.ok((await filtered(m.secrets(EU), PRIMARY)).includes(replicated));
  assert.ok(!(await filtered(m.secrets(EU), EU)).includes(replicated));
});
