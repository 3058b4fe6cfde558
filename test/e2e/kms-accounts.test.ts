// Keys belong to one account, and their key policy decides who else may use them. Under the default
// key policy, naming another account's key by ARN or alias ARN gets the AccessDeniedException the
// key policy gives, its id alone names nothing, its ciphertexts do not decrypt, and Secrets Manager
// cannot use it. A key policy naming the other account opens the cryptographic operations (and
// DescribeKey) to it, never the management ones. Accounts come from permissive mode (a 12-digit
// access key id names the account; each is its account's root).

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
  // A refusal names the key as the caller did: an alias by its own ARN, never the key behind it.
  const denied = (action: string, resource = key.Arn) => ({
    name: "AccessDeniedException",
    message: `User: arn:aws:iam::${OTHER}:root is not authorized to perform: kms:${action} on resource: ${resource} because no resource-based policy allows the kms:${action} action`,
  });
  await refuses(other.send(new DescribeKeyCommand({ KeyId: key.Arn })), denied("DescribeKey"));
  await refuses(other.send(new EncryptCommand({ KeyId: aliasArn, Plaintext: Buffer.from("x") })), denied("Encrypt", aliasArn));
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

test("a key policy naming another account lets it encrypt and decrypt, naming the key, and manage nothing", async () => {
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OWNER}:root` }, Action: "kms:*", Resource: "*" },
      { Sid: "Partner", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:DisableKey"], Resource: "*" },
    ],
  };
  const key = (await owner.send(new CreateKeyCommand({ Policy: JSON.stringify(policy) }))).KeyMetadata!;
  assert.equal((await other.send(new DescribeKeyCommand({ KeyId: key.Arn }))).KeyMetadata!.Arn, key.Arn);
  const { CiphertextBlob, KeyId } = await other.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: Buffer.from("for the partner") }));
  assert.equal(KeyId, key.Arn);
  const plain = await other.send(new DecryptCommand({ CiphertextBlob, KeyId: key.Arn }));
  assert.equal(Buffer.from(plain.Plaintext!).toString(), "for the partner");
  assert.equal(Buffer.from((await owner.send(new DecryptCommand({ CiphertextBlob }))).Plaintext!).toString(), "for the partner");
  // GenerateDataKey is not in the policy; DisableKey is, but is no operation on another account's key.
  await refuses(other.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: "AES_256" })), {
    name: "AccessDeniedException",
    message: `User: arn:aws:iam::${OTHER}:root is not authorized to perform: kms:GenerateDataKey on resource: ${key.Arn} because no resource-based policy allows the kms:GenerateDataKey action`,
  });
  await refuses(other.send(new DisableKeyCommand({ KeyId: key.Arn })), { name: "AccessDeniedException" });
  assert.equal((await owner.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState, "Enabled");
});
