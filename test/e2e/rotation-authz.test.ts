// RotateSecret needs lambda:InvokeFunction on the rotation function besides secretsmanager:RotateSecret,
// as AWS documents: a caller allowed only the latter is refused with AWS's access-denied message
// naming the Lambda action and function, and nothing about the secret changes.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { CreateSecretCommand, DescribeSecretCommand, RotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";
import { allow, iamClient, makeUser, secretsAs } from "./authz-support.js";

const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:MeridianGenericPasswordRotation`;

let m: TestServer;
before(async () => {
  m = await startMeridian();
});
after(() => m.stop());

test("RotateSecret without lambda:InvokeFunction on the function is AccessDeniedException; with it, the rotation runs", async () => {
  const iam = iamClient(m, ADMIN);
  const admin = m.secrets("us-east-1");
  const { ARN: arn } = await admin.send(new CreateSecretCommand({ Name: `authz-rotation-${randomUUID()}`, SecretString: "first" }));

  const secretsOnly = await makeUser(iam, `rotator-without-lambda-${randomUUID().slice(0, 8)}`, allow("secretsmanager:*"));
  await rejects(
    secretsAs(m, secretsOnly).send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION, RotationRules: { AutomaticallyAfterDays: 7 } })),
    "AccessDeniedException",
    `User: ${secretsOnly.arn} is not authorized to perform: lambda:InvokeFunction on resource: ${FUNCTION} because no identity-based policy allows the lambda:InvokeFunction action`,
  );
  assert.equal((await admin.send(new DescribeSecretCommand({ SecretId: arn }))).RotationEnabled, undefined, "nothing was set");

  // allowed on another function only: still refused
  const otherFunction = await makeUser(iam, `rotator-other-fn-${randomUUID().slice(0, 8)}`, {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "secretsmanager:*", Resource: "*" },
      { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:some-other-function` },
    ],
  });
  await rejects(secretsAs(m, otherFunction).send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION })), "AccessDeniedException", /lambda:InvokeFunction/);

  const both = await makeUser(iam, `rotator-${randomUUID().slice(0, 8)}`, {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "secretsmanager:*", Resource: "*" },
      { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: FUNCTION },
    ],
  });
  const token = randomUUID();
  const out = await secretsAs(m, both).send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION, RotationRules: { AutomaticallyAfterDays: 7 }, ClientRequestToken: token }));
  assert.equal(out.VersionId, token);
  await m.server.host.node("us-east-1")!.rotation.idle();
  const d = await admin.send(new DescribeSecretCommand({ SecretId: arn }));
  assert.equal(d.RotationEnabled, true);
  assert.ok(d.VersionIdsToStages?.[token]?.includes("AWSCURRENT"));

  // the secret's own function is the one checked when the request names none
  await rejects(secretsAs(m, secretsOnly).send(new RotateSecretCommand({ SecretId: arn })), "AccessDeniedException", /lambda:InvokeFunction on resource: .*MeridianGenericPasswordRotation/);
});
