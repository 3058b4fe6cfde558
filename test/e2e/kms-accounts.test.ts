// Keys belong to one account. Key policies are not evaluated yet, so no key allows another account:
// naming another account's key by ARN or alias ARN gets the AccessDeniedException a key policy
// gives, its id alone names nothing, its ciphertexts do not decrypt, and Secrets Manager cannot use it.
// Accounts come from permissive mode (a 12-digit access key id names the account).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand, GenerateDataKeyCommand,
  ReEncryptCommand, type KMSClient,
} from "@aws-sdk/client-kms";
import { CreateSecretCommand, UpdateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { kmsClient, REGION } from "./kms-support.js";
import { refuses } from "../support/service-errors.js";

const OWNER = "222222222222";
const OTHER = "333333333333";
const as = (accountId: string) => ({ accessKeyId: accountId, secretAccessKey: "any" });
let m: TestServer;
let owner: KMSClient;
let other: KMSClient;

before(async () => {
  m = await startMeridian({ auth: "permissive", regions: [REGION] });
  owner = kmsClient(m, REGION, as(OWNER));
  other = kmsClient(m, REGION, as(OTHER));
});
after(() => m.stop());

test("another account's key, by ARN or alias ARN, is AccessDeniedException; by id it is not found", async () => {
  const key = (await owner.send(new CreateKeyCommand({}))).KeyMetadata!;
  const alias = `alias/shared-${randomUUID()}`;
  await owner.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
  const aliasArn = `arn:aws:kms:${REGION}:${OWNER}:${alias}`;
  const denied = (action: string) => ({
    name: "AccessDeniedException",
    message: `User: arn:aws:iam::${OTHER}:root is not authorized to perform: kms:${action} on resource: ${key.Arn} because no resource-based policy allows the kms:${action} action`,
  });
  await refuses(other.send(new DescribeKeyCommand({ KeyId: key.Arn })), denied("DescribeKey"));
  await refuses(other.send(new EncryptCommand({ KeyId: aliasArn, Plaintext: Buffer.from("x") })), denied("Encrypt"));
  await refuses(other.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: "AES_256" })), denied("GenerateDataKey"));
  await refuses(other.send(new DisableKeyCommand({ KeyId: key.Arn })), denied("DisableKey"));
  await refuses(other.send(new DescribeKeyCommand({ KeyId: key.KeyId })), {
    name: "NotFoundException", message: `Key 'arn:aws:kms:${REGION}:${OTHER}:key/${key.KeyId}' does not exist`,
  });
  assert.equal((await owner.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState, "Enabled");
});

test("another account cannot decrypt or re-encrypt a ciphertext", async () => {
  const key = (await owner.send(new CreateKeyCommand({}))).KeyMetadata!;
  const mine = (await other.send(new CreateKeyCommand({}))).KeyMetadata!;
  const { CiphertextBlob } = await owner.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from("owner only") }));
  await refuses(other.send(new DecryptCommand({ CiphertextBlob })), { name: "InvalidCiphertextException" });
  await refuses(other.send(new ReEncryptCommand({ CiphertextBlob, DestinationKeyId: mine.KeyId })), { name: "InvalidCiphertextException" });
  assert.equal(Buffer.from((await owner.send(new DecryptCommand({ CiphertextBlob }))).Plaintext!).toString(), "owner only");
});

test("Secrets Manager cannot use another account's key", async () => {
  const key = (await owner.send(new CreateKeyCommand({}))).KeyMetadata!;
  const sm = m.secrets(REGION, as(OTHER));
  const refusal = { name: "AccessDeniedException", message: "Access to KMS is not allowed" };
  await refuses(sm.send(new CreateSecretCommand({ Name: `x-${randomUUID()}`, SecretString: "v", KmsKeyId: key.Arn })), refusal);
  const { ARN } = await sm.send(new CreateSecretCommand({ Name: `x-${randomUUID()}`, SecretString: "v" }));
  await refuses(sm.send(new UpdateSecretCommand({ SecretId: ARN, KmsKeyId: key.Arn })), refusal);
});
