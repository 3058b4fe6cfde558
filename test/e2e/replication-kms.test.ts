// Each replica is encrypted under a key of its own Region: aws/secretsmanager there, or the
// KmsKeyId given for that Region (a customer key created there with the KMS API). A replica key
// that is disabled, pending deletion or missing makes the Region Failed with a StatusMessage naming
// the key; the replica keeps what it had, and a later ReplicateSecretToRegions retries it.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CreateAliasCommand, CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, ScheduleKeyDeletionCommand, type KMSClient } from "@aws-sdk/client-kms";
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, PutSecretValueCommand,
  ReplicateSecretToRegionsCommand,
} from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";
import { EU, PRIMARY, WEST, settle, startReplicationServer, statusOf, uniqueName } from "./replication-support.js";
import { kmsClient } from "./kms-support.js";

let m: TestServer;
let euKms: KMSClient;
before(async () => {
  m = await startReplicationServer();
  euKms = kmsClient(m, EU);
});
after(async () => {
  euKms.destroy();
  await m.stop();
});

async function euKey() {
  const key = (await euKms.send(new CreateKeyCommand({ Description: "replica key" }))).KeyMetadata!;
  return { id: key.KeyId!, arn: key.Arn! };
}

const keyIdsIn = async (region: string, name: string) =>
  ((await m.secrets(region).send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions ?? []).map((v) => v.KmsKeyIds);

test("a customer key in the replica Region encrypts the replica; the primary keeps its own key", async () => {
  const key = await euKey();
  const alias = `alias/${uniqueName("replica")}`;
  await euKms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.id }));
  const name = uniqueName("own-key");
  const primary = m.secrets(PRIMARY);
  const created = await primary.send(
    new CreateSecretCommand({ Name: name, SecretString: "v1", AddReplicaRegions: [{ Region: EU, KmsKeyId: alias }, { Region: WEST }] }),
  );
  assert.deepEqual(created.ReplicationStatus, [
    { Region: EU, KmsKeyId: alias, Status: "InProgress" },
    { Region: WEST, KmsKeyId: "alias/aws/secretsmanager", Status: "InProgress" },
  ]);
  await settle(m);
  assert.deepEqual(await statusOf(primary, name, EU), { Region: EU, KmsKeyId: alias, Status: "InSync" });

  assert.deepEqual(await keyIdsIn(EU, name), [[key.arn]]);
  assert.deepEqual(await keyIdsIn(WEST, name), [["DefaultEncryptionKey"]]);
  assert.deepEqual(await keyIdsIn(PRIMARY, name), [["DefaultEncryptionKey"]]);
  assert.equal((await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId, alias);
  assert.equal((await primary.send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId, undefined);
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "v1");

  // Later versions too.
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v2" }));
  await settle(m);
  assert.deepEqual(await keyIdsIn(EU, name), [[key.arn], [key.arn]]);
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "v2");
});

test("a key given by id or ARN is looked up in the replica's Region", async () => {
  const key = await euKey();
  const byId = uniqueName("by-id");
  const byArn = uniqueName("by-arn");
  await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: byId, SecretString: "x", AddReplicaRegions: [{ Region: EU, KmsKeyId: key.id }] }));
  await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: byArn, SecretString: "x", AddReplicaRegions: [{ Region: EU, KmsKeyId: key.arn }] }));
  await settle(m);
  assert.deepEqual(await keyIdsIn(EU, byId), [[key.arn]]);
  assert.deepEqual(await keyIdsIn(EU, byArn), [[key.arn]]);

  // The same key id means nothing in another Region.
  const elsewhere = uniqueName("wrong-region");
  await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: elsewhere, SecretString: "x", AddReplicaRegions: [{ Region: WEST, KmsKeyId: key.id }] }));
  await settle(m);
  const status = await statusOf(m.secrets(PRIMARY), elsewhere, WEST);
  assert.equal(status?.Status, "Failed");
  assert.ok(status?.StatusMessage?.includes(key.id), status?.StatusMessage);
});

test("a disabled replica key: Failed naming the key, the replica keeps its value; enabled and retried, InSync", async () => {
  const key = await euKey();
  const name = uniqueName("disabled");
  const primary = m.secrets(PRIMARY);
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: "v1", AddReplicaRegions: [{ Region: EU, KmsKeyId: key.id }] }));
  await settle(m);
  await euKms.send(new DisableKeyCommand({ KeyId: key.id }));
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v2" }));
  await settle(m);

  const failed = await statusOf(primary, name, EU);
  assert.equal(failed?.Status, "Failed");
  assert.equal(failed?.KmsKeyId, key.id);
  assert.ok(failed?.StatusMessage?.includes(key.id), failed?.StatusMessage);
  assert.match(failed?.StatusMessage ?? "", /disabled/);
  assert.deepEqual(
    Object.values((await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {}),
    [["AWSCURRENT"]],
    "the replica is as it was",
  );

  await euKms.send(new EnableKeyCommand({ KeyId: key.id }));
  const retried = await primary.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU, KmsKeyId: key.id }] }));
  assert.deepEqual(retried.ReplicationStatus, [{ Region: EU, KmsKeyId: key.id, Status: "InProgress" }]);
  await settle(m);
  assert.deepEqual(await statusOf(primary, name, EU), { Region: EU, KmsKeyId: key.id, Status: "InSync" });
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "v2");
});

test("a replica key pending deletion: Failed naming the key, nothing created", async () => {
  const key = await euKey();
  await euKms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
  const name = uniqueName("pending-deletion");
  await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU, KmsKeyId: key.arn }] }));
  await settle(m);
  const status = await statusOf(m.secrets(PRIMARY), name, EU);
  assert.equal(status?.Status, "Failed");
  assert.ok(status?.StatusMessage?.includes(key.arn), status?.StatusMessage);
  assert.match(status?.StatusMessage ?? "", /pending deletion/);
  assert.equal(await m.server.host.nodes.get(EU)!.store.findSecretByName("111111111111", name), undefined);
});

test("a replica key that does not exist: Failed naming the key", async () => {
  const name = uniqueName("missing-key");
  const alias = "alias/no-such-key-here";
  await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU, KmsKeyId: alias }] }));
  await settle(m);
  const status = await statusOf(m.secrets(PRIMARY), name, EU);
  assert.deepEqual([status?.Status, status?.KmsKeyId], ["Failed", alias]);
  assert.ok(status?.StatusMessage?.includes(alias), status?.StatusMessage);
});

test("a new KMS key for an existing replica: its labeled versions move to it, older ones stay", async () => {
  const name = uniqueName("rekeyed");
  const primary = m.secrets(PRIMARY);
  const first = await primary.send(new CreateSecretCommand({ Name: name, SecretString: "v1", AddReplicaRegions: [{ Region: EU }] }));
  const second = await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v2" }));
  const third = await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v3" }));
  await settle(m);
  const key = await euKey();
  const answer = await primary.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU, KmsKeyId: key.arn }] }));
  assert.deepEqual(answer.ReplicationStatus?.map((s) => s.KmsKeyId), [key.arn]);
  await settle(m);
  assert.deepEqual(await statusOf(primary, name, EU), { Region: EU, KmsKeyId: key.arn, Status: "InSync" });

  const versions = await m.secrets(EU).send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
  const keyOf = Object.fromEntries((versions.Versions ?? []).map((v) => [v.VersionId, v.KmsKeyIds]));
  assert.deepEqual(keyOf, {
    [first.VersionId!]: ["DefaultEncryptionKey"], // no label left: stays under the key that encrypted it
    [second.VersionId!]: [key.arn], // AWSPREVIOUS
    [third.VersionId!]: [key.arn], // AWSCURRENT
  });
  assert.equal((await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId, key.arn);
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "v3");
  const previous = await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" }));
  assert.equal(previous.SecretString, "v2");
  const oldest = await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name, VersionId: first.VersionId }));
  assert.equal(oldest.SecretString, "v1");
});
