// KMS keys through the AWS SDK: create, describe by every kind of identifier, list, describe-only
// errors, enable/disable, the deletion window and the purge when it ends, and the AWS managed key
// of Secrets Manager, which users may read but not change.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, DisableKeyCommand, EnableKeyCommand,
  GetKeyPolicyCommand, GetKeyRotationStatusCommand, ListAliasesCommand, ListKeysCommand, PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand, TagResourceCommand, UpdateKeyDescriptionCommand, type KMSClient,
} from "@aws-sdk/client-kms";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { DAY, kmsClient, movableClock, sweep } from "./kms-support.js";
import { refuses } from "../support/service-errors.js";

const ARN_PREFIX = `arn:aws:kms:us-east-1:${ACCOUNT_ID}`;
const ROOT = `arn:aws:iam::${ACCOUNT_ID}:root`;
const time = movableClock();
let m: TestServer;
let kms: KMSClient;

before(async () => {
  m = await startMeridian({ clock: time.clock, regions: ["us-east-1", "us-west-2"] });
  kms = kmsClient(m);
});
after(() => m.stop());

const newKey = async (Description = "test key") => (await kms.send(new CreateKeyCommand({ Description }))).KeyMetadata!;
const describe = async (KeyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;

test("CreateKey answers the key's metadata, and DescribeKey finds it by id, ARN, alias and alias ARN", async () => {
  const before = Date.now();
  const key = await newKey("payments");
  assert.match(key.KeyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(key.Arn, `${ARN_PREFIX}:key/${key.KeyId}`);
  assert.equal(key.AWSAccountId, ACCOUNT_ID);
  assert.deepEqual(
    { ...key, CreationDate: undefined, CurrentKeyMaterialId: undefined },
    {
      AWSAccountId: ACCOUNT_ID, KeyId: key.KeyId, Arn: key.Arn, CreationDate: undefined, Enabled: true, Description: "payments",
      KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Enabled", Origin: "AWS_KMS", KeyManager: "CUSTOMER", CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
      KeySpec: "SYMMETRIC_DEFAULT", EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"], MultiRegion: false, CurrentKeyMaterialId: undefined,
    },
  );
  assert.ok(key.CreationDate!.getTime() >= before - 1000 && key.CreationDate!.getTime() <= Date.now() + 1000);
  assert.match(key.CurrentKeyMaterialId!, /^[0-9a-f]{64}$/);

  const alias = `alias/keys-${randomUUID()}`;
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
  for (const ref of [key.KeyId!, key.Arn!, alias, `${ARN_PREFIX}:${alias}`]) {
    assert.deepEqual(await describe(ref), key, ref);
  }
  const listed = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!;
  assert.ok(listed.some((k) => k.KeyId === key.KeyId && k.KeyArn === key.Arn));
});

test("DescribeKey refuses what names no key, with AWS's messages", async () => {
  const missing = "134f2428-cec1-4b25-a1ae-9048164dba47";
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: missing })), { name: "NotFoundException", message: `Key '${ARN_PREFIX}:key/${missing}' does not exist` });
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: `${ARN_PREFIX}:key/${missing}` })), { name: "NotFoundException", message: `Key '${ARN_PREFIX}:key/${missing}' does not exist` });
  for (const bad of ["fake-key-id", "134f2428cec14b25a1ae9048164dba47", "mrk-fake-key-id"]) {
    await refuses(kms.send(new DescribeKeyCommand({ KeyId: bad })), { name: "NotFoundException", message: `Invalid keyId '${bad}'` });
  }
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: "alias/nobody-has-this" })), {
    name: "NotFoundException", message: `Alias ${ARN_PREFIX}:alias/nobody-has-this is not found.`,
  });
  // A key lives in one Region: its id names nothing elsewhere, its ARN is refused by Region.
  const west = (await kmsClient(m, "us-west-2").send(new CreateKeyCommand({}))).KeyMetadata!;
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: west.KeyId })), { name: "NotFoundException", message: `Key '${ARN_PREFIX}:key/${west.KeyId}' does not exist` });
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: west.Arn })), { name: "NotFoundException", message: "Invalid arn us-west-2" });
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: "" })), {
    name: "ValidationException", message: "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1",
  });
});

test("DisableKey, EnableKey and UpdateKeyDescription change what DescribeKey shows", async () => {
  const key = await newKey("before");
  await kms.send(new DisableKeyCommand({ KeyId: key.Arn }));
  assert.deepEqual((({ Enabled, KeyState }) => ({ Enabled, KeyState }))(await describe(key.KeyId!)), { Enabled: false, KeyState: "Disabled" });
  await kms.send(new DisableKeyCommand({ KeyId: key.KeyId })); // again: no error, as on AWS
  await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
  await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: "after" }));
  const now = await describe(key.KeyId!);
  assert.deepEqual([now.Enabled, now.KeyState, now.Description], [true, "Enabled", "after"]);
});

test("ScheduleKeyDeletion takes 7 to 30 days, and a key pending deletion can only be described or cancelled", async () => {
  const key = await newKey();
  for (const days of [6, 31]) {
    await refuses(kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: days })), {
      name: "ValidationException", message: "PendingWindowInDays must be between 7 and 30",
    });
  }
  await refuses(kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 0 })), {
    name: "ValidationException",
    message: "1 validation error detected: Value '0' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 1",
  });
  assert.equal((await describe(key.KeyId!)).KeyState, "Enabled", "a refused request changes nothing");

  const asked = Date.now();
  const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
  assert.equal(scheduled.KeyId, key.Arn);
  assert.equal(scheduled.KeyState, "PendingDeletion");
  assert.equal(scheduled.PendingWindowInDays, 7);
  assert.ok(Math.abs(scheduled.DeletionDate!.getTime() - (asked + 7 * DAY)) < 5000);
  const pending = await describe(key.KeyId!);
  assert.deepEqual([pending.Enabled, pending.KeyState, pending.PendingDeletionWindowInDays], [false, "PendingDeletion", 7]);
  assert.equal(pending.DeletionDate!.getTime(), scheduled.DeletionDate!.getTime());

  const isPending = { name: "KMSInvalidStateException", message: `${key.Arn} is pending deletion.` };
  await refuses(kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId })), isPending);
  await refuses(kms.send(new EnableKeyCommand({ KeyId: key.KeyId })), isPending);
  await refuses(kms.send(new DisableKeyCommand({ KeyId: key.KeyId })), isPending);
  await refuses(kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: "x" })), isPending);
  await refuses(kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: "a", TagValue: "b" }] })), isPending);

  assert.deepEqual(await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })).then((r) => r.KeyId), key.Arn);
  const cancelled = await describe(key.KeyId!);
  assert.deepEqual([cancelled.KeyState, cancelled.DeletionDate, cancelled.PendingDeletionWindowInDays], ["Disabled", undefined, undefined]);
  await refuses(kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })), {
    name: "KMSInvalidStateException", message: `${key.Arn} is not pending deletion.`,
  });
});

test("the sweep deletes a key, and its aliases, only once its waiting period has ended", async () => {
  const key = await newKey();
  const alias = `alias/doomed-${randomUUID()}`;
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));

  await time.later(6 * DAY, () => sweep(m));
  assert.equal((await describe(key.KeyId!)).KeyState, "PendingDeletion");

  await time.later(7 * DAY + 60_000, () => sweep(m));
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: key.KeyId })), { name: "NotFoundException", message: `Key '${key.Arn}' does not exist` });
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: alias })), { name: "NotFoundException" });
  const keys = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!;
  assert.ok(!keys.some((k) => k.KeyId === key.KeyId));
  const aliases = (await kms.send(new ListAliasesCommand({ Limit: 1000 }))).Aliases!;
  assert.ok(!aliases.some((a) => a.AliasName === alias));
});

test("the AWS managed key aws/secretsmanager is listed and readable, but users cannot change it", async () => {
  const aliases = (await kms.send(new ListAliasesCommand({ Limit: 1000 }))).Aliases!;
  const managed = aliases.find((a) => a.AliasName === "alias/aws/secretsmanager");
  assert.ok(managed?.TargetKeyId, "ListAliases shows alias/aws/secretsmanager with its key");
  assert.equal(managed.AliasArn, `${ARN_PREFIX}:alias/aws/secretsmanager`);
  const key = await describe("alias/aws/secretsmanager");
  assert.equal(key.KeyId, managed.TargetKeyId);
  assert.deepEqual([key.KeyManager, key.KeyState, key.Description], ["AWS", "Enabled", "Default key that protects my Secrets Manager data when no other key is defined"]);
  assert.ok((await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.some((k) => k.KeyId === key.KeyId));
  const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
  assert.deepEqual([rotation.KeyRotationEnabled, rotation.RotationPeriodInDays], [true, 365]);
  const policy = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: "default" }))).Policy!);
  assert.equal(policy.Id, "auto-secretsmanager-2");

  // A refusal names what the caller named: an alias by its own ARN, not its key's.
  const denied = (action: string, resource = key.Arn) => ({
    name: "AccessDeniedException",
    message: `User: ${ROOT} is not authorized to perform: kms:${action} on resource: ${resource} because no resource-based policy allows the kms:${action} action`,
  });
  await refuses(kms.send(new DisableKeyCommand({ KeyId: key.KeyId })), denied("DisableKey"));
  await refuses(kms.send(new ScheduleKeyDeletionCommand({ KeyId: "alias/aws/secretsmanager", PendingWindowInDays: 7 })),
    denied("ScheduleKeyDeletion", `${ARN_PREFIX}:alias/aws/secretsmanager`));
  await refuses(kms.send(new PutKeyPolicyCommand({ KeyId: key.Arn, PolicyName: "default", Policy: JSON.stringify(policy) })), denied("PutKeyPolicy"));
  await refuses(kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: "mine now" })), denied("UpdateKeyDescription"));
  await refuses(kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: "a", TagValue: "b" }] })), denied("TagResource"));
  await refuses(kms.send(new CreateAliasCommand({ AliasName: `alias/m-${randomUUID()}`, TargetKeyId: key.KeyId })), denied("CreateAlias"));
  assert.deepEqual(await describe(key.KeyId!), key, "nothing changed");
});
