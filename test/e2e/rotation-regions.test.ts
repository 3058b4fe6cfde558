// Rotation across Regions (issue 13 item 5): it runs in the primary Region only; a replica answers
// RotateSecret and CancelRotateSecret with the replica error and its scheduler leaves it alone; the
// rotated versions, labels and settings replicate; a promoted replica keeps the settings and rotates.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  StopReplicationToReplicaCommand,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";
import { FUNCTION_ARN, startTestLambda, stepsOf, type TestLambda } from "./rotation-support.js";
import { EU, NOT_ON_REPLICA, PRIMARY, settle } from "./replication-support.js";

const DAY = 86_400_000;
let m: TestServer;
let lambda: TestLambda;

before(async () => {
  const clients = new Map<string, ReturnType<TestServer["secrets"]>>();
  lambda = await startTestLambda((region) => clients.get(region)!);
  m = await startMeridian({ regions: [PRIMARY, EU], env: { MERIDIAN_LAMBDA_ENDPOINT: lambda.url } });
  for (const region of [PRIMARY, EU]) clients.set(region, m.secrets(region));
});

after(async () => {
  await m.stop();
  await lambda.close();
});

const node = (region: string) => m.server.host.node(region)!;

test("rotation runs in the primary; its versions and settings replicate; a promoted replica keeps them and rotates", async () => {
  const name = `rotated-${randomUUID()}`;
  const primary = m.secrets(PRIMARY);
  const replica = m.secrets(EU);
  const created = await primary.send(new CreateSecretCommand({ Name: name, SecretString: "v0", AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);

  await rejects(replica.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION_ARN })), "InvalidParameterException", NOT_ON_REPLICA);
  await rejects(replica.send(new CancelRotateSecretCommand({ SecretId: name })), "InvalidParameterException", NOT_ON_REPLICA);

  const token = randomUUID();
  await primary.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 3 }, ClientRequestToken: token }));
  await node(PRIMARY).rotation.idle();
  await settle(m);
  const there = await replica.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(there.RotationEnabled, true);
  assert.equal(there.RotationLambdaARN, FUNCTION_ARN);
  assert.deepEqual(there.RotationRules, { AutomaticallyAfterDays: 3 });
  assert.ok(there.LastRotatedDate);
  assert.ok(there.VersionIdsToStages?.[token]?.includes("AWSCURRENT"));
  const rotatedValue = (await primary.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
  assert.equal((await replica.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, rotatedValue);

  // the replica's scheduler never rotates it, however late it is
  lambda.invocations.length = 0;
  await node(EU).rotation.runDue(Date.now() + 30 * DAY);
  assert.deepEqual(lambda.invocations, []);

  await replica.send(new StopReplicationToReplicaCommand({ SecretId: name }));
  const promoted = await replica.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(promoted.RotationEnabled, true);
  assert.equal(promoted.RotationLambdaARN, FUNCTION_ARN);
  await node(EU).rotation.runDue(Date.now() + 30 * DAY);
  assert.equal(stepsOf(lambda, promoted.ARN).length, 4);
  const after = await replica.send(new GetSecretValueCommand({ SecretId: name }));
  assert.notEqual(after.SecretString, rotatedValue);
  assert.notEqual(created.ARN, promoted.ARN);
});
