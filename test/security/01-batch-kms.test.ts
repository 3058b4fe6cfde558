// Issue 10, item 1: BatchGetSecretValue decides each secret exactly as GetSecretValue does, the
// customer managed key's policy included. A user the key policy denies kms:Decrypt, and another
// account's user whom the secret's resource policy lets read but the key policy does not, are
// refused by GetSecretValue; the batch, by SecretIdList and by Filters, reports the same refusal
// in its Errors list and returns no value.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  type BatchGetSecretValueCommandOutput,
} from "@aws-sdk/client-secrets-manager";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { allow, iamClient, makeUser, secretsAs, type Credentials } from "../e2e/authz-support.js";

const OTHER_ACCOUNT = "222222222222";
const OTHER_ROOT = { accessKeyId: "AKIAMERIDIANOTHERACC", secretAccessKey: "other-account-secret-access-key-0123456789" };
const KMS_REFUSAL = { name: "AccessDeniedException", message: "Access to KMS is not allowed" };

let m: TestServer;
let dan: Credentials & { arn: string };
let olga: Credentials & { arn: string };
let lockedArn: string;
let openArn: string;

before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
  const iam = iamClient(m, ADMIN);
  // Dan's own policies let him read any secret and decrypt with any key: only the key policy stops him.
  dan = await makeUser(iam, "dan", allow(["secretsmanager:*", "kms:Decrypt"]));
  iam.destroy();
  await m.server.host.identity.partition("aws")!.createAccount(OTHER_ACCOUNT, OTHER_ROOT);
  const otherIam = iamClient(m, OTHER_ROOT);
  olga = await makeUser(otherIam, "olga", allow(["secretsmanager:*", "kms:Decrypt"]));
  otherIam.destroy();

  // The key's policy enables IAM policies in its own account, denies Dan decryption, and says
  // nothing of the other account.
  const kms = new KMSClient({ endpoint: m.url, region: "us-east-1", credentials: ADMIN, maxAttempts: 1 });
  const keyPolicy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "EnableIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: "kms:*", Resource: "*" },
      { Sid: "NotDan", Effect: "Deny", Principal: { AWS: dan.arn }, Action: "kms:Decrypt", Resource: "*" },
    ],
  };
  const key = (await kms.send(new CreateKeyCommand({ Policy: JSON.stringify(keyPolicy) }))).KeyMetadata!;
  kms.destroy();

  const admin = m.secrets();
  lockedArn = (await admin.send(new CreateSecretCommand({ Name: "locked/db", SecretString: "locked-plaintext", KmsKeyId: key.Arn }))).ARN!;
  openArn = (await admin.send(new CreateSecretCommand({ Name: "locked-not/readable", SecretString: "open-value" }))).ARN!;
  // The secret itself lets the other account read it; only the key stands in the way.
  const grant = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: "secretsmanager:GetSecretValue", Resource: "*" }],
  };
  await admin.send(new PutResourcePolicyCommand({ SecretId: lockedArn, ResourcePolicy: JSON.stringify(grant) }));
});

after(() => m.stop());

/** The batch returned nothing of the locked secret, and reported it as GetSecretValue refuses it. */
function refusedInBatch(out: BatchGetSecretValueCommandOutput, secretId: string) {
  assert.equal(JSON.stringify(out).includes("locked-plaintext"), false, "the locked secret's value was returned");
  assert.deepEqual(out.Errors, [{ SecretId: secretId, ErrorCode: KMS_REFUSAL.name, Message: KMS_REFUSAL.message }]);
}

test("a user the key policy denies kms:Decrypt gets no value from GetSecretValue or from the batch", async () => {
  const sm = secretsAs(m, dan);
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: "locked/db" })), KMS_REFUSAL);

  const byIds = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ["locked/db", openArn] }));
  refusedInBatch(byIds, "locked/db");
  // The rest of the batch is still answered.
  assert.deepEqual(byIds.SecretValues!.map((v) => [v.ARN, v.SecretString]), [[openArn, "open-value"]]);

  const byFilter = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: "name", Values: ["locked/"] }] }));
  refusedInBatch(byFilter, lockedArn);
  assert.deepEqual(byFilter.SecretValues, []);
  sm.destroy();
});

test("another account's user the key policy does not grant gets no value from GetSecretValue or from the batch", async () => {
  const sm = secretsAs(m, olga);
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: lockedArn })), KMS_REFUSAL);
  refusedInBatch(await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [lockedArn] })), lockedArn);
  sm.destroy();
});

test("by filters the batch needs secretsmanager:ListSecrets too, as on AWS", async () => {
  const iam = iamClient(m, ADMIN);
  const noList = await makeUser(iam, "no-list", allow(["secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue"]));
  iam.destroy();
  const sm = secretsAs(m, noList);
  await refuses(sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: "name", Values: ["locked-not/"] }] })), {
    name: "AccessDeniedException",
    message: `User: ${noList.arn} is not authorized to perform: secretsmanager:ListSecrets because no identity-based policy allows the secretsmanager:ListSecrets action`,
  });
  // By ids it needs no ListSecrets.
  const out = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [openArn] }));
  assert.deepEqual(out.SecretValues!.map((v) => v.SecretString), ["open-value"]);
  sm.destroy();
});
