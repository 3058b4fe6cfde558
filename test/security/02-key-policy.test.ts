// Item 2 of the security issue: a key policy is enforced as it was accepted, and one that cannot be
// read denies. (a) The aws/secretsmanager key lets the account use it only through Secrets Manager,
// so a wrapped data key read off the disk cannot be decrypted by calling KMS directly; (b) a key
// policy KMS accepts (duplicate Sids, as AWS's own aws/secretsmanager policy has) is enforced as
// written; (c) a stored policy that does not parse denies every use, the root's too, and is logged once.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import Database from "better-sqlite3";
import {
  CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GetKeyPolicyCommand, PutKeyPolicyCommand, type KMSClient,
} from "@aws-sdk/client-kms";
import { CreateSecretCommand, GetSecretValueCommand, PutResourcePolicyCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ACCOUNT_ID, ADMIN, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { allow, iamClient, makeUser, secretsAs } from "../e2e/authz-support.js";
import { kmsClient } from "../e2e/kms-support.js";

const REGION = "us-east-1";
const ROOT = `arn:aws:iam::${ACCOUNT_ID}:root`;

let m: TestServer;
let admin: KMSClient;
before(async () => {
  m = await startMeridian({ regions: [REGION] });
  admin = kmsClient(m);
});
after(() => m.stop());

function storeOf(dataDir: string, readonly = true) {
  return new Database(join(dataDir, `${REGION}.sqlite`), { readonly, fileMustExist: true });
}

const denied = (principal: string, action: string, resource: string) => ({
  name: "AccessDeniedException",
  message: `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no resource-based policy allows the ${action} action`,
});

test("a wrapped data key of a secret under aws/secretsmanager cannot be decrypted by calling KMS directly", async () => {
  const sm = m.secrets(REGION);
  const secret = await sm.send(new CreateSecretCommand({ Name: "payroll/db", SecretString: "hunter2" }));
  const iam = iamClient(m, ADMIN);
  const mallory = await makeUser(iam, "mallory", allow(["kms:Decrypt", "kms:DescribeKey"]));
  const reader = await makeUser(iam, "reader", allow("secretsmanager:GetSecretValue"));

  // Mallory may not read the secret through Secrets Manager...
  await refuses(secretsAs(m, mallory).send(new GetSecretValueCommand({ SecretId: secret.ARN })), { name: "AccessDeniedException" });
  // ...while a caller IAM allows reads it, with no KMS permission of its own (the key policy allows use through Secrets Manager).
  assert.equal((await secretsAs(m, reader).send(new GetSecretValueCommand({ SecretId: secret.ARN }))).SecretString, "hunter2");
  // The same when the secret names the AWS managed key itself (then the key policy is evaluated on the read).
  const named = await sm.send(new CreateSecretCommand({ Name: "payroll/api", SecretString: "s3cret", KmsKeyId: "alias/aws/secretsmanager" }));
  assert.equal((await secretsAs(m, reader).send(new GetSecretValueCommand({ SecretId: named.ARN }))).SecretString, "s3cret");

  // The wrapped data key, as it lies in the Region's store, and the context it was made with.
  const db = storeOf(m.dataDir);
  const row = db.prepare("SELECT version_id, wrapped_key FROM secret_values WHERE arn = ?").get(secret.ARN) as { version_id: string; wrapped_key: Buffer };
  db.close();
  const request = { CiphertextBlob: row.wrapped_key, EncryptionContext: { SecretARN: secret.ARN!, SecretVersionId: row.version_id } };

  const kms = kmsClient(m, REGION, mallory);
  const key = (await kms.send(new DescribeKeyCommand({ KeyId: "alias/aws/secretsmanager" }))).KeyMetadata!;
  await refuses(kms.send(new DecryptCommand(request)), denied(mallory.arn, "kms:Decrypt", key.Arn!));
  // Not even the account's root may use the key outside Secrets Manager.
  await refuses(admin.send(new DecryptCommand(request)), denied(ROOT, "kms:Decrypt", key.Arn!));
  await refuses(admin.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: Buffer.from("x") })), denied(ROOT, "kms:Encrypt", key.Arn!));

  // The policy it enforces is AWS's: use through Secrets Manager of this Region, by this account.
  const policy = JSON.parse((await admin.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: "default" }))).Policy!);
  assert.deepEqual(policy.Statement[0].Condition, {
    StringEquals: { "kms:CallerAccount": ACCOUNT_ID, "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` },
  });
});

/** A key policy: the root administers the key; `statements` follow. */
const keyPolicy = (...statements: object[]) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "Admin", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" }, ...statements],
  });

test("a key policy with duplicate Sids is accepted, as KMS does, and enforced as written", async () => {
  const iam = iamClient(m, ADMIN);
  const user = await makeUser(iam, "dup-sid-user", allow("kms:*"));
  const kms = kmsClient(m, REGION, user);
  const denyDecrypt = { Sid: "Admin", Effect: "Deny", Principal: { AWS: user.arn }, Action: "kms:Decrypt", Resource: "*" };
  const denyEncrypt = { Sid: "Admin", Effect: "Deny", Principal: { AWS: user.arn }, Action: "kms:Encrypt", Resource: "*" };

  const created = (await admin.send(new CreateKeyCommand({ Policy: keyPolicy(denyDecrypt) }))).KeyMetadata!;
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: created.KeyId, Plaintext: Buffer.from("x") }));
  await refuses(kms.send(new DecryptCommand({ CiphertextBlob })), {
    name: "AccessDeniedException",
    message: `User: ${user.arn} is not authorized to perform: kms:Decrypt on resource: ${created.Arn} because no resource-based policy allows the kms:Decrypt action`, // the resource's own policy is never described (item 5)
  });

  await admin.send(new PutKeyPolicyCommand({ KeyId: created.KeyId, PolicyName: "default", Policy: keyPolicy(denyEncrypt) }));
  assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob }))).KeyId, created.Arn);
  await refuses(kms.send(new EncryptCommand({ KeyId: created.KeyId, Plaintext: Buffer.from("x") })), { name: "AccessDeniedException" });
});

test("a stored policy that cannot be parsed denies every use, the root's included, and is logged once", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-corrupt-policy-"));
  try {
    let server = await startMeridian({ dataDir, regions: [REGION] });
    const rootKms = () => kmsClient(server);
    const key = (await rootKms().send(new CreateKeyCommand({}))).KeyMetadata!;
    const sm = server.secrets(REGION);
    const secret = await sm.send(new CreateSecretCommand({ Name: "corrupt/policy", SecretString: "s3cret" }));
    const readers = { Effect: "Allow", Principal: { AWS: ROOT }, Action: "secretsmanager:GetSecretValue", Resource: "*" };
    await sm.send(new PutResourcePolicyCommand({ SecretId: secret.ARN, ResourcePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [readers] }) }));
    const user = await makeUser(iamClient(server, ADMIN), "corrupt-user", allow(["kms:*", "secretsmanager:*"]));
    assert.ok((await rootKms().send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from("x") }))).CiphertextBlob);
    await server.stop();

    // An old or damaged row: the policy text is no longer a policy the grammar accepts.
    const db = storeOf(dataDir, false);
    const unreadable = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}]}';
    const keyRow = db.prepare("SELECT doc FROM kms_keys WHERE arn = ?").get(key.Arn) as { doc: string };
    db.prepare("UPDATE kms_keys SET doc = ? WHERE arn = ?").run(JSON.stringify({ ...JSON.parse(keyRow.doc), policy: unreadable }), key.Arn);
    const secretRow = db.prepare("SELECT doc FROM secrets WHERE arn = ?").get(secret.ARN) as { doc: string };
    db.prepare("UPDATE secrets SET doc = ? WHERE arn = ?").run(JSON.stringify({ ...JSON.parse(secretRow.doc), resourcePolicy: "{not json" }), secret.ARN);
    db.close();

    server = await startMeridian({ dataDir, regions: [REGION] });
    try {
      const explicitDeny = (principal: string, action: string, resource: string) => ({
        name: "AccessDeniedException",
        message: `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no resource-based policy allows the ${action} action`, // worded as item 5 wants
      });
      for (let i = 0; i < 3; i++) {
        await refuses(rootKms().send(new DescribeKeyCommand({ KeyId: key.KeyId })), explicitDeny(ROOT, "kms:DescribeKey", key.Arn!));
        await refuses(rootKms().send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from("x") })), explicitDeny(ROOT, "kms:Encrypt", key.Arn!));
        await refuses(kmsClient(server, REGION, user).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from("x") })), { name: "AccessDeniedException" });
        await refuses(server.secrets(REGION).send(new GetSecretValueCommand({ SecretId: secret.ARN })), explicitDeny(ROOT, "secretsmanager:GetSecretValue", secret.ARN!));
        await refuses(secretsAs(server, user).send(new GetSecretValueCommand({ SecretId: secret.ARN })), { name: "AccessDeniedException" });
      }
      const about = (arn: string) => server.logs.filter((l) => l.includes(arn) && /cannot be parsed/.test(l));
      assert.equal(about(key.Arn!).length, 1, server.logs.join("\n"));
      assert.equal(about(secret.ARN!).length, 1, server.logs.join("\n"));
      assert.match(about(key.Arn!)[0]!, /"level":"error"/);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
