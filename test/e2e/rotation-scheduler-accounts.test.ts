// The rotation scheduler looks at every account that has secrets in the Region, whether or not it
// has a KMS key: a secret created without a value has no data key, so an account whose only secrets
// are such has no key at all (aws/secretsmanager is made on first use), and its rotations still come
// due on the clock.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { CreateSecretCommand, RotateSecretCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { manualClock, type ManualClock } from "../support/manual-clock.js";
import { signAtClock } from "../support/sign-at-clock.js";
import { FUNCTION_ARN, startTestLambda, stepsOf, type TestLambda } from "./rotation-support.js";

const DAY = 86_400_000;

let clock: ManualClock;
let m: TestServer;
let sm: SecretsManagerClient;
let lambda: TestLambda;

before(async () => {
  clock = manualClock(Date.UTC(2026, 4, 4, 9, 0, 0));
  const client = { current: undefined as SecretsManagerClient | undefined };
  lambda = await startTestLambda(() => client.current!);
  m = await startMeridian({ auth: "permissive", clock, timers: clock, regions: ["us-east-1"], env: { MERIDIAN_LAMBDA_ENDPOINT: lambda.url } });
  sm = signAtClock(m.secrets("us-east-1"), clock);
  client.current = signAtClock(m.secrets("us-east-1"), clock);
});

after(async () => {
  await m.stop();
  await lambda.close();
});

test("an account with secrets but no KMS key is scanned: its rotation runs when its window comes", async () => {
  const node = m.server.host.node("us-east-1")!;
  const { ARN: arn } = await sm.send(new CreateSecretCommand({ Name: `no-value-${randomUUID()}` }));
  await sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 1 }, RotateImmediately: false }));
  await node.rotation.idle();
  assert.deepEqual(await node.store.allKeys(), [], "the account has no KMS key");
  assert.deepEqual(stepsOf(lambda, arn), [], "no AWSCURRENT to test with: nothing was invoked yet");

  await clock.jump(2 * DAY);
  await node.rotation.idle();
  const steps = stepsOf(lambda, arn!);
  assert.equal(steps.length > 0, true, "the scheduler started the rotation");
  assert.match(steps[0], /^createSecret /);
});
