import { test } from "node:test";
import assert from "node:assert/strict";
import { describeKmsAccess } from "./kms-access.js";
import { encodeCiphertext } from "./ciphertext.js";
import { kmsNotFound } from "./kms-errors.js";
import type { KeyRecord } from "../contract/kms-types.js";
import type { CallContext } from "../contract/call-context.js";

const ACCOUNT = "111122223333";
const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const arnOf = (resource: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:${resource}`;
const key: KeyRecord = {
  arn: arnOf(`key/${KEY_ID}`), keyId: KEY_ID, accountId: ACCOUNT, region: "us-east-1", description: "", keyManager: "CUSTOMER", keyState: "Enabled",
  keyUsage: "ENCRYPT_DECRYPT", keySpec: "SYMMETRIC_DEFAULT", creationDate: 0, multiRegion: false, materials: [], rotationEnabled: false,
  tags: [{ TagKey: "team", TagValue: "blue" }],
};
/** The one key, named by its id or by alias/app (as an alias name or ARN). */
const keys = {
  keyArn: (_account: string, keyId: string) => arnOf(`key/${keyId}`),
  aliasArn: (_account: string, alias: string) => arnOf(alias),
  async resolveKey(_account: string, ref: string): Promise<KeyRecord> {
    if (ref !== KEY_ID && !ref.endsWith(":alias/app") && ref !== "alias/app") throw kmsNotFound(ref);
    return key;
  },
};
const ctx: CallContext = { accountId: ACCOUNT, region: "us-east-1", partition: "aws", requestId: "r", principalArn: `arn:aws:iam::${ACCOUNT}:user/alice` };
const describe = describeKmsAccess(keys);

test("CreateKey is decided on no key, with the key it asks for and the tags it sets as condition keys", async () => {
  const [request] = await describe(ctx, "CreateKey", { CustomerMasterKeySpec: "SYMMETRIC_DEFAULT", Tags: [{ TagKey: "env", TagValue: "prod" }] });
  assert.equal(request.resource, "*");
  assert.deepEqual(request.conditions, {
    "kms:CallerAccount": ACCOUNT, "kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyUsage": "ENCRYPT_DECRYPT", "kms:KeyOrigin": "AWS_KMS",
    "kms:MultiRegion": false, "kms:BypassPolicyLockoutSafetyCheck": false, "aws:RequestTag/env": "prod", "aws:TagKeys": ["env"],
  });
});

test("ReEncrypt: ReEncryptFrom on the key the ciphertext names, ReEncryptTo on the destination as named, the source context as condition keys", async () => {
  const blob = encodeCiphertext({ keyId: KEY_ID, materialIndex: 0, iv: Buffer.alloc(12), tag: Buffer.alloc(16), ciphertext: Buffer.alloc(4) });
  const [from, to] = await describe(ctx, "ReEncrypt", {
    CiphertextBlob: blob.toString("base64"), SourceEncryptionContext: { app: "billing" }, DestinationKeyId: "alias/missing",
  });
  assert.deepEqual([from.action, from.resource, from.named?.resource], ["kms:ReEncryptFrom", key.arn, key.arn]);
  assert.deepEqual(from.resourceConditions?.["aws:ResourceTag/team"], "blue");
  assert.deepEqual([to.action, to.resource, to.named], ["kms:ReEncryptTo", arnOf("alias/missing"), undefined]);
  for (const r of [from, to]) {
    assert.equal(r.conditions?.["kms:EncryptionContext:app"], "billing");
    assert.deepEqual(r.conditions?.["kms:EncryptionContextKeys"], ["app"]);
  }
});

test("a key named through an alias is decided on the key, worded on the alias; kms:RequestAlias is the alias", async () => {
  const [request] = await describe(ctx, "Encrypt", { KeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/app`, Plaintext: "AA==" });
  assert.deepEqual([request.resource, request.named?.resource], [key.arn, arnOf("alias/app")]);
  assert.equal(request.conditions?.["kms:RequestAlias"], "alias/app");
});
