// One tag-based policy, every Region (issue 5, point 4): tags replicate with the secret, so a
// policy on secretsmanager:ResourceTag/team reads the blue secret in its primary Region and in both
// replica Regions, and the red one nowhere. aws:RequestedRegion fences a principal into Regions;
// secretsmanager:AddReplicaRegions and ForceOverwriteReplicaSecret govern replication.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, GetSecretValueCommand, ReplicateSecretToRegionsCommand } from "@aws-sdk/client-secrets-manager";
import { ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";
import { EU, PRIMARY, SPARE, WEST, settle, startReplicationServer, statusOf } from "./replication-support.js";
import { iamClient, makeUser, secretsAs, type Credentials } from "./authz-support.js";

let m: TestServer;

before(async () => {
  m = await startReplicationServer();
  const admin = m.secrets(PRIMARY);
  const replicas = [{ Region: EU }, { Region: WEST }];
  await admin.send(new CreateSecretCommand({ Name: "app/blue", SecretString: "blue-value", Tags: [{ Key: "team", Value: "blue" }], AddReplicaRegions: replicas }));
  await admin.send(new CreateSecretCommand({ Name: "app/red", SecretString: "red-value", Tags: [{ Key: "team", Value: "red" }], AddReplicaRegions: replicas }));
  await settle(m);
  assert.equal((await statusOf(admin, "app/blue", WEST))?.Status, "InSync");
});

after(() => m.stop());

const tagPolicy = (extra: object[] = []) => ({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "secretsmanager:ResourceTag/team": "blue" } } },
    ...extra,
  ],
});

test("a tag-based policy reads the blue secret in its primary and every replica Region, the red one nowhere", async () => {
  const iam = iamClient(m, ADMIN);
  const blue: Credentials & { arn: string } = await makeUser(iam, "blue-reader", tagPolicy());
  iam.destroy();
  for (const region of [PRIMARY, EU, WEST]) {
    const sm = secretsAs(m, blue, region);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/blue" }))).SecretString, "blue-value", region);
    // The refusal names the secret as the caller did (by name), not by its ARN with its suffix.
    await rejects(
      sm.send(new GetSecretValueCommand({ SecretId: "app/red" })),
      "AccessDeniedException",
      `User: ${blue.arn} is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:app/red because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    );
    sm.destroy();
  }
});

test("aws:RequestedRegion keeps a principal to the Regions its policy names", async () => {
  const iam = iamClient(m, ADMIN);
  const fenced = await makeUser(iam, "eu-only", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": [EU] } } }],
  });
  iam.destroy();
  assert.equal((await secretsAs(m, fenced, EU).send(new GetSecretValueCommand({ SecretId: "app/red" }))).SecretString, "red-value");
  for (const region of [PRIMARY, WEST]) {
    await rejects(secretsAs(m, fenced, region).send(new GetSecretValueCommand({ SecretId: "app/red" })), "AccessDeniedException");
  }
});

test("secretsmanager:AddReplicaRegions and ForceOverwriteReplicaSecret decide what a principal may replicate", async () => {
  const iam = iamClient(m, ADMIN);
  const replicator = await makeUser(iam, "replicator", {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["secretsmanager:CreateSecret", "secretsmanager:ReplicateSecretToRegions", "secretsmanager:DescribeSecret"], Resource: "*" },
      { Effect: "Deny", Action: ["secretsmanager:CreateSecret", "secretsmanager:ReplicateSecretToRegions"], Resource: "*",
        Condition: { "ForAnyValue:StringNotLike": { "secretsmanager:AddReplicaRegions": ["eu-*"] } } },
      { Effect: "Deny", Action: "secretsmanager:ReplicateSecretToRegions", Resource: "*", Condition: { Bool: { "secretsmanager:ForceOverwriteReplicaSecret": "true" } } },
    ],
  });
  iam.destroy();
  const sm = secretsAs(m, replicator, PRIMARY);
  const created = await sm.send(new CreateSecretCommand({ Name: "app/replicated", SecretString: "v", AddReplicaRegions: [{ Region: EU }] }));
  await rejects(
    sm.send(new CreateSecretCommand({ Name: "app/not-west", SecretString: "v", AddReplicaRegions: [{ Region: WEST }] })),
    "AccessDeniedException",
    `User: ${replicator.arn} is not authorized to perform: secretsmanager:CreateSecret on resource: arn:aws:secretsmanager:${PRIMARY}:${ACCOUNT_ID}:secret:app/not-west with an explicit deny in an identity-based policy`,
  );
  await rejects(sm.send(new ReplicateSecretToRegionsCommand({ SecretId: created.ARN, AddReplicaRegions: [{ Region: WEST }] })), "AccessDeniedException");
  await rejects(
    sm.send(new ReplicateSecretToRegionsCommand({ SecretId: created.ARN, AddReplicaRegions: [{ Region: SPARE }], ForceOverwriteReplicaSecret: true })),
    "AccessDeniedException",
  );
  const added = await sm.send(new ReplicateSecretToRegionsCommand({ SecretId: created.ARN, AddReplicaRegions: [{ Region: SPARE }] }));
  assert.deepEqual(added.ReplicationStatus!.map((s) => s.Region).sort(), [EU, SPARE].sort());
  sm.destroy();
});
