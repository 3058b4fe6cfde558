// Who may do what, end to end (issue 5): two users of one account and one of another, made through
// the IAM API, reaching secrets through the SDK and the aws CLI. Identity policies, resource
// policies, explicit denies, cross-account access, and AWS's AccessDenied messages.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  BatchGetSecretValueCommand,
} from "@aws-sdk/client-secrets-manager";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { startMeridian, ADMIN, ACCOUNT_ID, cliPath, storeEnv, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";
import { awsCliMissing, emptyAwsHome, run, runProgram } from "../support/aws-cli.js";
import { allow, iamClient, makeUser, secretsAs, type Credentials } from "./authz-support.js";
import { waitFor } from "../support/wait-for.js";
import type { CloudTrailEvent } from "../../src/contract/audit-records.js";

const OTHER_ACCOUNT = "222222222222";
const OTHER_ROOT = { accessKeyId: "AKIAMERIDIANOTHERACC", secretAccessKey: "other-account-secret-access-key-0123456789" };

let m: TestServer;
let alice: Credentials & { arn: string };
let bob: Credentials & { arn: string };
let carol: Credentials & { arn: string };
let eve: Credentials & { arn: string };
let teamArn: string;
/** team/db as the callers name it: a refusal names the secret as asked for, never by its suffixed ARN */
const teamNamed = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:team/db`;
let sharedArn: string;

const denied = (who: string, action: string, resource: string, why = `because no identity-based policy allows the ${action} action`) =>
  `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`;

before(async () => {
  m = await startMeridian();
  const admin = m.secrets();
  teamArn = (await admin.send(new CreateSecretCommand({ Name: "team/db", SecretString: "team-password" }))).ARN!;
  await admin.send(new CreateSecretCommand({ Name: "private/root-only", SecretString: "root-only" }));
  // A secret another account may read: under a customer managed key, as AWS requires for that.
  const kms = new KMSClient({ endpoint: m.url, region: "us-east-1", credentials: ADMIN, maxAttempts: 1 });
  // Its key policy lets the other account decrypt (its IAM policies decide who there may).
  const keyPolicy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: "kms:*", Resource: "*" },
      { Sid: "Other account decrypts", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: "kms:Decrypt", Resource: "*" },
    ],
  };
  const key = await kms.send(new CreateKeyCommand({ Policy: JSON.stringify(keyPolicy) }));
  kms.destroy();
  sharedArn = (await admin.send(new CreateSecretCommand({ Name: "shared/feed", SecretString: "shared-value", KmsKeyId: key.KeyMetadata!.Arn }))).ARN!;

  const iam = iamClient(m, ADMIN);
  alice = await makeUser(iam, "alice", allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], `arn:aws:secretsmanager:*:${ACCOUNT_ID}:secret:team/*`));
  bob = await makeUser(iam, "bob");
  iam.destroy();

  // The other account, its root, and carol, who may read any secret as far as her account is concerned.
  await m.server.host.identity.partition("aws")!.createAccount(OTHER_ACCOUNT, OTHER_ROOT);
  const otherIam = iamClient(m, OTHER_ROOT);
  carol = await makeUser(otherIam, "carol", allow("secretsmanager:GetSecretValue"));
  eve = await makeUser(otherIam, "eve", allow("secretsmanager:GetSecretValue"));
  await otherIam.send(new PutUserPolicyCommand({ UserName: "carol", PolicyName: "decrypt", PolicyDocument: JSON.stringify(allow("kms:Decrypt")) }));
  otherIam.destroy();
});

after(() => m.stop());

test("an identity policy allows a user exactly what it names", async () => {
  const sm = secretsAs(m, alice);
  const value = await sm.send(new GetSecretValueCommand({ SecretId: "team/db" }));
  assert.equal(value.SecretString, "team-password");
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: teamArn }))).Name, "team/db");
  await rejects(
    sm.send(new PutSecretValueCommand({ SecretId: "team/db", SecretString: "changed" })),
    "AccessDeniedException",
    denied(alice.arn, "secretsmanager:PutSecretValue", teamNamed),
  );
  const rootOnly = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:private/root-only`;
  const err = await sm.send(new GetSecretValueCommand({ SecretId: "private/root-only" })).catch((e) => e);
  assert.equal(err.name, "AccessDeniedException");
  assert.match(err.message, new RegExp(`^User: ${alice.arn} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${rootOnly} because`));
  await rejects(sm.send(new ListSecretsCommand({})), "AccessDeniedException", `User: ${alice.arn} is not authorized to perform: secretsmanager:ListSecrets because no identity-based policy allows the secretsmanager:ListSecrets action`);
  // Nothing was changed by the refused write.
  assert.equal((await m.secrets().send(new GetSecretValueCommand({ SecretId: "team/db" }))).SecretString, "team-password");
  sm.destroy();
});

test("a user without policies may do nothing, and a missing secret is not told apart from a forbidden one", async () => {
  const sm = secretsAs(m, bob);
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: "team/db" })), "AccessDeniedException", denied(bob.arn, "secretsmanager:GetSecretValue", teamNamed));
  const missing = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:no/such`;
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: "no/such" })), "AccessDeniedException", denied(bob.arn, "secretsmanager:GetSecretValue", missing));
  await rejects(sm.send(new CreateSecretCommand({ Name: "bob/own", SecretString: "x" })), "AccessDeniedException",
    denied(bob.arn, "secretsmanager:CreateSecret", `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:bob/own`));
  sm.destroy();
});

test("a resource policy grants within the account, and an explicit deny anywhere wins", async () => {
  const admin = m.secrets();
  const sm = secretsAs(m, bob);
  const grant = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: bob.arn }, Action: "secretsmanager:GetSecretValue", Resource: "*" }] };
  await admin.send(new PutResourcePolicyCommand({ SecretId: "team/db", ResourcePolicy: JSON.stringify(grant) }));
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "team/db" }))).SecretString, "team-password");

  // Alice's identity policy allows her; a Deny in the secret's policy overrides it (the refusal
  // does not describe the policy of a secret she may not read).
  const withDeny = { Version: "2012-10-17", Statement: [...grant.Statement, { Effect: "Deny", Principal: { AWS: alice.arn }, Action: "secretsmanager:*", Resource: "*" }] };
  await admin.send(new PutResourcePolicyCommand({ SecretId: "team/db", ResourcePolicy: JSON.stringify(withDeny) }));
  await rejects(secretsAs(m, alice).send(new GetSecretValueCommand({ SecretId: "team/db" })), "AccessDeniedException",
    denied(alice.arn, "secretsmanager:GetSecretValue", teamNamed, "because no resource-based policy allows the secretsmanager:GetSecretValue action"));
  await admin.send(new DeleteResourcePolicyCommand({ SecretId: "team/db" }));
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: "team/db" })), "AccessDeniedException", denied(bob.arn, "secretsmanager:GetSecretValue", teamNamed));

  // An explicit deny in an identity policy beats the allow beside it.
  const iam = iamClient(m, ADMIN);
  const denyPrevious = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "secretsmanager:VersionStage": "AWSPREVIOUS" } } }],
  };
  await iam.send(new PutUserPolicyCommand({ UserName: "alice", PolicyName: "no-previous", PolicyDocument: JSON.stringify(denyPrevious) }));
  iam.destroy();
  const asAlice = secretsAs(m, alice);
  assert.equal((await asAlice.send(new GetSecretValueCommand({ SecretId: "team/db" }))).SecretString, "team-password");
  await rejects(asAlice.send(new GetSecretValueCommand({ SecretId: "team/db", VersionStage: "AWSPREVIOUS" })), "AccessDeniedException",
    denied(alice.arn, "secretsmanager:GetSecretValue", teamNamed, "with an explicit deny in an identity-based policy"));
});

test("across accounts both the identity policy and the secret's resource policy must allow", async () => {
  const sm = secretsAs(m, carol);
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: sharedArn })), "AccessDeniedException",
    denied(carol.arn, "secretsmanager:GetSecretValue", sharedArn, "because no resource-based policy allows the secretsmanager:GetSecretValue action"));
  const grant = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: "secretsmanager:GetSecretValue", Resource: "*" }] };
  await m.secrets().send(new PutResourcePolicyCommand({ SecretId: sharedArn, ResourcePolicy: JSON.stringify(grant) }));
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: sharedArn }))).SecretString, "shared-value");
  // Eve may read secrets but not decrypt with the key: KMS refuses Secrets Manager on her behalf.
  await rejects(secretsAs(m, eve).send(new GetSecretValueCommand({ SecretId: sharedArn })), "AccessDeniedException", "Access to KMS is not allowed");
  // By name carol names a secret of her own account, which she does not have.
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: "shared/feed" })), "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  // The other account's own root is allowed by its account but not by the secret for other actions.
  await rejects(secretsAs(m, OTHER_ROOT).send(new DescribeSecretCommand({ SecretId: sharedArn })), "AccessDeniedException",
    denied(`arn:aws:iam::${OTHER_ACCOUNT}:root`, "secretsmanager:DescribeSecret", sharedArn, "because no resource-based policy allows the secretsmanager:DescribeSecret action"));
  // A secret under the account's aws/secretsmanager key stays out of reach even with a grant.
  await m.secrets().send(new PutResourcePolicyCommand({ SecretId: "team/db", ResourcePolicy: JSON.stringify(grant) }));
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: teamArn })), "AccessDeniedException", "Access to KMS is not allowed");
  await m.secrets().send(new DeleteResourcePolicyCommand({ SecretId: "team/db" }));
});

test("BatchGetSecretValue returns what the caller may read and an error for the rest", async () => {
  const iam = iamClient(m, ADMIN);
  const policy = allow(["secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue"], ["*"]);
  policy.Statement.push({ Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: `arn:aws:secretsmanager:*:*:secret:private/*` } as never);
  const dave = await makeUser(iam, "dave", policy);
  iam.destroy();
  const out = await secretsAs(m, dave).send(new BatchGetSecretValueCommand({ SecretIdList: ["team/db", "private/root-only"] }));
  assert.deepEqual(out.SecretValues!.map((v) => v.Name), ["team/db"]);
  assert.equal(out.Errors!.length, 1);
  assert.equal(out.Errors![0]!.SecretId, "private/root-only");
  assert.equal(out.Errors![0]!.ErrorCode, "AccessDeniedException");
});

test("the aws CLI is allowed and refused the same way", { skip: awsCliMissing() }, async () => {
  const home = emptyAwsHome(m.url, "us-east-1");
  try {
    const asAlice = { ...home.env, AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
    const ok = await run(["secretsmanager", "get-secret-value", "--secret-id", "team/db", "--query", "SecretString", "--output", "text"], asAlice);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), "team-password");
    const asBob = { ...home.env, AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey };
    const no = await run(["secretsmanager", "get-secret-value", "--secret-id", "team/db"], asBob);
    assert.notEqual(no.code, 0);
    assert.match(no.stderr, /AccessDeniedException/);
    assert.match(no.stderr, new RegExp(`User: ${bob.arn} is not authorized to perform: secretsmanager:GetSecretValue`));
  } finally {
    home.remove();
  }
});

test("a denied call is in the audit trail with its error code, and no secret value is", async () => {
  await rejects(secretsAs(m, bob).send(new GetSecretValueCommand({ SecretId: "team/db", VersionStage: "AWSCURRENT" })), "AccessDeniedException");
  await secretsAs(m, alice).send(new GetSecretValueCommand({ SecretId: "team/db" }));
  // Read-only events are written in batches a few milliseconds apart; ask until they are there.
  const { bobs, alices } = await waitFor(
    async () => {
      const env = { ...process.env, ...(await storeEnv(m.dataDir)) };
      const out = await runProgram(process.execPath, [cliPath, "audit", "--data-dir", m.dataDir, "--json", "--event-name", "GetSecretValue"], env);
      assert.equal(out.code, 0, out.stderr);
      assert.doesNotMatch(out.stdout, /team-password/);
      const events = out.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as CloudTrailEvent);
      const bobs = events.find((e) => e.userIdentity?.userName === "bob" && e.requestParameters?.versionStage === "AWSCURRENT");
      const alices = events.find((e) => e.userIdentity?.userName === "alice" && e.errorCode === undefined);
      return bobs && alices && { bobs, alices };
    },
    { intervalMs: 50, what: "bob's denied call and alice's allowed one in the audit trail" },
  );
  assert.equal(bobs.errorCode, "AccessDeniedException");
  assert.match(bobs.errorMessage!, /is not authorized to perform: secretsmanager:GetSecretValue/);
  assert.equal(bobs.eventSource, "secretsmanager.amazonaws.com");
  assert.equal(bobs.awsRegion, "us-east-1");
  assert.equal(bobs.userIdentity.type, "IAMUser");
  assert.equal(bobs.userIdentity.arn, bob.arn);
  assert.equal(bobs.readOnly, true);
  assert.equal(alices.responseElements, null);
});
