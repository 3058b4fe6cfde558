// A replica Region that cannot take the replica: the name is held by another secret there (the
// Region goes Failed and that secret is untouched, unless ForceOverwriteReplicaSecret), the Region
// is opt-in and not enabled, or it cannot be reached. StatusMessage says why; one failing Region
// does not hold back another, and a later ReplicateSecretToRegions retries a Failed Region.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
  ReplicateSecretToRegionsCommand, ResourceNotFoundException,
} from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";
import {
  ELSEWHERE, EU, OPT_IN, PRIMARY, WEST, inRegion, settle, startReplicationServer, statusOf, uniqueName,
} from "./replication-support.js";

let m: TestServer;
before(async () => {
  m = await startReplicationServer();
});
after(() => m.stop());

const NAME_TAKEN = "Replication failed: Secret with this name already exists in this region.";

test("a same-named secret in the replica Region: Failed, and that secret untouched", async () => {
  const name = uniqueName("taken");
  const local = await m.secrets(EU).send(new CreateSecretCommand({ Name: name, SecretString: "eu-own", Description: "mine" }));
  const primary = m.secrets(PRIMARY);
  const created = await primary.send(
    new CreateSecretCommand({ Name: name, SecretString: "from-primary", AddReplicaRegions: [{ Region: EU }, { Region: WEST }] }),
  );
  await settle(m);

  assert.deepEqual(await statusOf(primary, name, EU), {
    Region: EU, KmsKeyId: "alias/aws/secretsmanager", Status: "Failed", StatusMessage: NAME_TAKEN,
  });
  assert.equal((await statusOf(primary, name, WEST))?.Status, "InSync", "one failing Region does not hold back another");
  const untouched = await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(untouched.ARN, local.ARN);
  assert.equal(untouched.Description, "mine");
  assert.equal(untouched.PrimaryRegion, undefined);
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "eu-own");

  // Later changes keep going to the Region that works; the Failed one stays Failed and untouched.
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "second" }));
  await settle(m);
  assert.equal((await m.secrets(WEST).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "second");
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "eu-own");
  assert.equal((await statusOf(primary, name, EU))?.Status, "Failed");

  // ForceOverwriteReplicaSecret replaces it with the replica.
  const retried = await primary.send(
    new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU }], ForceOverwriteReplicaSecret: true }),
  );
  assert.deepEqual(retried.ReplicationStatus?.map((s) => [s.Region, s.Status]), [[EU, "InProgress"], [WEST, "InSync"]], "EU keeps its place");
  await settle(m);
  assert.deepEqual(await statusOf(primary, name, EU), { Region: EU, KmsKeyId: "alias/aws/secretsmanager", Status: "InSync" });
  const replaced = await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(replaced.ARN, inRegion(created.ARN!, EU));
  assert.equal(replaced.PrimaryRegion, PRIMARY);
  assert.equal(replaced.Description, undefined);
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "second");
  await assert.rejects(m.secrets(EU).send(new DescribeSecretCommand({ SecretId: local.ARN })), ResourceNotFoundException);
});

test("CreateSecret with ForceOverwriteReplicaSecret replaces a same-named secret at once", async () => {
  const name = uniqueName("forced");
  await m.secrets(WEST).send(new CreateSecretCommand({ Name: name, SecretString: "west-own" }));
  const created = await m.secrets(PRIMARY).send(
    new CreateSecretCommand({ Name: name, SecretString: "primary", AddReplicaRegions: [{ Region: WEST }], ForceOverwriteReplicaSecret: true }),
  );
  await settle(m);
  assert.equal((await statusOf(m.secrets(PRIMARY), name, WEST))?.Status, "InSync");
  const read = await m.secrets(WEST).send(new GetSecretValueCommand({ SecretId: name }));
  assert.equal(read.SecretString, "primary");
  assert.equal(read.ARN, inRegion(created.ARN!, WEST));
});

test("a later ReplicateSecretToRegions retries a Failed Region once the name is free", async () => {
  const name = uniqueName("retry");
  await m.secrets(EU).send(new CreateSecretCommand({ Name: name, SecretString: "in-the-way" }));
  const primary = m.secrets(PRIMARY);
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: "v1", AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  assert.equal((await statusOf(primary, name, EU))?.Status, "Failed");

  await m.secrets(EU).send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  const answer = await primary.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU }] }));
  assert.deepEqual(answer.ReplicationStatus, [{ Region: EU, KmsKeyId: "alias/aws/secretsmanager", Status: "InProgress" }]);
  await settle(m);
  assert.equal((await statusOf(primary, name, EU))?.Status, "InSync");
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "v1");
});

test("a secret scheduled for deletion also holds the name", async () => {
  const name = uniqueName("scheduled");
  await m.secrets(EU).send(new CreateSecretCommand({ Name: name, SecretString: "old" }));
  await m.secrets(EU).send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
  await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: name, SecretString: "new", AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  assert.deepEqual(await statusOf(m.secrets(PRIMARY), name, EU), {
    Region: EU, KmsKeyId: "alias/aws/secretsmanager", Status: "Failed", StatusMessage: NAME_TAKEN,
  });
  assert.ok((await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate);
});

test("an opt-in Region the account has not enabled: Failed, nothing created there", async () => {
  const name = uniqueName("opt-in");
  const primary = m.secrets(PRIMARY);
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: OPT_IN }] }));
  await settle(m);
  const status = await statusOf(primary, name, OPT_IN);
  assert.equal(status?.Status, "Failed");
  assert.match(status?.StatusMessage ?? "", new RegExp(`${OPT_IN}.*not enabled`));
  assert.equal(await m.server.host.nodes.get(OPT_IN)!.store.findSecretByArn(inRegion((await primary.send(new DescribeSecretCommand({ SecretId: name }))).ARN!, OPT_IN)), undefined);
});

test("a Region that cannot be reached: Failed with the reason, retried", async () => {
  const name = uniqueName("unreachable");
  const primary = m.secrets(PRIMARY);
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: ELSEWHERE }, { Region: WEST }] }));
  await settle(m);
  const status = await statusOf(primary, name, ELSEWHERE);
  assert.equal(status?.Status, "Failed");
  assert.match(status?.StatusMessage ?? "", /unreachable/);
  assert.equal((await statusOf(primary, name, WEST))?.Status, "InSync");
  const queued = await m.server.host.nodes.get(PRIMARY)!.store.dueOutbox(Number.MAX_SAFE_INTEGER, 1000);
  assert.ok(queued.some((e) => e.region === ELSEWHERE), "the delivery stays queued for a later attempt");
});
