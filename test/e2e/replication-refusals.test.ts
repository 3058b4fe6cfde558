// What the replication operations refuse at the call: a replica in the primary's own Region, in a
// Region the deployment does not know, or across a partition (nothing is created anywhere); every
// write to a replica but promotion; deleting a primary that still has replicas; promoting a secret
// that is not a replica.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand, DeleteResourcePolicyCommand, DeleteSecretCommand, DescribeSecretCommand, ListSecretsCommand,
  PutResourcePolicyCommand, PutSecretValueCommand, RemoveRegionsFromReplicationCommand, ReplicateSecretToRegionsCommand,
  RestoreSecretCommand, StopReplicationToReplicaCommand, TagResourceCommand, UntagResourceCommand, UpdateSecretCommand,
  UpdateSecretVersionStageCommand, GetSecretValueCommand, ResourceNotFoundException,
} from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";
import { EU, NOT_ON_REPLICA, PRIMARY, WEST, inRegion, settle, startReplicationServer, uniqueName } from "./replication-support.js";
import { refuses } from "../support/service-errors.js";

let m: TestServer;
before(async () => {
  m = await startReplicationServer();
});
after(() => m.stop());

const PUBLIC_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
});
const INVALID_REGION = { name: "InvalidParameterException", message: "Invalid replica region." };
const POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }],
});

async function existsIn(region: string, name: string): Promise<boolean> {
  const list = await m.secrets(region).send(new ListSecretsCommand({ IncludePlannedDeletion: true, Filters: [{ Key: "name", Values: [name] }] }));
  return (list.SecretList ?? []).some((s) => s.Name === name);
}

test("CreateSecret refuses a replica in its own Region, an unknown Region, or another partition, and creates nothing", async () => {
  const sm = m.secrets(PRIMARY);
  for (const region of [PRIMARY, "xx-nowhere-1", "us-gov-west-1", "cn-north-1"]) {
    const name = uniqueName("refused");
    await refuses(
      sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU }, { Region: region }] })),
      INVALID_REGION,
    );
    await settle(m);
    for (const r of [PRIMARY, EU, "us-gov-west-1", "cn-north-1"]) assert.equal(await existsIn(r, name), false, `${name} in ${r}`);
  }
});

test("ReplicateSecretToRegions refuses the same Regions, and the secret stays as it was", async () => {
  const sm = m.secrets(PRIMARY);
  const name = uniqueName("stays");
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "x" }));
  for (const region of [PRIMARY, "xx-nowhere-1", "us-gov-east-1", "cn-northwest-1"]) {
    await refuses(
      sm.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: region }] })),
      INVALID_REGION,
    );
  }
  // GovCloud and China refuse a commercial Region the same way.
  const gov = uniqueName("gov");
  await m.secrets("us-gov-west-1").send(new CreateSecretCommand({ Name: gov, SecretString: "x" }));
  await refuses(
    m.secrets("us-gov-west-1").send(new ReplicateSecretToRegionsCommand({ SecretId: gov, AddReplicaRegions: [{ Region: PRIMARY }] })),
    INVALID_REGION,
  );
  await settle(m);
  const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(described.PrimaryRegion, undefined);
  assert.equal(described.ReplicationStatus, undefined);
  assert.equal(await existsIn(PRIMARY, gov), false);
});

test("every write to a replica is refused in its Region; reads are served", async () => {
  const name = uniqueName("read-only");
  const created = await m.secrets(PRIMARY).send(
    new CreateSecretCommand({ Name: name, SecretString: "v1", Tags: [{ Key: "k", Value: "v" }], AddReplicaRegions: [{ Region: EU }] }),
  );
  await settle(m);
  const replica = m.secrets(EU);
  const id = inRegion(created.ARN!, EU);
  const writes = [
    new PutSecretValueCommand({ SecretId: id, SecretString: "v2" }),
    new UpdateSecretCommand({ SecretId: id, Description: "changed" }),
    new UpdateSecretCommand({ SecretId: name, SecretString: "v2" }),
    new UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: "LABEL", MoveToVersionId: created.VersionId }),
    new TagResourceCommand({ SecretId: id, Tags: [{ Key: "k2", Value: "v2" }] }),
    new UntagResourceCommand({ SecretId: id, TagKeys: ["k"] }),
    new PutResourcePolicyCommand({ SecretId: id, ResourcePolicy: POLICY }),
    // The replica is refused before the policy is read (issue 12 item 14): bad text, or public text
    // under BlockPublicPolicy, gets the replica's error too.
    new PutResourcePolicyCommand({ SecretId: id, ResourcePolicy: "{not a policy" }),
    new PutResourcePolicyCommand({ SecretId: id, ResourcePolicy: PUBLIC_POLICY, BlockPublicPolicy: true }),
    new DeleteResourcePolicyCommand({ SecretId: id }),
    new DeleteSecretCommand({ SecretId: id }),
    new DeleteSecretCommand({ SecretId: id, ForceDeleteWithoutRecovery: true }),
    new RestoreSecretCommand({ SecretId: id }),
    new ReplicateSecretToRegionsCommand({ SecretId: id, AddReplicaRegions: [{ Region: WEST }] }),
    new ReplicateSecretToRegionsCommand({ SecretId: id, AddReplicaRegions: [{ Region: EU }] }),
    new RemoveRegionsFromReplicationCommand({ SecretId: id, RemoveReplicaRegions: [PRIMARY] }),
  ];
  for (const command of writes) {
    await refuses(replica.send(command as never), { name: "InvalidParameterException", message: NOT_ON_REPLICA });
  }
  await settle(m);
  const after = await replica.send(new DescribeSecretCommand({ SecretId: id }));
  assert.deepEqual(after.Tags, [{ Key: "k", Value: "v" }]);
  assert.equal(after.Description, undefined);
  assert.equal(after.DeletedDate, undefined);
  assert.deepEqual(after.VersionIdsToStages, { [created.VersionId!]: ["AWSCURRENT"] });
  assert.equal((await replica.send(new GetSecretValueCommand({ SecretId: id }))).SecretString, "v1");
  assert.equal(await existsIn(WEST, name), false);
});

test("PutResourcePolicy on a secret that does not exist is ResourceNotFoundException, whatever the policy", async () => {
  const sm = m.secrets(PRIMARY);
  for (const ResourcePolicy of [POLICY, "{not a policy", PUBLIC_POLICY]) {
    await refuses(sm.send(new PutResourcePolicyCommand({ SecretId: uniqueName("missing"), ResourcePolicy, BlockPublicPolicy: true })), {
      name: "ResourceNotFoundException",
      message: "Secrets Manager can't find the specified secret.",
    });
  }
});

test("a primary with replicas cannot be deleted until its replicas are removed", async () => {
  const sm = m.secrets(PRIMARY);
  const name = uniqueName("undeletable");
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU }, { Region: WEST }] }));
  await settle(m);
  const message = `You can't delete secret ${created.ARN} that still has replica regions [${EU}, ${WEST}].`;
  await refuses(sm.send(new DeleteSecretCommand({ SecretId: name })), { name: "InvalidParameterException", message });
  await refuses(sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true })), { name: "InvalidParameterException", message });
  await refuses(
    sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 })),
    { name: "InvalidParameterException", message },
  );

  await sm.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [EU] }));
  await refuses(
    sm.send(new DeleteSecretCommand({ SecretId: name })),
    { name: "InvalidParameterException", message: `You can't delete secret ${created.ARN} that still has replica regions [${WEST}].` },
  );
  const removed = await sm.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [WEST] }));
  assert.deepEqual(removed.ReplicationStatus, []);
  const deleted = await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  assert.equal(deleted.ARN, created.ARN);
  await settle(m);
  for (const r of [PRIMARY, EU, WEST]) assert.equal(await existsIn(r, name), false, r);
});

test("StopReplicationToReplica refuses a secret that is not a replica", async () => {
  const sm = m.secrets(PRIMARY);
  const alone = uniqueName("alone");
  await sm.send(new CreateSecretCommand({ Name: alone, SecretString: "x" }));
  await refuses(sm.send(new StopReplicationToReplicaCommand({ SecretId: alone })), { name: "InvalidRequestException" });
  const primary = uniqueName("primary");
  await sm.send(new CreateSecretCommand({ Name: primary, SecretString: "x", AddReplicaRegions: [{ Region: EU }] }));
  await refuses(sm.send(new StopReplicationToReplicaCommand({ SecretId: primary })), { name: "InvalidRequestException" });
  await assert.rejects(m.secrets(WEST).send(new StopReplicationToReplicaCommand({ SecretId: primary })), ResourceNotFoundException);
  await settle(m);
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: primary }))).PrimaryRegion, PRIMARY);
});

test("RemoveRegionsFromReplication of a Region that holds no replica changes nothing", async () => {
  const sm = m.secrets(PRIMARY);
  const name = uniqueName("remove-none");
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  const answer = await sm.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [WEST] }));
  assert.equal(answer.ARN, created.ARN);
  assert.deepEqual(answer.ReplicationStatus?.map((s) => [s.Region, s.Status]), [[EU, "InSync"]]);
  await settle(m);
  assert.equal(await existsIn(EU, name), true);
});

test("a Region refuses a replication message from another partition, whatever it asks", async () => {
  const name = uniqueName("smuggled");
  const created = await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: name, SecretString: "x" }));
  const gov = m.server.host.nodes.get("us-gov-west-1")!;
  const now = Date.now();
  const outcome = await gov.replication.receiver.apply({
    kind: "sync",
    source: PRIMARY,
    dest: "us-gov-west-1",
    accountId: "111111111111",
    primaryArn: created.ARN!,
    revision: 1,
    forceOverwrite: true,
    secret: { name, tags: [], createdDate: now, lastChangedDate: now, versions: [] },
    values: [],
  });
  assert.equal(outcome.status, "Failed");
  assert.equal(await existsIn("us-gov-west-1", name), false);
});
