// KMS aliases through the AWS SDK: create, retarget, delete, list (all, or one key's), and the
// refusals, each of which leaves the aliases as they were.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, DescribeKeyCommand, ListAliasesCommand, ScheduleKeyDeletionCommand,
  DisableKeyCommand, UpdateAliasCommand, type AliasListEntry, type KMSClient,
} from "@aws-sdk/client-kms";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { kmsClient, movableClock } from "./kms-support.js";
import { refuses } from "../support/service-errors.js";

const ARN_PREFIX = `arn:aws:kms:us-east-1:${ACCOUNT_ID}`;
let m: TestServer;
let kms: KMSClient;
const time = movableClock();

before(async () => {
  m = await startMeridian({ regions: ["us-east-1"], clock: time.clock });
  kms = kmsClient(m);
});
after(() => m.stop());

const newKey = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
const aliasName = () => `alias/test-${randomUUID()}`;

async function allAliases(KeyId?: string): Promise<AliasListEntry[]> {
  const out: AliasListEntry[] = [];
  let Marker: string | undefined;
  do {
    const page = await kms.send(new ListAliasesCommand({ KeyId, Marker, Limit: 2 }));
    out.push(...page.Aliases!);
    assert.equal(page.Truncated, page.NextMarker !== undefined);
    Marker = page.NextMarker;
  } while (Marker);
  return out;
}

test("CreateAlias names a key by id or ARN; ListAliases shows it, also filtered by key, in pages", async () => {
  const [a, b] = [await newKey(), await newKey()];
  const [byId, byArn] = [aliasName(), aliasName()];
  const before = Date.now();
  await kms.send(new CreateAliasCommand({ AliasName: byId, TargetKeyId: a.KeyId }));
  await kms.send(new CreateAliasCommand({ AliasName: byArn, TargetKeyId: a.Arn }));
  await kms.send(new CreateAliasCommand({ AliasName: aliasName(), TargetKeyId: b.KeyId }));

  const entry = (await allAliases()).find((x) => x.AliasName === byId)!;
  assert.equal(entry.AliasArn, `${ARN_PREFIX}:${byId}`);
  assert.equal(entry.TargetKeyId, a.KeyId);
  assert.ok(entry.CreationDate!.getTime() >= before - 1000);
  assert.equal(entry.LastUpdatedDate!.getTime(), entry.CreationDate!.getTime());
  const ofA = (await allAliases(a.Arn)).map((x) => x.AliasName).sort();
  assert.deepEqual(ofA, [byId, byArn].sort());
  assert.deepEqual((await allAliases(byId)).map((x) => x.AliasName).sort(), [byId, byArn].sort(), "KeyId may be an alias too");
});

test("UpdateAlias points an alias at another key, keeping its creation date", async () => {
  const [a, b] = [await newKey(), await newKey()];
  const name = aliasName();
  await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: a.KeyId }));
  const created = (await allAliases(a.KeyId)).find((x) => x.AliasName === name)!;
  // A second later on the server's clock (well within SigV4's skew): the update's date is after the creation's.
  await time.later(1000, () => kms.send(new UpdateAliasCommand({ AliasName: name, TargetKeyId: b.Arn })));
  assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata!.KeyId, b.KeyId);
  const updated = (await allAliases(b.KeyId)).find((x) => x.AliasName === name)!;
  assert.equal(updated.CreationDate!.getTime(), created.CreationDate!.getTime());
  assert.ok(updated.LastUpdatedDate!.getTime() > created.LastUpdatedDate!.getTime());
  assert.deepEqual(await allAliases(a.KeyId), []);
});

test("DeleteAlias removes the alias, not the key", async () => {
  const key = await newKey();
  const name = aliasName();
  await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: key.KeyId }));
  await kms.send(new DeleteAliasCommand({ AliasName: name }));
  assert.deepEqual(await allAliases(key.KeyId), []);
  assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState, "Enabled");
  await refuses(kms.send(new DeleteAliasCommand({ AliasName: name })), { name: "NotFoundException", message: `Alias ${ARN_PREFIX}:${name} is not found.` });
});

test("alias refusals: taken name, missing prefix, reserved prefix, bad characters, alias as target, no such key or alias", async () => {
  const [key, other] = [await newKey(), await newKey()];
  const name = aliasName();
  await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: key.KeyId }));
  const snapshot = await allAliases();

  await refuses(kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: other.KeyId })), {
    name: "AlreadyExistsException", message: `An alias with the name ${ARN_PREFIX}:${name} already exists`,
  });
  const noPrefix = 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html';
  await refuses(kms.send(new CreateAliasCommand({ AliasName: "no-prefix", TargetKeyId: key.KeyId })), { name: "ValidationException", message: noPrefix });
  await refuses(kms.send(new UpdateAliasCommand({ AliasName: "no-prefix", TargetKeyId: key.KeyId })), { name: "ValidationException", message: noPrefix });
  await refuses(kms.send(new DeleteAliasCommand({ AliasName: "no-prefix" })), { name: "ValidationException", message: noPrefix });
  await refuses(kms.send(new CreateAliasCommand({ AliasName: "alias/aws/mine", TargetKeyId: key.KeyId })), { name: "NotAuthorizedException" });
  await refuses(kms.send(new DeleteAliasCommand({ AliasName: "alias/aws/secretsmanager" })), { name: "NotAuthorizedException" });
  await refuses(kms.send(new CreateAliasCommand({ AliasName: "alias/has space", TargetKeyId: key.KeyId })), {
    name: "ValidationException",
    message: "1 validation error detected: Value 'alias/has space' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
  });
  for (const target of [name, `${ARN_PREFIX}:${name}`]) {
    await refuses(kms.send(new CreateAliasCommand({ AliasName: aliasName(), TargetKeyId: target })), {
      name: "ValidationException", message: "Aliases must refer to keys. Not aliases",
    });
  }
  const missing = randomUUID();
  await refuses(kms.send(new CreateAliasCommand({ AliasName: aliasName(), TargetKeyId: missing })), {
    name: "NotFoundException", message: `Key '${ARN_PREFIX}:key/${missing}' does not exist`,
  });
  await refuses(kms.send(new UpdateAliasCommand({ AliasName: "alias/never-made", TargetKeyId: key.KeyId })), {
    name: "NotFoundException", message: `Alias ${ARN_PREFIX}:alias/never-made is not found.`,
  });
  assert.deepEqual(await allAliases(), snapshot, "no refused request changed the aliases");
});

test("a disabled key can be given an alias; a key pending deletion cannot", async () => {
  const disabled = await newKey();
  await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
  await kms.send(new CreateAliasCommand({ AliasName: aliasName(), TargetKeyId: disabled.KeyId }));

  const pending = await newKey();
  const name = aliasName();
  await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: pending.KeyId }));
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.KeyId, PendingWindowInDays: 7 }));
  const isPending = { name: "KMSInvalidStateException", message: `${pending.Arn} is pending deletion.` };
  await refuses(kms.send(new CreateAliasCommand({ AliasName: aliasName(), TargetKeyId: pending.KeyId })), isPending);
  const other = await newKey();
  const moved = aliasName();
  await kms.send(new CreateAliasCommand({ AliasName: moved, TargetKeyId: other.KeyId }));
  await refuses(kms.send(new UpdateAliasCommand({ AliasName: moved, TargetKeyId: pending.KeyId })), isPending);
  // An alias may leave a key pending deletion, and may be deleted.
  await kms.send(new UpdateAliasCommand({ AliasName: name, TargetKeyId: other.KeyId }));
  await kms.send(new DeleteAliasCommand({ AliasName: name }));
});
