// Issue 10, item 5: a caller who may not act on a resource cannot tell whether it exists. The same
// question (a secret by name, full ARN or partial ARN, alone or in a batch; a KMS key by id or ARN;
// an alias by name or ARN) gets the same answer — error code, message with its reason, HTTP status
// — while the resource exists, while it is scheduled for deletion, and once it is gone. A caller
// allowed to act on it still gets AWS's not-found answers.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  RestoreSecretCommand,
  UpdateSecretCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, DescribeKeyCommand, EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { allow, iamClient, makeUser, secretsAs, type Credentials } from "../e2e/authz-support.js";
import { kmsClient } from "../e2e/kms-support.js";

const OTHER_ACCOUNT = "222222222222";
const OTHER_ROOT = { accessKeyId: "AKIAMERIDIANOTHERACC", secretAccessKey: "other-account-secret-access-key-0123456789" };
const OTHER_ROOT_ARN = `arn:aws:iam::${OTHER_ACCOUNT}:root`;
const PREFIX = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:`;

let m: TestServer;
/** may call BatchGetSecretValue, nothing else */
let nosy: Credentials & { arn: string };
/** another account's user whose own account lets it do anything in Secrets Manager */
let olga: Credentials & { arn: string };

before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
  const iam = iamClient(m, ADMIN);
  nosy = await makeUser(iam, "nosy", allow("secretsmanager:BatchGetSecretValue"));
  iam.destroy();
  await m.server.host.identity.partition("aws")!.createAccount(OTHER_ACCOUNT, OTHER_ROOT);
  const otherIam = iamClient(m, OTHER_ROOT);
  olga = await makeUser(otherIam, "olga", allow(["secretsmanager:*", "kms:*"]));
  otherIam.destroy();
});

after(() => m.stop());

type Answer = { code?: string; message?: string; status?: number; output?: unknown };

/** What a caller sees: the error (code, message, HTTP status) or the output without its metadata. */
async function answer(call: Promise<{ $metadata: unknown }>): Promise<Answer> {
  try {
    const { $metadata: _, ...output } = await call;
    return { output };
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
}

const denied = (who: string, action: string, resource: string, why = `because no identity-based policy allows the ${action} action`) => ({
  code: "AccessDeniedException",
  message: `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
  status: 400,
});

test("a secret by name, full ARN and partial ARN, alone or in a batch: the same refusal whether it exists or not", async () => {
  const admin = m.secrets();
  const name = `hidden/${randomUUID()}`;
  const { ARN: arn } = await admin.send(new CreateSecretCommand({ Name: name, SecretString: "s3cret" }));
  const partial = `${PREFIX}${name}`;
  // A resource policy the callers must not learn of: it grants another user of the account and
  // denies nosy outright.
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:user/someone-else` }, Action: "secretsmanager:GetSecretValue", Resource: "*" },
      { Effect: "Deny", Principal: { AWS: nosy.arn }, Action: "secretsmanager:DescribeSecret", Resource: "*" },
    ],
  };
  await admin.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: JSON.stringify(policy) }));

  const asNosy = secretsAs(m, nosy);
  const asOlga = secretsAs(m, olga);
  const ask = async (sm: SecretsManagerClient, ids: string[]) => [
    ...(await Promise.all(ids.map((id) => answer(sm.send(new GetSecretValueCommand({ SecretId: id })))))),
    ...(await Promise.all(ids.map((id) => answer(sm.send(new DescribeSecretCommand({ SecretId: id })))))),
  ];
  const askAll = async () => ({
    nosy: await ask(asNosy, [name, arn!, partial]),
    batch: await answer(asNosy.send(new BatchGetSecretValueCommand({ SecretIdList: [name, arn!, partial] }))),
    olga: await ask(asOlga, [arn!, partial]),
  });

  const live = await askAll();
  // Each refusal names what the caller named (a name as the ARN it would have), never the secret's
  // own ARN, and gives the reason the caller's policies give, not the secret's policy.
  const gsv = "secretsmanager:GetSecretValue";
  const ds = "secretsmanager:DescribeSecret";
  assert.deepEqual(live.nosy, [
    denied(nosy.arn, gsv, partial), denied(nosy.arn, gsv, arn!), denied(nosy.arn, gsv, partial),
    denied(nosy.arn, ds, partial), denied(nosy.arn, ds, arn!), denied(nosy.arn, ds, partial),
  ]);
  const crossAccount = (action: string, resource: string) => denied(olga.arn, action, resource, `because no resource-based policy allows the ${action} action`);
  assert.deepEqual(live.olga, [crossAccount(gsv, arn!), crossAccount(gsv, partial), crossAccount(ds, arn!), crossAccount(ds, partial)]);
  assert.deepEqual(live.batch, {
    output: {
      SecretValues: [],
      Errors: [name, arn!, partial].map((id, i) => ({ SecretId: id, ErrorCode: "AccessDeniedException", Message: live.nosy[i]!.message })),
    },
  });

  await admin.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
  assert.deepEqual(await askAll(), live, "scheduled for deletion");
  await admin.send(new RestoreSecretCommand({ SecretId: name }));
  await admin.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  assert.deepEqual(await askAll(), live, "deleted");

  // The account's administrator is told it is gone, in AWS's words.
  await refuses(admin.send(new GetSecretValueCommand({ SecretId: name })), {
    name: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret.",
  });
  const batch = await admin.send(new BatchGetSecretValueCommand({ SecretIdList: [name] }));
  assert.deepEqual(batch.Errors, [{ SecretId: name, ErrorCode: "ResourceNotFoundException", Message: "Secrets Manager can't find the specified secret." }]);
  asNosy.destroy();
  asOlga.destroy();
});

test("a KMS key by id or ARN, an alias by name or ARN: the same refusal whether it exists or not", async () => {
  const kms = kmsClient(m);
  // The key policy enables IAM policies but denies nosy: a denial nosy must not be told about.
  const keyPolicy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "EnableIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: "kms:*", Resource: "*" },
      { Sid: "NotNosy", Effect: "Deny", Principal: { AWS: nosy.arn }, Action: "kms:*", Resource: "*" },
    ],
  };
  const key = (await kms.send(new CreateKeyCommand({ Policy: JSON.stringify(keyPolicy) }))).KeyMetadata!;
  const missingId = randomUUID();
  const missingArn = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/${missingId}`;
  const alias = `alias/hidden-${randomUUID()}`;
  const aliasArn = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:${alias}`;
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));

  const asNosy = kmsClient(m, "us-east-1", nosy);
  const asOther = kmsClient(m, "us-east-1", OTHER_ROOT);
  const ask = async (client: KMSClient, ref: string) => [
    await answer(client.send(new DescribeKeyCommand({ KeyId: ref }))),
    await answer(client.send(new EncryptCommand({ KeyId: ref, Plaintext: Buffer.from("x") }))),
  ];
  const refusals = (who: string, resource: string, why?: (action: string) => string) =>
    ["kms:DescribeKey", "kms:Encrypt"].map((action) => denied(who, action, resource, why?.(action)));
  const crossAccount = (action: string) => `because no resource-based policy allows the ${action} action`;

  // Existing and missing keys, by id and by ARN: the same words about what was named.
  assert.deepEqual(await ask(asNosy, key.KeyId!), refusals(nosy.arn, key.Arn!));
  assert.deepEqual(await ask(asNosy, missingId), refusals(nosy.arn, missingArn));
  assert.deepEqual(await ask(asNosy, key.Arn!), refusals(nosy.arn, key.Arn!));
  assert.deepEqual(await ask(asNosy, missingArn), refusals(nosy.arn, missingArn));
  assert.deepEqual(await ask(asOther, key.Arn!), refusals(OTHER_ROOT_ARN, key.Arn!, crossAccount));
  assert.deepEqual(await ask(asOther, missingArn), refusals(OTHER_ROOT_ARN, missingArn, crossAccount));

  // An alias: phrased on the alias ARN (never the key it points to), before and after it is deleted.
  const aliasAnswers = async () => ({ byName: await ask(asNosy, alias), byArn: await ask(asNosy, aliasArn), other: await ask(asOther, aliasArn) });
  const live = await aliasAnswers();
  assert.deepEqual(live, {
    byName: refusals(nosy.arn, aliasArn),
    byArn: refusals(nosy.arn, aliasArn),
    other: refusals(OTHER_ROOT_ARN, aliasArn, crossAccount),
  });
  await kms.send(new DeleteAliasCommand({ AliasName: alias }));
  assert.deepEqual(await aliasAnswers(), live);

  // The account's administrator is told they are gone, in AWS's words.
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: missingId })), { name: "NotFoundException", message: `Key '${missingArn}' does not exist` });
  await refuses(kms.send(new DescribeKeyCommand({ KeyId: alias })), { name: "NotFoundException", message: `Alias ${aliasArn} is not found.` });
  kms.destroy();
  asNosy.destroy();
  asOther.destroy();
});

test("a key named to Secrets Manager (CreateSecret, UpdateSecret KmsKeyId) by a caller who may not use it: the same refusal whether it exists or not", async () => {
  const kms = kmsClient(m);
  const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  const alias = `alias/named-${randomUUID()}`;
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
  kms.destroy();
  // The maker may create and update secrets, but its policies give it no use of any key.
  const iam = iamClient(m, ADMIN);
  const maker = await makeUser(iam, `maker-${randomUUID().slice(0, 8)}`, allow(["secretsmanager:CreateSecret", "secretsmanager:UpdateSecret"]));
  iam.destroy();
  const sm = secretsAs(m, maker);
  const { ARN: own } = await sm.send(new CreateSecretCommand({ Name: `made/${randomUUID()}`, SecretString: "v" }));
  const kmsRefusal = { code: "AccessDeniedException", message: "Access to KMS is not allowed", status: 400 };
  for (const [existing, missing] of [[key.KeyId!, randomUUID()], [key.Arn!, `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/${randomUUID()}`], [alias, `alias/none-${randomUUID()}`]]) {
    for (const ref of [existing!, missing!]) {
      assert.deepEqual(await answer(sm.send(new CreateSecretCommand({ Name: `made/${randomUUID()}`, SecretString: "v", KmsKeyId: ref }))), kmsRefusal, ref);
      assert.deepEqual(await answer(sm.send(new UpdateSecretCommand({ SecretId: own, KmsKeyId: ref }))), kmsRefusal, ref);
    }
  }
  sm.destroy();
});
