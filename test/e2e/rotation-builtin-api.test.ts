// What a built-in rotator sees of Secrets Manager (rotation/rotator-secrets-api.ts): the Region's own
// operations in-process, under the secret's account, answering as the SDK would — a missing
// AWSPENDING is ResourceNotFoundException, PutSecretValue fills the version RotateSecret opened, and
// moving AWSCURRENT is what the client sees next.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { rotatorSecretsApi } from "../../src/rotation/rotator-secrets-api.js";
import { serviceContext } from "../../src/rotation/service-context.js";
import type { OperationTable } from "../../src/contract/call-context.js";
import type { SecretsManagerOperations } from "../../src/generated/secretsmanager-api.js";
import { ServiceError } from "../../src/contract/service-error.js";

let m: TestServer;
before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
});
after(() => m.stop());

test("a built-in rotator's calls: the generic template's steps, in-process", async () => {
  const sm = m.secrets("us-east-1");
  const created = await sm.send(new CreateSecretCommand({ Name: `builtin-${randomUUID()}`, SecretString: "old" }));
  const arn = created.ARN!;
  const ops = m.server.host.node("us-east-1")!.services.secretsmanager as OperationTable<SecretsManagerOperations>;
  const api = rotatorSecretsApi(ops, serviceContext({ arn, accountId: ACCOUNT_ID, region: "us-east-1" }));
  const token = randomUUID();

  const described = await api.describeSecret(arn);
  assert.deepEqual(described.VersionIdsToStages, { [created.VersionId!]: ["AWSCURRENT"] });
  await assert.rejects(
    api.getSecretValue({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }),
    (e: unknown) => e instanceof ServiceError && e.code === "ResourceNotFoundException",
  );
  const password = await api.getRandomPassword({ PasswordLength: 24, ExcludePunctuation: true });
  assert.equal(password.length, 24);
  await api.putSecretValue({ SecretId: arn, ClientRequestToken: token, SecretString: password, VersionStages: ["AWSPENDING"] });
  const pending = await api.getSecretValue({ SecretId: arn, VersionStage: "AWSPENDING" });
  assert.deepEqual([pending.VersionId, pending.SecretString, pending.VersionStages], [token, password, ["AWSPENDING"]]);
  await api.updateSecretVersionStage({ SecretId: arn, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: created.VersionId });

  const now = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
  assert.deepEqual([now.VersionId, now.SecretString], [token, password]);
  const stages = (await sm.send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages;
  assert.deepEqual(stages?.[created.VersionId!], ["AWSPREVIOUS"]);
});
