// DeleteSecret, RestoreSecret and the purge at the end of the recovery window, through the AWS
// SDK. The clock is a manual one, moved by the tests: the Region's purge job runs on it, at start
// and then every minute of its time, as it would on the system's.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";
import { signAtClock } from "../support/sign-at-clock.js";
import { manualClock } from "../support/manual-clock.js";

const DAY = 86_400_000;
const clock = manualClock(Date.UTC(2024, 5, 1, 9, 0));
let m: TestServer;
let sm: SecretsManagerClient;
before(async () => {
  m = await startMeridian({ clock, timers: clock, regions: ["us-east-1"] });
  sm = signAtClock(m.secrets("us-east-1"), clock);
});
after(() => m.stop());

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const MARKED = "You can't perform this operation on the secret because it was marked for deletion.";

async function createSecret(value = "s3cr3t") {
  const name = `delete-${randomUUID()}`;
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { name, arn: created.ARN!, versionId: created.VersionId! };
}

test("DeleteSecret schedules the deletion 30 days out by default, or RecoveryWindowInDays from 7 to 30", async () => {
  for (const [window, expected] of [[undefined, 30], [7, 7], [30, 30], [19, 19]] as const) {
    const { name, arn } = await createSecret();
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: window }));
    assert.equal(deleted.ARN, arn);
    assert.equal(deleted.Name, name);
    assert.equal(deleted.DeletionDate!.getTime(), clock.now() + expected * DAY);
    // DeletedDate is when the deletion was asked for ("the date and time the deletion of the
    // secret occurred", says ListSecrets); DeletionDate is when the window ends.
    const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    assert.equal(described.DeletedDate!.getTime(), clock.now());
  }
});

test("DeleteSecret refuses a recovery window outside 7–30 days, or one given with ForceDeleteWithoutRecovery", async () => {
  const { name } = await createSecret();
  const range = "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).";
  for (const days of [0, 6, 31]) {
    await rejects(sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: days })), "InvalidParameterException", range);
  }
  // Both given: the pair is refused first, whatever the window (AWS's order is not known: RELIABILITY.md).
  for (const days of [0, 7, 31]) {
    await rejects(
      sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: days, ForceDeleteWithoutRecovery: true })),
      "InvalidParameterException",
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "s3cr3t");
  await rejects(sm.send(new DeleteSecretCommand({ SecretId: `missing-${randomUUID()}` })), "ResourceNotFoundException", NOT_FOUND);
});

test("a secret scheduled for deletion refuses its value and every change", async () => {
  const { name, versionId } = await createSecret();
  await sm.send(new DeleteSecretCommand({ SecretId: name }));
  const refused = [
    new GetSecretValueCommand({ SecretId: name }),
    new PutSecretValueCommand({ SecretId: name, SecretString: "new" }),
    new UpdateSecretCommand({ SecretId: name, Description: "d" }),
    new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: "X", MoveToVersionId: versionId }),
    new TagResourceCommand({ SecretId: name, Tags: [{ Key: "k", Value: "v" }] }),
    new UntagResourceCommand({ SecretId: name, TagKeys: ["k"] }),
    new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policyFor(name) }),
    new DeleteResourcePolicyCommand({ SecretId: name }),
    new DeleteSecretCommand({ SecretId: name }),
  ];
  for (const command of refused) await rejects(sm.send(command as never), "InvalidRequestException", MARKED);
  await rejects(
    sm.send(new CreateSecretCommand({ Name: name, SecretString: "again" })),
    "InvalidRequestException",
    "You can't create this secret because a secret with this name is already scheduled for deletion.",
  );
  const batch = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [name] }));
  assert.deepEqual(batch.SecretValues, []);
  assert.deepEqual(batch.Errors, [{ SecretId: name, ErrorCode: "InvalidRequestException", Message: MARKED }]);
});

test("a secret scheduled for deletion can still be described and listed with IncludePlannedDeletion", async () => {
  const { name, arn, versionId } = await createSecret();
  await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
  const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(described.ARN, arn);
  assert.deepEqual(described.VersionIdsToStages, { [versionId]: ["AWSCURRENT"] });
  assert.ok(described.DeletedDate instanceof Date);
  const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
  assert.deepEqual(versions.Versions!.map((v) => v.VersionId), [versionId]);
  assert.deepEqual((await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).Name, name);

  const nameFilter = [{ Key: "name" as const, Values: [name] }];
  assert.deepEqual((await sm.send(new ListSecretsCommand({ Filters: nameFilter }))).SecretList, []);
  const planned = await sm.send(new ListSecretsCommand({ Filters: nameFilter, IncludePlannedDeletion: true }));
  assert.deepEqual(planned.SecretList!.map((s) => [s.Name, s.DeletedDate instanceof Date]), [[name, true]]);
});

test("RestoreSecret cancels the deletion and gives the value back", async () => {
  const { name, arn } = await createSecret("kept");
  await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
  const restored = await sm.send(new RestoreSecretCommand({ SecretId: arn }));
  assert.deepEqual([restored.ARN, restored.Name], [arn, name]);
  const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(described.DeletedDate, undefined);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "kept");

  // The cancelled deletion does not happen when its window would have ended.
  await clock.jump(8 * DAY);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "kept");
  await rejects(sm.send(new RestoreSecretCommand({ SecretId: `missing-${randomUUID()}` })), "ResourceNotFoundException", NOT_FOUND);
});

test("the secret is purged when its recovery window ends, and its name can be used again", async () => {
  const { name, arn } = await createSecret("old");
  await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));

  // The purge job runs on waking a millisecond before the window ends: the secret is kept…
  await clock.jump(7 * DAY - 1);
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: arn }))).Name, name);

  // …and purged by the job's next run, a minute later.
  await clock.advance(60_000);
  await rejects(sm.send(new DescribeSecretCommand({ SecretId: arn })), "ResourceNotFoundException", NOT_FOUND);
  await rejects(sm.send(new RestoreSecretCommand({ SecretId: name })), "ResourceNotFoundException", NOT_FOUND);
  const planned = await sm.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: [name] }], IncludePlannedDeletion: true }));
  assert.deepEqual(planned.SecretList, []);

  const again = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "new" }));
  assert.notEqual(again.ARN, arn);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "new");
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: arn })), "ResourceNotFoundException", NOT_FOUND);
});

test("ForceDeleteWithoutRecovery deletes at once, also a secret already scheduled for deletion", async () => {
  const { name, arn } = await createSecret();
  const forced = await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  assert.deepEqual([forced.ARN, forced.Name, forced.DeletionDate!.getTime()], [arn, name, clock.now()]);
  await rejects(sm.send(new DescribeSecretCommand({ SecretId: name })), "ResourceNotFoundException", NOT_FOUND);
  const again = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "fresh" }));
  assert.notEqual(again.ARN, arn);

  const scheduled = await createSecret();
  await sm.send(new DeleteSecretCommand({ SecretId: scheduled.arn }));
  const purged = await sm.send(new DeleteSecretCommand({ SecretId: scheduled.arn, ForceDeleteWithoutRecovery: true }));
  assert.deepEqual([purged.ARN, purged.Name], [scheduled.arn, scheduled.name]);
  await rejects(sm.send(new DescribeSecretCommand({ SecretId: scheduled.arn })), "ResourceNotFoundException", NOT_FOUND);
});

test("ForceDeleteWithoutRecovery of a secret that does not exist answers as if it did", async () => {
  const name = `never-${randomUUID()}`;
  const forced = await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  assert.equal(forced.Name, name);
  assert.match(forced.ARN!, new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:${name}-[A-Za-z0-9]{6}$`));
  assert.equal(forced.DeletionDate!.getTime(), clock.now());
  await rejects(sm.send(new DescribeSecretCommand({ SecretId: name })), "ResourceNotFoundException", NOT_FOUND);
});

function policyFor(name: string) {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
        Action: "secretsmanager:GetSecretValue",
        Resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:${name}-*`,
      },
    ],
  });
}
