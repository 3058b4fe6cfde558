// Rotation through the AWS Lambda Invoke API (issue 13): the function is a server written in the
// test (rotation-support.ts), reached at --lambda-endpoint with SigV4 for service `lambda`. The
// four steps run in order; a failing step leaves AWSPENDING and the next window resumes with the
// same token; RotateSecret and CancelRotateSecret validate and show their settings as AWS does.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { manualClock, type ManualClock } from "../support/manual-clock.js";
import { signAtClock } from "../support/sign-at-clock.js";
import { rejects } from "../support/service-errors.js";
import { FUNCTION_ARN, startTestLambda, stepsOf, type TestLambda } from "./rotation-support.js";

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 10, 15, 0, 0);

let clock: ManualClock;
let m: TestServer;
let sm: SecretsManagerClient;
let lambda: TestLambda;

before(async () => {
  clock = manualClock(START);
  // the function calls Meridian with a client of its own, signed at the test's clock too
  const lambdaClient = { current: undefined as SecretsManagerClient | undefined };
  lambda = await startTestLambda(() => lambdaClient.current!);
  m = await startMeridian({ auth: "permissive", clock, timers: clock, regions: ["us-east-1"], env: { MERIDIAN_LAMBDA_ENDPOINT: lambda.url } });
  sm = signAtClock(m.secrets("us-east-1"), clock);
  lambdaClient.current = signAtClock(m.secrets("us-east-1"), clock);
});

after(async () => {
  await m.stop();
  await lambda.close();
});

const engine = () => m.server.host.node("us-east-1")!.rotation;
const describe = (id: string) => sm.send(new DescribeSecretCommand({ SecretId: id }));

async function secretWithValue() {
  const name = `rotated-${randomUUID()}`;
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "first" }));
  return { name, arn: created.ARN!, first: created.VersionId! };
}

test("RotateSecret runs the four steps in order through the Lambda Invoke API, signed for lambda", async () => {
  const { name, arn, first } = await secretWithValue();
  const token = randomUUID();
  lambda.invocations.length = 0;
  const out = await sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 7 }, ClientRequestToken: token }));
  assert.deepEqual([out.ARN, out.Name, out.VersionId], [arn, name, token]);
  await engine().idle();

  assert.deepEqual(stepsOf(lambda), ["createSecret", "setSecret", "testSecret", "finishSecret"].map((s) => `${s} ${token}`));
  assert.ok(lambda.invocations.every((i) => i.functionName === "my-rotator" && i.service === "lambda"));
  const d = await describe(name);
  assert.equal(d.RotationEnabled, true);
  assert.equal(d.RotationLambdaARN, FUNCTION_ARN);
  assert.deepEqual(d.RotationRules, { AutomaticallyAfterDays: 7 });
  assert.equal(d.LastRotatedDate?.getTime(), START);
  assert.equal(d.NextRotationDate?.toISOString(), "2026-03-17T00:00:00.000Z");
  assert.deepEqual(d.VersionIdsToStages?.[first], ["AWSPREVIOUS"]);
  assert.ok(d.VersionIdsToStages?.[token]?.includes("AWSCURRENT"));
  const value = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  assert.equal(value.VersionId, token);
  assert.notEqual(value.SecretString, "first");

  const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: [name] }] }));
  const entry = listed.SecretList?.[0];
  assert.equal(entry?.RotationEnabled, true);
  assert.equal(entry?.RotationLambdaARN, FUNCTION_ARN);
  assert.equal(entry?.NextRotationDate?.toISOString(), "2026-03-17T00:00:00.000Z");

  const cancelled = await sm.send(new CancelRotateSecretCommand({ SecretId: name }));
  assert.equal(cancelled.ARN, arn);
  const after = await describe(name);
  assert.equal(after.RotationEnabled, false);
  assert.equal(after.NextRotationDate, undefined);
  assert.equal(after.RotationLambdaARN, FUNCTION_ARN);
});

test("RotateSecret validates as AWS does", async () => {
  const { name } = await secretWithValue();
  await rejects(sm.send(new RotateSecretCommand({ SecretId: name })), "InvalidRequestException", "No Lambda rotation function ARN is associated with this secret.");
  await rejects(
    sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: "not-an-arn" })),
    "AccessDeniedException",
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.",
  );
  await rejects(
    sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION_ARN, RotationRules: { ScheduleExpression: "rate(2 hours)" } })),
    "InvalidParameterException",
    /four hours/,
  );
  await rejects(
    sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 1, ScheduleExpression: "rate(1 days)" } })),
    "InvalidParameterException",
    "You cannot specify both rotation frequency and schedule expression together.", // AWS's words (seen in terraform-provider-aws#33329)
  );
  await rejects(sm.send(new RotateSecretCommand({ SecretId: `absent-${randomUUID()}`, RotationLambdaARN: FUNCTION_ARN })), "ResourceNotFoundException");
  const d = await describe(name);
  assert.equal(d.RotationEnabled, undefined); // nothing was recorded
});

test("a failing step leaves AWSPENDING; a second RotateSecret is refused; the next window resumes with the same token", async () => {
  const { name, first } = await secretWithValue();
  const token = randomUUID();
  lambda.invocations.length = 0;
  lambda.failStep = "testSecret";
  await sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 1 }, ClientRequestToken: token }));
  await engine().idle();
  assert.deepEqual(stepsOf(lambda), ["createSecret", "setSecret", "testSecret"].map((s) => `${s} ${token}`));
  const failed = await describe(name);
  assert.deepEqual(failed.VersionIdsToStages?.[token], ["AWSPENDING"]);
  assert.deepEqual(failed.VersionIdsToStages?.[first], ["AWSCURRENT"]);
  const pendingValue = (await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPENDING" }))).SecretString;

  await rejects(
    sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: randomUUID() })),
    "InvalidRequestException",
    "A previous rotation isn't complete. That rotation will be reattempted.",
  );
  const events = await m.server.host.node("us-east-1")!.store.queryAuditEvents({ eventName: "RotationFailed" });
  const event = events.find((e) => e.event.additionalEventData?.SecretId === failed.ARN);
  assert.equal(event?.event.eventType, "AwsServiceEvent");
  assert.match(String(event?.event.errorMessage), /testSecret failed: .*told to fail/);

  lambda.failStep = undefined;
  lambda.invocations.length = 0;
  await clock.jump(2 * DAY); // the next window comes: the scheduler resumes the rotation
  await engine().idle();
  assert.deepEqual(stepsOf(lambda, failed.ARN), ["createSecret", "setSecret", "testSecret", "finishSecret"].map((s) => `${s} ${token}`));
  const done = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  assert.equal(done.VersionId, token);
  assert.equal(done.SecretString, pendingValue); // createSecret kept the value it had put
});

test("scheduled rotation: once per window on the clock, a missed stretch rotates once, a manual change counts as a rotation", async () => {
  const { name, arn } = await secretWithValue();
  const creates = () => lambda.invocations.filter((i) => i.step === "createSecret" && i.secretId === arn).length;
  await sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 2 }, RotateImmediately: false }));
  await engine().idle();
  assert.equal(creates(), 0);
  const d = await describe(name);
  const nextDate = d.NextRotationDate!.getTime();
  assert.equal(nextDate % DAY, 0);
  assert.ok(nextDate > clock.now());

  await clock.jump(nextDate + DAY - clock.now()); // past the whole window: missed, rotated once
  await engine().idle();
  assert.equal(creates(), 1);
  const rotated = await describe(name);
  assert.equal(rotated.LastRotatedDate?.getTime(), clock.now());

  await clock.jump(10 * DAY); // five windows missed while "asleep": one rotation
  await engine().idle();
  assert.equal(creates(), 2);

  const before = (await describe(name)).NextRotationDate!.getTime();
  await clock.jump(DAY);
  await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "set by hand" }));
  const moved = (await describe(name)).NextRotationDate!.getTime();
  assert.ok(moved > before, "a manual change counts as a rotation for AutomaticallyAfterDays");
});

test("RotateSecret refuses a function the Lambda endpoint does not have, as AWS does", async () => {
  const { name } = await secretWithValue();
  await rejects(
    sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: "arn:aws:lambda:us-east-1:111111111111:function:missing-function", RotationRules: { AutomaticallyAfterDays: 1 } })),
    "AccessDeniedException",
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.",
  );
  const d = await describe(name);
  assert.equal(d.RotationEnabled, undefined);
  assert.equal(d.RotationRules, undefined);
});

test("a function that cannot be invoked fails the rotation with the reason, and AWSPENDING stays", async () => {
  const { name, arn } = await secretWithValue();
  const token = randomUUID();
  await sm.send(
    new RotateSecretCommand({ SecretId: name, RotationLambdaARN: "arn:aws:lambda:us-east-1:111111111111:function:vanishing-function", ClientRequestToken: token }),
  );
  await engine().idle();
  const events = await m.server.host.node("us-east-1")!.store.queryAuditEvents({ eventName: "RotationFailed" });
  const mine = events.find((e) => e.event.additionalEventData?.SecretId === arn);
  assert.match(String(mine?.event.errorMessage), /createSecret failed: Lambda function vanishing-function was not found/);
  assert.deepEqual((await describe(name)).VersionIdsToStages?.[token], ["AWSPENDING"]);
});

const auditEvents = async (eventName: string, arn: string) =>
  (await m.server.host.node("us-east-1")!.store.queryAuditEvents({ eventName })).filter((e) => e.event.additionalEventData?.SecretId === arn);

test("a manual new version abandons the rotation in progress: AWSPENDING comes off, RotationAbandoned is recorded, a new rotation may start", async () => {
  const { name, arn } = await secretWithValue();
  const token = randomUUID();
  lambda.failStep = "setSecret";
  await sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 30 }, ClientRequestToken: token }));
  await engine().idle();
  lambda.failStep = undefined;
  assert.deepEqual((await describe(name)).VersionIdsToStages?.[token], ["AWSPENDING"]);
  assert.equal((await auditEvents("RotationAbandoned", arn)).length, 0);

  const manual = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "set by hand" }));
  const stages = (await describe(name)).VersionIdsToStages!;
  assert.deepEqual(stages[manual.VersionId!], ["AWSCURRENT"]);
  assert.equal(stages[token], undefined, "the abandoned version keeps no label");
  assert.ok(!Object.values(stages).some((s) => s.includes("AWSPENDING")));
  const [abandoned, ...more] = await auditEvents("RotationAbandoned", arn);
  assert.equal(more.length, 0);
  assert.equal(abandoned.event.eventType, "AwsServiceEvent");
  assert.equal(abandoned.event.eventSource, "secretsmanager.amazonaws.com");
  assert.equal(abandoned.event.userIdentity.invokedBy, "secretsmanager.amazonaws.com");

  // nothing in progress now: a new rotation starts and completes
  const next = randomUUID();
  await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: next }));
  await engine().idle();
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).VersionId, next);
  // a manual change with no rotation in progress abandons nothing
  await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "again by hand" }));
  assert.equal((await auditEvents("RotationAbandoned", arn)).length, 1);

  // UpdateSecret with a new value abandons a rotation in progress too
  const third = randomUUID();
  lambda.failStep = "testSecret";
  await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: third }));
  await engine().idle();
  lambda.failStep = undefined;
  assert.deepEqual((await describe(name)).VersionIdsToStages?.[third], ["AWSPENDING"]);
  const updated = await sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: "updated by hand" }));
  const after = (await describe(name)).VersionIdsToStages!;
  assert.deepEqual(after[updated.VersionId!], ["AWSCURRENT"]);
  assert.equal(after[third], undefined);
  assert.equal((await auditEvents("RotationAbandoned", arn)).length, 2);
});

test("RotateImmediately false tests the configuration with testSecret alone, on an AWSPENDING copy that is removed afterwards", async () => {
  const { name, arn, first } = await secretWithValue();
  const token = randomUUID();
  lambda.invocations.length = 0;
  const out = await sm.send(
    new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 5 }, RotateImmediately: false, ClientRequestToken: token }),
  );
  assert.equal(out.VersionId, undefined);
  await engine().idle();
  assert.deepEqual(stepsOf(lambda, arn), [`testSecret ${token}`]);
  const d = await describe(name);
  assert.deepEqual(d.VersionIdsToStages, { [first]: ["AWSCURRENT"] }, "the test's version is gone");
  assert.equal(d.RotationEnabled, true);
  assert.equal(d.LastRotatedDate, undefined);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "first");
  assert.equal((await auditEvents("TestRotationFailed", arn)).length, 0);

  // a function whose testSecret fails: TestRotationFailed, rotation stays on its schedule
  const failing = await secretWithValue();
  lambda.failStep = "testSecret";
  await sm.send(new RotateSecretCommand({ SecretId: failing.name, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 5 }, RotateImmediately: false }));
  await engine().idle();
  lambda.failStep = undefined;
  const [failed] = await auditEvents("TestRotationFailed", failing.arn);
  assert.match(String(failed?.event.errorMessage), /testSecret failed: .*told to fail/);
  const after = await describe(failing.name);
  assert.deepEqual(after.VersionIdsToStages, { [failing.first]: ["AWSCURRENT"] });
  assert.equal(after.RotationEnabled, true);
  assert.ok(after.NextRotationDate);
});
