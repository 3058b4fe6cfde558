// Customer managed policies with versions, inline policies, attaching and detaching, through
// @aws-sdk/client-iam: IAM's answers and refusals (DeleteConflict, LimitExceeded, MalformedPolicyDocument,
// NoSuchEntity), documents returned URL-encoded, and each change taking effect on the next call.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteGroupPolicyCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
  DeleteUserCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { CreateSecretCommand, GetSecretValueCommand, DescribeSecretCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { allow, deny, destroyClients, iamAs, policy, secretsAs, trust } from "./iam-support.js";

let m: TestServer;
let iam: IAMClient;
let sm: SecretsManagerClient;

const read = policy(allow("secretsmanager:GetSecretValue"));
const describe = policy(allow("secretsmanager:DescribeSecret"));
const policyArn = (name: string, path = "/") => `arn:aws:iam::${ACCOUNT_ID}:policy${path}${name}`;

before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
  iam = iamAs(m, ADMIN);
  await m.secrets().send(new CreateSecretCommand({ Name: "app/db", SecretString: "s3cr3t" }));
  await iam.send(new CreateUserCommand({ UserName: "carl" }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "carl" }))).AccessKey!;
  sm = secretsAs(m, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
});

after(async () => {
  destroyClients();
  await m.stop();
});

const canRead = async () => {
  try {
    await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }));
    return true;
  } catch (e) {
    assert.equal((e as Error).name, "AccessDeniedException");
    return false;
  }
};

test("CreatePolicy, GetPolicy, ListPolicies; names unique in the account", async () => {
  const created = (await iam.send(new CreatePolicyCommand({ PolicyName: "read-secrets", Path: "/app/", PolicyDocument: read, Description: "reads", Tags: [{ Key: "k", Value: "v" }] }))).Policy!;
  assert.equal(created.Arn, policyArn("read-secrets", "/app/"));
  assert.match(created.PolicyId!, /^ANPA[A-Z2-7]{16}$/);
  assert.equal(created.DefaultVersionId, "v1");
  assert.equal(created.AttachmentCount, 0);
  assert.equal(created.IsAttachable, true);
  assert.deepEqual(created.Tags, [{ Key: "k", Value: "v" }]);

  const got = (await iam.send(new GetPolicyCommand({ PolicyArn: created.Arn }))).Policy!;
  assert.equal(got.Description, "reads");
  assert.equal(got.PolicyName, "read-secrets");
  await refuses(iam.send(new CreatePolicyCommand({ PolicyName: "read-secrets", PolicyDocument: read })), {
    name: "EntityAlreadyExistsException",
    message: "A policy called read-secrets already exists. Duplicate names are not allowed.",
    status: 409,
  });
  await refuses(iam.send(new GetPolicyCommand({ PolicyArn: policyArn("nothing") })), {
    name: "NoSuchEntityException",
    message: `Policy ${policyArn("nothing")} was not found.`,
    status: 404,
  });
  assert.deepEqual((await iam.send(new ListPoliciesCommand({ Scope: "Local" }))).Policies!.map((p) => p.PolicyName), ["read-secrets"]);
  assert.deepEqual((await iam.send(new ListPoliciesCommand({ Scope: "AWS" }))).Policies, []);
  assert.deepEqual((await iam.send(new ListPoliciesCommand({ OnlyAttached: true }))).Policies, []);
});

test("refusals of a document: MalformedPolicyDocument with IAM's words, LimitExceeded past 6144 characters not counting white space", async () => {
  await refuses(iam.send(new CreatePolicyCommand({ PolicyName: "bad", PolicyDocument: "{not json" })), { name: "MalformedPolicyDocumentException", message: "Syntax errors in policy." });
  await refuses(iam.send(new CreatePolicyCommand({ PolicyName: "bad", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*" }] }) })), {
    name: "MalformedPolicyDocumentException",
    message: "Policy statement must contain resources.",
  });
  await refuses(iam.send(new CreatePolicyCommand({ PolicyName: "bad", PolicyDocument: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) })), {
    name: "MalformedPolicyDocumentException",
    message: "Policy document must be version 2012-10-17 or greater.",
  });
  const resources = Array.from({ length: 300 }, (_, i) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:s${i}`);
  const big = policy(allow("secretsmanager:GetSecretValue", resources));
  assert.ok(big.length > 6144);
  await refuses(iam.send(new CreatePolicyCommand({ PolicyName: "big", PolicyDocument: big })), { name: "LimitExceededException", message: "Cannot exceed quota for PolicySize: 6144", status: 409 });
  // White space is not counted: a small document padded past the quota is accepted.
  const padded = read.replace(/,/g, "," + " ".repeat(3000));
  assert.ok(padded.length > 6144);
  await iam.send(new CreatePolicyCommand({ PolicyName: "padded", PolicyDocument: padded }));
  await iam.send(new DeletePolicyCommand({ PolicyArn: policyArn("padded") }));
  // Nothing was stored by the refused calls.
  assert.deepEqual((await iam.send(new ListPoliciesCommand({}))).Policies!.map((p) => p.PolicyName), ["read-secrets"]);
});

test("versions: at most five, SetAsDefault, SetDefaultPolicyVersion, the default cannot be deleted; documents URL-encoded", async () => {
  await iam.send(new CreatePolicyCommand({ PolicyName: "versioned", PolicyDocument: describe }));
  const arn = policyArn("versioned");
  const v2 = (await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: read }))).PolicyVersion!;
  assert.deepEqual([v2.VersionId, v2.IsDefaultVersion, v2.Document], ["v2", false, undefined]);
  const v3 = (await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: read, SetAsDefault: true }))).PolicyVersion!;
  assert.deepEqual([v3.VersionId, v3.IsDefaultVersion], ["v3", true]);
  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.DefaultVersionId, "v3");
  for (let i = 0; i < 2; i++) await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: describe }));
  await refuses(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: describe })), {
    name: "LimitExceededException",
    message: "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
    status: 409,
  });
  const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!;
  assert.deepEqual(versions.map((v) => [v.VersionId, v.IsDefaultVersion]), [["v5", false], ["v4", false], ["v3", true], ["v2", false], ["v1", false]]);

  const v1 = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" }))).PolicyVersion!;
  assert.equal(v1.Document, encodeURIComponent(describe));
  assert.deepEqual(JSON.parse(decodeURIComponent(v1.Document!)), JSON.parse(describe));
  await refuses(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v9" })), { name: "NoSuchEntityException", status: 404 });

  await refuses(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: "v3" })), { name: "DeleteConflictException", message: "Cannot delete the default version of a policy.", status: 409 });
  await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" }));
  await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: "v3" }));
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: read }));
  assert.deepEqual((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!.map((v) => v.VersionId), ["v6", "v5", "v4", "v2", "v1"]);

  await refuses(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), { name: "DeleteConflictException", status: 409 });
  for (const v of ["v2", "v4", "v5", "v6"]) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
  await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  await refuses(iam.send(new GetPolicyCommand({ PolicyArn: arn })), { name: "NoSuchEntityException", status: 404 });
});

test("attaching: the policy takes effect at once, its default version decides, detaching revokes; attached policies cannot be deleted", async () => {
  assert.equal(await canRead(), false);
  await iam.send(new CreatePolicyCommand({ PolicyName: "switch", PolicyDocument: read }));
  const arn = policyArn("switch");
  await iam.send(new AttachUserPolicyCommand({ UserName: "carl", PolicyArn: arn }));
  assert.equal(await canRead(), true);
  assert.deepEqual((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "carl" }))).AttachedPolicies, [{ PolicyName: "switch", PolicyArn: arn }]);
  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount, 1);
  assert.deepEqual((await iam.send(new ListPoliciesCommand({ OnlyAttached: true }))).Policies!.map((p) => p.PolicyName), ["switch"]);

  // A new default version that denies wins at once; back to v1, allowed again.
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policy(deny("secretsmanager:*")), SetAsDefault: true }));
  assert.equal(await canRead(), false);
  await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" }));
  assert.equal(await canRead(), true);

  await refuses(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), { name: "DeleteConflictException", message: "Cannot delete a policy attached to entities.", status: 409 });
  // A user with no access keys but a policy attached cannot be deleted either.
  await iam.send(new CreateUserCommand({ UserName: "keyless" }));
  await iam.send(new AttachUserPolicyCommand({ UserName: "keyless", PolicyArn: arn }));
  await refuses(iam.send(new DeleteUserCommand({ UserName: "keyless" })), { name: "DeleteConflictException", message: "Cannot delete entity, must detach all policies first.", status: 409 });
  await iam.send(new DetachUserPolicyCommand({ UserName: "keyless", PolicyArn: arn }));
  await iam.send(new DetachUserPolicyCommand({ UserName: "carl", PolicyArn: arn }));
  assert.equal(await canRead(), false);
  await refuses(iam.send(new DetachUserPolicyCommand({ UserName: "carl", PolicyArn: arn })), { name: "NoSuchEntityException", message: `Policy ${arn} was not found.`, status: 404 });
  const missing = policyArn("missing");
  await refuses(iam.send(new AttachUserPolicyCommand({ UserName: "carl", PolicyArn: missing })), {
    name: "NoSuchEntityException",
    message: `Policy ${missing} does not exist or is not attachable.`,
    status: 404,
  });
  await refuses(iam.send(new AttachUserPolicyCommand({ UserName: "carl", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })), { name: "NoSuchEntityException", status: 404 });
});

test("a group's policies reach its members", async () => {
  await iam.send(new CreateGroupCommand({ GroupName: "readers" }));
  await iam.send(new AddUserToGroupCommand({ GroupName: "readers", UserName: "carl" }));
  assert.equal(await canRead(), false);
  await iam.send(new PutGroupPolicyCommand({ GroupName: "readers", PolicyName: "inline-read", PolicyDocument: read }));
  assert.equal(await canRead(), true);
  assert.deepEqual((await iam.send(new ListGroupPoliciesCommand({ GroupName: "readers" }))).PolicyNames, ["inline-read"]);
  assert.equal((await iam.send(new GetGroupPolicyCommand({ GroupName: "readers", PolicyName: "inline-read" }))).PolicyDocument, encodeURIComponent(read));
  await iam.send(new DeleteGroupPolicyCommand({ GroupName: "readers", PolicyName: "inline-read" }));
  assert.equal(await canRead(), false);

  await iam.send(new AttachGroupPolicyCommand({ GroupName: "readers", PolicyArn: policyArn("switch") }));
  assert.equal(await canRead(), true);
  assert.deepEqual((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: "readers" }))).AttachedPolicies!.map((p) => p.PolicyName), ["switch"]);
  await iam.send(new DetachGroupPolicyCommand({ GroupName: "readers", PolicyArn: policyArn("switch") }));
  assert.equal(await canRead(), false);
});

test("inline policies of users: put replaces, get returns it URL-encoded, list, delete; an explicit deny wins", async () => {
  await iam.send(new PutUserPolicyCommand({ UserName: "carl", PolicyName: "mine", PolicyDocument: describe }));
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: "app/db" })), { name: "AccessDeniedException" });
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: "app/db" }))).Name, "app/db");
  await iam.send(new PutUserPolicyCommand({ UserName: "carl", PolicyName: "mine", PolicyDocument: read }));
  assert.equal(await canRead(), true);
  const got = await iam.send(new GetUserPolicyCommand({ UserName: "carl", PolicyName: "mine" }));
  assert.deepEqual([got.UserName, got.PolicyName, decodeURIComponent(got.PolicyDocument!)], ["carl", "mine", read]);

  await iam.send(new PutUserPolicyCommand({ UserName: "carl", PolicyName: "deny-all", PolicyDocument: policy(deny("*")) }));
  assert.equal(await canRead(), false);
  assert.deepEqual((await iam.send(new ListUserPoliciesCommand({ UserName: "carl" }))).PolicyNames, ["deny-all", "mine"]);
  await iam.send(new DeleteUserPolicyCommand({ UserName: "carl", PolicyName: "deny-all" }));
  assert.equal(await canRead(), true);

  await refuses(iam.send(new GetUserPolicyCommand({ UserName: "carl", PolicyName: "none" })), {
    name: "NoSuchEntityException",
    message: "The user policy with name none cannot be found.",
    status: 404,
  });
  await refuses(iam.send(new PutUserPolicyCommand({ UserName: "nobody", PolicyName: "p", PolicyDocument: read })), {
    name: "NoSuchEntityException",
    message: "The user with name nobody cannot be found.",
    status: 404,
  });
  await iam.send(new PutUserPolicyCommand({ UserName: "keyless", PolicyName: "inline", PolicyDocument: read }));
  await refuses(iam.send(new DeleteUserCommand({ UserName: "keyless" })), { name: "DeleteConflictException", message: "Cannot delete entity, must delete policies first.", status: 409 });
  await iam.send(new DeleteUserPolicyCommand({ UserName: "keyless", PolicyName: "inline" }));
  await iam.send(new DeleteUserCommand({ UserName: "keyless" }));
  await iam.send(new DeleteUserPolicyCommand({ UserName: "carl", PolicyName: "mine" }));
});

test("inline quotas are per entity, all its inline policies together: user 2048, group 5120, role 10240", async () => {
  const sized = (n: number) => policy({ Sid: "x".repeat(n), ...allow("secretsmanager:DescribeSecret") });
  const size = (text: string) => text.replace(/\s/g, "").length;
  const half = sized(1200);
  assert.ok(size(half) < 2048 && size(half) * 2 > 2048);
  await iam.send(new PutUserPolicyCommand({ UserName: "carl", PolicyName: "one", PolicyDocument: half }));
  await refuses(iam.send(new PutUserPolicyCommand({ UserName: "carl", PolicyName: "two", PolicyDocument: half })), {
    name: "LimitExceededException",
    message: "Maximum policy size of 2048 bytes exceeded for user carl",
    status: 409,
  });
  // Replacing the same policy counts it once.
  await iam.send(new PutUserPolicyCommand({ UserName: "carl", PolicyName: "one", PolicyDocument: half }));
  await iam.send(new DeleteUserPolicyCommand({ UserName: "carl", PolicyName: "one" }));

  await iam.send(new CreateGroupCommand({ GroupName: "big" }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: "big", PolicyName: "a", PolicyDocument: sized(4900) }));
  await refuses(iam.send(new PutGroupPolicyCommand({ GroupName: "big", PolicyName: "b", PolicyDocument: sized(100) })), {
    name: "LimitExceededException",
    message: "Maximum policy size of 5120 bytes exceeded for group big",
    status: 409,
  });

  await iam.send(new CreateRoleCommand({ RoleName: "worker", AssumeRolePolicyDocument: trust(ACCOUNT_ID) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: "worker", PolicyName: "a", PolicyDocument: sized(4900) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: "worker", PolicyName: "b", PolicyDocument: sized(4900) }));
  await refuses(iam.send(new PutRolePolicyCommand({ RoleName: "worker", PolicyName: "c", PolicyDocument: sized(300) })), {
    name: "LimitExceededException",
    message: "Maximum policy size of 10240 bytes exceeded for role worker",
    status: 409,
  });
  assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: "worker" }))).PolicyNames, ["a", "b"]);
  assert.equal(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: "worker", PolicyName: "a" }))).PolicyDocument!), sized(4900));
  await iam.send(new DeleteRolePolicyCommand({ RoleName: "worker", PolicyName: "b" }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: "worker", PolicyArn: policyArn("switch") }));
  assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "worker" }))).AttachedPolicies!.map((p) => p.PolicyArn), [policyArn("switch")]);
  await iam.send(new DetachRolePolicyCommand({ RoleName: "worker", PolicyArn: policyArn("switch") }));
  await refuses(iam.send(new PutRolePolicyCommand({ RoleName: "worker", PolicyName: "bad", PolicyDocument: trust(ACCOUNT_ID) })), {
    name: "MalformedPolicyDocumentException",
    message: "Policy document should not specify a principal.",
  });
});

test("ten managed policies per user at most", async () => {
  for (let i = 0; i < 10; i++) {
    await iam.send(new CreatePolicyCommand({ PolicyName: `p${i}`, PolicyDocument: describe }));
    await iam.send(new AttachUserPolicyCommand({ UserName: "carl", PolicyArn: policyArn(`p${i}`) }));
  }
  await iam.send(new CreatePolicyCommand({ PolicyName: "p10", PolicyDocument: describe }));
  await refuses(iam.send(new AttachUserPolicyCommand({ UserName: "carl", PolicyArn: policyArn("p10") })), {
    name: "LimitExceededException",
    message: "Cannot exceed quota for PoliciesPerUser: 10",
    status: 409,
  });
});
