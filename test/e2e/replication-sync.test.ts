// Every later change to a primary reaches its replicas: new versions and their labels, label moves,
// tags added and removed, description, resource policy put and deleted. After each change and a
// settled worker, the replica's metadata, versions and values are the primary's.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand, DeleteResourcePolicyCommand, DescribeSecretCommand, GetResourcePolicyCommand, GetSecretValueCommand,
  ListSecretVersionIdsCommand, PutResourcePolicyCommand, PutSecretValueCommand, TagResourceCommand, UntagResourceCommand,
  UpdateSecretCommand, UpdateSecretVersionStageCommand, type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";
import { EU, PRIMARY, WEST, inRegion, movableClock, settle, startReplicationServer, statusOf, uniqueName } from "./replication-support.js";

const clock = movableClock();
let m: TestServer;
let primary: SecretsManagerClient;
let name: string;
let arn: string;
before(async () => {
  m = await startReplicationServer(clock);
  primary = m.secrets(PRIMARY);
  name = uniqueName("in-step");
  arn = (await primary.send(new CreateSecretCommand({ Name: name, SecretString: "v1", AddReplicaRegions: [{ Region: EU }, { Region: WEST }] }))).ARN!;
  await settle(m);
});
after(() => m.stop());

/** What a user sees of a secret in one Region, without what is the Region's own (ARN, dates read). */
async function view(region: string) {
  const sm = m.secrets(region);
  const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
  const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
  const policy = await sm.send(new GetResourcePolicyCommand({ SecretId: name }));
  return {
    Name: d.Name,
    Description: d.Description,
    Tags: d.Tags,
    PrimaryRegion: d.PrimaryRegion,
    VersionIdsToStages: d.VersionIdsToStages,
    LastChangedDate: d.LastChangedDate?.getTime(),
    CreatedDate: d.CreatedDate?.getTime(),
    Versions: versions.Versions?.map((v) => ({ VersionId: v.VersionId, VersionStages: v.VersionStages, CreatedDate: v.CreatedDate?.getTime() })),
    ResourcePolicy: policy.ResourcePolicy,
  };
}

async function valueOf(region: string, stage: string) {
  const read = await m.secrets(region).send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }));
  return [read.VersionId, read.SecretString];
}

/** After a change and a settled worker, both replicas look exactly like the primary. */
async function inStep(stages: string[] = ["AWSCURRENT"]) {
  await settle(m);
  const expected = await view(PRIMARY);
  for (const region of [EU, WEST]) {
    assert.deepEqual(await view(region), expected, `replica in ${region}`);
    for (const stage of stages) assert.deepEqual(await valueOf(region, stage), await valueOf(PRIMARY, stage), `${stage} in ${region}`);
    assert.equal((await statusOf(primary, name, region))?.Status, "InSync");
    assert.equal((await m.secrets(region).send(new DescribeSecretCommand({ SecretId: name }))).ARN, inRegion(arn, region));
  }
  return expected;
}

test("PutSecretValue: the new version, AWSPREVIOUS and custom labels", async () => {
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v2" }));
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v3-pending", VersionStages: ["AWSPENDING", "NEXT"] }));
  const seen = await inStep(["AWSCURRENT", "AWSPREVIOUS", "AWSPENDING", "NEXT"]);
  assert.equal(seen.Versions?.length, 3);
});

test("UpdateSecretVersionStage: a label moved and a label removed", async () => {
  const labels = (await primary.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages!;
  const current = Object.keys(labels).find((id) => labels[id].includes("AWSCURRENT"))!;
  const pending = Object.keys(labels).find((id) => labels[id].includes("AWSPENDING"))!;
  await primary.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "AWSCURRENT", MoveToVersionId: pending, RemoveFromVersionId: current }));
  await primary.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "NEXT", RemoveFromVersionId: pending }));
  const seen = await inStep(["AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"]);
  assert.deepEqual(seen.VersionIdsToStages?.[pending]?.sort(), ["AWSCURRENT", "AWSPENDING"]);
  assert.deepEqual(await valueOf(EU, "AWSCURRENT"), [pending, "v3-pending"]);
});

test("TagResource and UntagResource", async () => {
  await primary.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "team", Value: "core" }, { Key: "env", Value: "prod" }] }));
  assert.deepEqual((await inStep()).Tags, [{ Key: "team", Value: "core" }, { Key: "env", Value: "prod" }]);
  await primary.send(new UntagResourceCommand({ SecretId: name, TagKeys: ["team"] }));
  assert.deepEqual((await inStep()).Tags, [{ Key: "env", Value: "prod" }]);
  await primary.send(new UntagResourceCommand({ SecretId: name, TagKeys: ["env"] }));
  assert.deepEqual((await inStep()).Tags, []);
});

test("UpdateSecret: the description, and a value with it", async () => {
  await primary.send(new UpdateSecretCommand({ SecretId: name, Description: "now described" }));
  assert.equal((await inStep()).Description, "now described");
  await primary.send(new UpdateSecretCommand({ SecretId: name, Description: "and a value", SecretString: "v4" }));
  const seen = await inStep(["AWSCURRENT", "AWSPREVIOUS"]);
  assert.equal(seen.Description, "and a value");
  assert.equal((await valueOf(WEST, "AWSCURRENT"))[1], "v4");
});

test("PutResourcePolicy and DeleteResourcePolicy", async () => {
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }],
  });
  await primary.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy }));
  assert.equal((await inStep()).ResourcePolicy, policy);
  const inEu = await m.secrets(EU).send(new GetResourcePolicyCommand({ SecretId: name }));
  assert.equal(inEu.ARN, inRegion(arn, EU));
  await primary.send(new DeleteResourcePolicyCommand({ SecretId: name }));
  assert.equal((await inStep()).ResourcePolicy, undefined);
});

test("many changes while a replica Region is out of reach arrive as the newest state once it is back", async () => {
  const eu = m.server.host.nodes.get(EU)!;
  const nodes = m.server.host.nodes;
  nodes.delete(EU); // unreachable: deliveries to it wait
  try {
    for (let i = 0; i < 5; i++) await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: `burst-${i}` }));
    await primary.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "burst", Value: "yes" }] }));
    await settle(m);
    const status = await statusOf(primary, name, EU);
    assert.equal(status?.Status, "Failed");
    assert.match(status?.StatusMessage ?? "", /unreachable/);
    assert.equal((await valueOf(WEST, "AWSCURRENT"))[1], "burst-4");
  } finally {
    nodes.set(EU, eu);
  }
  await primary.send(new UpdateSecretCommand({ SecretId: name, Description: "after the outage" }));
  clock.advance(60_000); // past the longest backoff: the unreachable Region is tried again
  const seen = await inStep(["AWSCURRENT", "AWSPREVIOUS"]);
  assert.equal((await valueOf(EU, "AWSCURRENT"))[1], "burst-4");
  assert.equal(seen.Description, "after the outage");
  assert.deepEqual(seen.Tags, [{ Key: "burst", Value: "yes" }]);
});
