// UpdateSecretVersionStage and the labels PutSecretValue attaches, through the AWS SDK. The
// scenarios replay ones recorded against real AWS (aws-recorded/secretsmanager.snapshot.json,
// test_update_secret_version_stages_* and test_non_versioning_version_stages_*).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";

let m: TestServer;
let sm: SecretsManagerClient;
before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
  sm = m.secrets("us-east-1");
});
after(() => m.stop());

async function create(value: string) {
  const name = `stages-${randomUUID()}`;
  const { VersionId } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { name, v0: VersionId! };
}

async function put(name: string, value: string, stages?: string[]) {
  return sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: value, VersionStages: stages }));
}

/** Version id → its labels, as ListSecretVersionIds reports them (labeled versions only). */
async function labels(name: string): Promise<Record<string, string[]>> {
  const { Versions } = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
  return Object.fromEntries(Versions!.map((v) => [v.VersionId!, v.VersionStages!]));
}

const moveStage = (name: string, stage: string, to?: string, from?: string) =>
  sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: stage, MoveToVersionId: to, RemoveFromVersionId: from }));

test("moving AWSCURRENT to the pending version, then a new value: AWSPENDING does not stay on the previous version", async () => {
  const { name, v0 } = await create("Something1");
  const v1 = (await put(name, "Something2", ["AWSPENDING"])).VersionId!;
  assert.deepEqual(await labels(name), { [v0]: ["AWSCURRENT"], [v1]: ["AWSPENDING"] });

  const moved = await moveStage(name, "AWSCURRENT", v1, v0);
  assert.match(moved.ARN!, new RegExp(`:secret:${name}-[A-Za-z0-9]{6}$`));
  assert.equal(moved.Name, name);
  assert.deepEqual(await labels(name), { [v0]: ["AWSPREVIOUS"], [v1]: ["AWSCURRENT", "AWSPENDING"] });

  const v2 = await put(name, "SS3");
  assert.deepEqual(v2.VersionStages, ["AWSCURRENT"]);
  assert.deepEqual(await labels(name), { [v1]: ["AWSPREVIOUS"], [v2.VersionId!]: ["AWSCURRENT"] });
});

test("a full rotation cycle twice: AWSPENDING, then AWSCURRENT moved onto it", async () => {
  const { name, v0 } = await create("S1");
  const v1 = (await put(name, "S2", ["AWSPENDING"])).VersionId!;
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "S1");
  await moveStage(name, "AWSCURRENT", v1, v0);
  const current = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  assert.equal(current.SecretString, "S2");
  assert.deepEqual(current.VersionStages, ["AWSCURRENT", "AWSPENDING"]);

  const v2 = (await put(name, "S3", ["AWSPENDING"])).VersionId!;
  assert.deepEqual(await labels(name), { [v0]: ["AWSPREVIOUS"], [v1]: ["AWSCURRENT"], [v2]: ["AWSPENDING"] });
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "S2");

  await moveStage(name, "AWSCURRENT", v2, v1);
  assert.deepEqual(await labels(name), { [v1]: ["AWSPREVIOUS"], [v2]: ["AWSCURRENT", "AWSPENDING"] });
  const last = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  assert.equal(last.SecretString, "S3");
  assert.deepEqual(last.VersionStages, ["AWSCURRENT", "AWSPENDING"]);
});

test("custom labels ride along with AWSPENDING and stay where they are when AWSCURRENT moves", async () => {
  const { name, v0 } = await create("S1");
  const put1 = await put(name, "S2", ["AWSSOMETHING", "AWSPENDING", "PUT1"]);
  assert.deepEqual(put1.VersionStages, ["AWSPENDING", "AWSSOMETHING", "PUT1"]);
  const v1 = put1.VersionId!;
  await moveStage(name, "AWSCURRENT", v1, v0);
  assert.deepEqual(await labels(name), {
    [v0]: ["AWSPREVIOUS"],
    [v1]: ["AWSCURRENT", "AWSPENDING", "AWSSOMETHING", "PUT1"],
  });

  const v2 = (await put(name, "S3", ["AWSPENDING", "PUT2"])).VersionId!;
  assert.deepEqual(await labels(name), {
    [v0]: ["AWSPREVIOUS"],
    [v1]: ["AWSCURRENT", "AWSSOMETHING", "PUT1"],
    [v2]: ["AWSPENDING", "PUT2"],
  });
  await moveStage(name, "AWSCURRENT", v2, v1);
  assert.deepEqual(await labels(name), {
    [v1]: ["AWSPREVIOUS", "AWSSOMETHING", "PUT1"],
    [v2]: ["AWSCURRENT", "AWSPENDING", "PUT2"],
  });
});

test("a custom label on the previous version outlives AWSPREVIOUS", async () => {
  const { name, v0 } = await create("SS");
  const v1 = (await put(name, "S1", ["AWSCURRENT", "PUT0"])).VersionId!;
  assert.deepEqual(await labels(name), { [v0]: ["AWSPREVIOUS"], [v1]: ["AWSCURRENT", "PUT0"] });
  const v2 = (await put(name, "S2", ["AWSPENDING", "PUT1"])).VersionId!;
  await moveStage(name, "AWSCURRENT", v2, v1);
  assert.deepEqual(await labels(name), { [v1]: ["AWSPREVIOUS", "PUT0"], [v2]: ["AWSCURRENT", "AWSPENDING", "PUT1"] });
  const v3 = (await put(name, "S3", ["AWSPENDING", "PUT2"])).VersionId!;
  await moveStage(name, "AWSCURRENT", v3, v2);
  assert.deepEqual(await labels(name), {
    [v1]: ["PUT0"],
    [v2]: ["AWSPREVIOUS", "PUT1"],
    [v3]: ["AWSCURRENT", "AWSPENDING", "PUT2"],
  });
});

test("a custom label can be removed with RemoveFromVersionId alone", async () => {
  const { name, v0 } = await create("SS");
  const v1 = (await put(name, "S1", ["PENDING"])).VersionId!;
  const byId = async (id: string) => (await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: id }))).VersionStages;
  assert.deepEqual(await byId(v0), ["AWSCURRENT"]);
  assert.deepEqual(await byId(v1), ["PENDING"]);
  await moveStage(name, "AWSCURRENT", v1, v0);
  assert.deepEqual(await byId(v0), ["AWSPREVIOUS"]);
  assert.deepEqual(await byId(v1), ["AWSCURRENT", "PENDING"]);
  await moveStage(name, "PENDING", undefined, v1);
  assert.deepEqual(await byId(v0), ["AWSPREVIOUS"]);
  assert.deepEqual(await byId(v1), ["AWSCURRENT"]);
});

test("PutSecretValue takes each label it names from the version that had it", async () => {
  const { name, v0 } = await create("S0");
  const put1 = await put(name, "S1", ["one", "two", "three"]);
  assert.deepEqual(put1.VersionStages, ["one", "three", "two"]);
  const put2 = await put(name, "S2", ["one", "two", "four"]);
  assert.deepEqual(put2.VersionStages, ["four", "one", "two"]);
  assert.deepEqual(await labels(name), {
    [v0]: ["AWSCURRENT"],
    [put1.VersionId!]: ["three"],
    [put2.VersionId!]: ["four", "one", "two"],
  });

  // When the new version takes every label, the old one is deprecated and no longer listed.
  const put3 = await put(name, "S3", ["one", "two", "three", "four"]);
  assert.deepEqual(await labels(name), { [v0]: ["AWSCURRENT"], [put3.VersionId!]: ["four", "one", "three", "two"] });
});

test("a label can be moved onto a deprecated version, bringing it back", async () => {
  const { name, v0 } = await create("A");
  const v1 = (await put(name, "B")).VersionId!;
  const v2 = (await put(name, "C")).VersionId!;
  assert.deepEqual(await labels(name), { [v1]: ["AWSPREVIOUS"], [v2]: ["AWSCURRENT"] });
  await moveStage(name, "AWSCURRENT", v0, v2);
  assert.deepEqual(await labels(name), { [v0]: ["AWSCURRENT"], [v2]: ["AWSPREVIOUS"] });
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "A");
});

test("moving a label that is attached elsewhere needs RemoveFromVersionId", async () => {
  const { name, v0 } = await create("S1");
  const v1 = (await put(name, "S2", ["AWSPENDING"])).VersionId!;
  await rejects(
    moveStage(name, "AWSCURRENT", v1),
    "InvalidParameterException",
    `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${v0}, so you must explicitly reference that version in RemoveFromVersionId.`,
  );
  await rejects(
    moveStage(name, "AWSPENDING", v0),
    "InvalidParameterException",
    `The parameter RemoveFromVersionId can't be empty. Staging label AWSPENDING is currently attached to version ${v1}, so you must explicitly reference that version in RemoveFromVersionId.`,
  );
  assert.deepEqual(await labels(name), { [v0]: ["AWSCURRENT"], [v1]: ["AWSPENDING"] });
});

test("a label not on the version named in RemoveFromVersionId, an unknown MoveToVersionId, removing AWSCURRENT", async () => {
  const { name, v0 } = await create("S1");
  const v1 = (await put(name, "S2", ["AWSPENDING"])).VersionId!;
  await rejects(
    moveStage(name, "AWSCURRENT", v0, v1),
    "InvalidRequestException",
    "You provided a VersionStage that is not associated to the provided VersionId.",
  );
  const unknown = randomUUID();
  await rejects(
    moveStage(name, "AWSPENDING", unknown, v1),
    "ResourceNotFoundException",
    `Secrets Manager can't find the specified secret value for VersionId: ${unknown}`,
  );
  await rejects(
    moveStage(name, "AWSCURRENT", undefined, v0),
    "InvalidParameterException",
    "You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.",
  );
  assert.deepEqual(await labels(name), { [v0]: ["AWSCURRENT"], [v1]: ["AWSPENDING"] });
});

test("a secret carries at most 20 distinct staging labels, however they are attached", async () => {
  const { name, v0 } = await create("S0");
  const nineteen = Array.from({ length: 19 }, (_, i) => `L${String(i).padStart(2, "0")}`);
  const v1 = (await put(name, "S1", nineteen)).VersionId!;
  const limit = "A secret can have at most 20 staging labels.";
  await rejects(put(name, "S2", ["one-too-many"]), "LimitExceededException", limit);
  await rejects(moveStage(name, "one-too-many", v1), "LimitExceededException", limit);
  // Moving a label that exists already does not add one.
  await moveStage(name, "L00", v0, v1);
  const after = await labels(name);
  assert.deepEqual(after[v0], ["AWSCURRENT", "L00"]);
  assert.equal(after[v1]!.length, 18);
  assert.equal(Object.keys(after).length, 2);
});

test("UpdateSecretVersionStage on a missing secret", async () => {
  await rejects(
    moveStage(`missing-${randomUUID()}`, "AWSCURRENT", randomUUID(), randomUUID()),
    "ResourceNotFoundException",
    "Secrets Manager can't find the specified secret.",
  );
});
