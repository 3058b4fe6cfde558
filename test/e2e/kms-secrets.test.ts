// Secrets use the Region's KMS keys: KmsKeyId by id, ARN, alias or alias ARN; changing the key
// re-encrypts the AWSCURRENT, AWSPENDING and AWSPREVIOUS versions and leaves older ones under the
// old key; a disabled key or one pending deletion gives DecryptionFailure / EncryptionFailure; a
// key of another Region is refused; once its key is purged a secret cannot be read.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, PutSecretValueCommand,
  UpdateSecretCommand, type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, ScheduleKeyDeletionCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { DAY, kmsClient, movableClock, sweep } from "./kms-support.js";
import { refuses } from "../support/service-errors.js";

const time = movableClock();
let m: TestServer;
let kms: KMSClient;
let sm: SecretsManagerClient;

before(async () => {
  m = await startMeridian({ clock: time.clock, regions: ["us-east-1", "us-west-2"] });
  kms = kmsClient(m);
  sm = m.secrets("us-east-1");
});
after(() => m.stop());

const DECRYPTION_FAILURE = { name: "DecryptionFailure", message: "Secrets Manager can't decrypt the protected secret text using the provided KMS key." };
const ENCRYPTION_FAILURE = {
  name: "EncryptionFailure",
  message:
    "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state. For more information, see Key state: Effect on your KMS key.",
};
const newKey = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
const read = async (SecretId: string, VersionId?: string) => (await sm.send(new GetSecretValueCommand({ SecretId, VersionId }))).SecretString;
const put = (SecretId: string, SecretString: string, VersionStages?: string[]) =>
  sm.send(new PutSecretValueCommand({ SecretId, SecretString, VersionStages, ClientRequestToken: randomUUID() }));
async function keysByVersion(SecretId: string) {
  const { Versions } = await sm.send(new ListSecretVersionIdsCommand({ SecretId, IncludeDeprecated: true }));
  return Object.fromEntries(Versions!.map((v) => [v.VersionId!, v.KmsKeyIds]));
}

test("KmsKeyId may be a key id, key ARN, alias or alias ARN; DescribeSecret and ListSecretVersionIds show the key", async () => {
  const key = await newKey();
  const alias = `alias/secrets-${key.KeyId}`;
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
  for (const ref of [key.KeyId!, key.Arn!, alias, `arn:aws:kms:us-east-1:${ACCOUNT_ID}:${alias}`]) {
    const name = `kms/${randomUUID()}`;
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: `under ${ref}`, KmsKeyId: ref }));
    assert.equal(await read(name), `under ${ref}`);
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId, ref);
    assert.deepEqual(await keysByVersion(name), { [created.VersionId!]: [key.Arn] });
  }
  const plain = await sm.send(new CreateSecretCommand({ Name: `kms/${randomUUID()}`, SecretString: "default key" }));
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: plain.ARN }))).KmsKeyId, undefined);
  assert.deepEqual(await keysByVersion(plain.ARN!), { [plain.VersionId!]: ["DefaultEncryptionKey"] });
});

test("a new KmsKeyId re-encrypts AWSCURRENT, AWSPENDING and AWSPREVIOUS; older versions stay under the old key", async () => {
  const [oldKey, newer] = [await newKey(), await newKey()];
  const name = `kms/${randomUUID()}`;
  const v1 = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: "one", KmsKeyId: oldKey.KeyId }))).VersionId!;
  const v2 = (await put(name, "two")).VersionId!;
  const v3 = (await put(name, "three")).VersionId!;
  const v4 = (await put(name, "four", ["AWSPENDING"])).VersionId!;

  await sm.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: newer.Arn }));
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId, newer.Arn);
  assert.deepEqual(await keysByVersion(name), { [v1]: [oldKey.Arn], [v2]: [newer.Arn], [v3]: [newer.Arn], [v4]: [newer.Arn] });
  assert.deepEqual([await read(name, v1), await read(name, v2), await read(name), await read(name, v4)], ["one", "two", "three", "four"]);

  // With the old key disabled, only the version left under it is unreadable.
  await kms.send(new DisableKeyCommand({ KeyId: oldKey.KeyId }));
  assert.deepEqual([await read(name, v2), await read(name, v3), await read(name, v4)], ["two", "three", "four"]);
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 })), DECRYPTION_FAILURE);
  const v5 = (await put(name, "five")).VersionId!;
  assert.deepEqual((await keysByVersion(name))[v5], [newer.Arn], "new versions use the new key");
});

test("a disabled key: GetSecretValue is DecryptionFailure, PutSecretValue and UpdateSecret are EncryptionFailure", async () => {
  const key = await newKey();
  const name = `kms/${randomUUID()}`;
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "v1", KmsKeyId: key.KeyId }));
  await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: name })), DECRYPTION_FAILURE);
  await refuses(put(name, "v2"), ENCRYPTION_FAILURE);
  await refuses(sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: "v2", ClientRequestToken: randomUUID() })), ENCRYPTION_FAILURE);
  await refuses(sm.send(new CreateSecretCommand({ Name: `kms/${randomUUID()}`, SecretString: "x", KmsKeyId: key.Arn })), ENCRYPTION_FAILURE);
  const other = await newKey();
  await refuses(sm.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: other.KeyId })), DECRYPTION_FAILURE);
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId, key.KeyId, "a refused change changes nothing");

  await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
  assert.equal(await read(name), "v1");
  assert.equal((await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions!.length, 1);
});

test("a key of another Region, or no key at all, is refused", async () => {
  const west = (await kmsClient(m, "us-west-2").send(new CreateKeyCommand({}))).KeyMetadata!;
  const name = `kms/${randomUUID()}`;
  await refuses(sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", KmsKeyId: west.Arn })), ENCRYPTION_FAILURE);
  await refuses(sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", KmsKeyId: west.KeyId })), ENCRYPTION_FAILURE);
  await refuses(sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", KmsKeyId: "alias/no-such-alias" })), ENCRYPTION_FAILURE);
  await refuses(sm.send(new DescribeSecretCommand({ SecretId: name })), { name: "ResourceNotFoundException" });
});

test("a key pending deletion makes its secrets unreadable; cancelled, they come back; purged, they are gone for good", async () => {
  const key = await newKey();
  const name = `kms/${randomUUID()}`;
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "precious", KmsKeyId: key.KeyId }));
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: name })), DECRYPTION_FAILURE);
  await refuses(put(name, "more"), ENCRYPTION_FAILURE);
  await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
  await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
  assert.equal(await read(name), "precious");

  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
  await time.later(7 * DAY + 60_000, () => sweep(m));
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: name })), DECRYPTION_FAILURE);
  await refuses(put(name, "more"), ENCRYPTION_FAILURE);
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Name, name, "the secret itself remains");
});
