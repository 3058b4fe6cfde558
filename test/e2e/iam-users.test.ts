// IAM users, groups, access keys and tags through @aws-sdk/client-iam, as an account's root and as
// the users themselves: what IAM answers, its refusals (code, message, HTTP status), and access keys
// that sign Secrets Manager calls until they are deactivated or deleted.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteUserCommand,
  GetAccessKeyLastUsedCommand,
  GetGroupCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { CreateSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { allow, destroyClients, iamAs, policy, secretsAs } from "./iam-support.js";

let m: TestServer;
let iam: IAMClient;

before(async () => {
  m = await startMeridian({ regions: ["us-east-1", "eu-west-1"] });
  iam = iamAs(m, ADMIN);
  await m.secrets().send(new CreateSecretCommand({ Name: "app/db", SecretString: "s3cr3t" }));
});

after(async () => {
  destroyClients();
  await m.stop();
});

test("CreateUser, GetUser, ListUsers: path, ARN, AIDA id, tags; names are unique whatever their case", async () => {
  const created = (await iam.send(new CreateUserCommand({ UserName: "Alice", Path: "/staff/", Tags: [{ Key: "team", Value: "blue" }] }))).User!;
  assert.equal(created.UserName, "Alice");
  assert.equal(created.Path, "/staff/");
  assert.equal(created.Arn, `arn:aws:iam::${ACCOUNT_ID}:user/staff/Alice`);
  assert.match(created.UserId!, /^AIDA[A-Z2-7]{16}$/);
  assert.ok(created.CreateDate instanceof Date && Math.abs(created.CreateDate.getTime() - Date.now()) < 60_000);
  assert.deepEqual(created.Tags, [{ Key: "team", Value: "blue" }]);

  const got = (await iam.send(new GetUserCommand({ UserName: "Alice" }))).User!;
  assert.deepEqual({ ...got, CreateDate: undefined }, { ...created, CreateDate: undefined });
  // IAM finds a user whatever the case of the name it is given, and refuses a second one.
  assert.equal((await iam.send(new GetUserCommand({ UserName: "alice" }))).User!.UserName, "Alice");
  await refuses(iam.send(new CreateUserCommand({ UserName: "ALICE" })), { name: "EntityAlreadyExistsException", message: "User with name ALICE already exists.", status: 409 });

  await iam.send(new CreateUserCommand({ UserName: "zed" }));
  const listed = await iam.send(new ListUsersCommand({}));
  assert.deepEqual(listed.Users!.map((u) => u.UserName), ["Alice", "zed"]);
  assert.equal(listed.IsTruncated, false);
  assert.equal(listed.Users![0]!.Tags, undefined, "ListUsers leaves tags out, as IAM does");
  assert.deepEqual((await iam.send(new ListUsersCommand({ PathPrefix: "/staff/" }))).Users!.map((u) => u.UserName), ["Alice"]);

  const first = await iam.send(new ListUsersCommand({ MaxItems: 1 }));
  assert.equal(first.IsTruncated, true);
  const second = await iam.send(new ListUsersCommand({ MaxItems: 1, Marker: first.Marker }));
  assert.deepEqual([first.Users![0]!.UserName, second.Users![0]!.UserName, second.IsTruncated], ["Alice", "zed", false]);
  await iam.send(new DeleteUserCommand({ UserName: "zed" }));
});

test("refusals: NoSuchEntity (404), ValidationError from the model (400)", async () => {
  await refuses(iam.send(new GetUserCommand({ UserName: "nobody" })), { name: "NoSuchEntityException", message: "The user with name nobody cannot be found.", status: 404 });
  await refuses(iam.send(new DeleteUserCommand({ UserName: "nobody" })), { name: "NoSuchEntityException", message: "The user with name nobody cannot be found.", status: 404 });
  await refuses(iam.send(new CreateUserCommand({ UserName: "no spaces" })), {
    name: "ValidationError",
    message: "1 validation error detected: Value 'no spaces' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
  });
  await refuses(iam.send(new CreateUserCommand({ UserName: "u", Path: "no-slash" })), {
    name: "ValidationError",
    message: /^1 validation error detected: Value 'no-slash' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern/,
  });
});

test("GetUser without a name is the caller: the root user, or the IAM user whose key signed it", async () => {
  const root = (await iam.send(new GetUserCommand({}))).User!;
  assert.equal(root.Arn, `arn:aws:iam::${ACCOUNT_ID}:root`);
  assert.equal(root.UserId, ACCOUNT_ID);
  assert.equal(root.UserName, undefined);

  await iam.send(new CreateUserCommand({ UserName: "self" }));
  await iam.send(new PutUserPolicyCommand({ UserName: "self", PolicyName: "me", PolicyDocument: policy(allow("iam:GetUser", `arn:aws:iam::${ACCOUNT_ID}:user/self`)) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "self" }))).AccessKey!;
  const asSelf = iamAs(m, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  assert.equal((await asSelf.send(new GetUserCommand({}))).User!.UserName, "self");
  await refuses(asSelf.send(new GetUserCommand({ UserName: "Alice" })), {
    name: "AccessDenied",
    message: `User: arn:aws:iam::${ACCOUNT_ID}:user/self is not authorized to perform: iam:GetUser on resource: arn:aws:iam::${ACCOUNT_ID}:user/staff/Alice because no identity-based policy allows the iam:GetUser action`,
    status: 403,
  });
});

test("access keys: two at most, listed, and the secret shown once", async () => {
  await iam.send(new CreateUserCommand({ UserName: "keys" }));
  const a = (await iam.send(new CreateAccessKeyCommand({ UserName: "keys" }))).AccessKey!;
  assert.match(a.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(a.Status, "Active");
  assert.equal(a.UserName, "keys");
  assert.ok(a.SecretAccessKey!.length >= 40);
  const b = (await iam.send(new CreateAccessKeyCommand({ UserName: "keys" }))).AccessKey!;
  await refuses(iam.send(new CreateAccessKeyCommand({ UserName: "keys" })), {
    name: "LimitExceededException",
    message: "Cannot exceed quota for AccessKeysPerUser: 2",
    status: 409,
  });
  const listed = (await iam.send(new ListAccessKeysCommand({ UserName: "keys" }))).AccessKeyMetadata!;
  assert.deepEqual(listed.map((k) => k.AccessKeyId).sort(), [a.AccessKeyId, b.AccessKeyId].sort());
  assert.ok(listed.every((k) => k.Status === "Active" && k.UserName === "keys" && !("SecretAccessKey" in k)));
  const lastUsed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: a.AccessKeyId }));
  assert.equal(lastUsed.UserName, "keys");
  assert.deepEqual(lastUsed.AccessKeyLastUsed, { ServiceName: "N/A", Region: "N/A" });
  // Once the key signs a request, IAM says when (to the minute), where and for which service.
  const before = Date.now();
  await refuses(secretsAs(m, { accessKeyId: a.AccessKeyId!, secretAccessKey: a.SecretAccessKey! }, "eu-west-1").send(new GetSecretValueCommand({ SecretId: "nothing" })), {
    name: "AccessDeniedException",
  });
  const used = (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: a.AccessKeyId }))).AccessKeyLastUsed!;
  assert.equal(used.ServiceName, "secretsmanager");
  assert.equal(used.Region, "eu-west-1");
  assert.ok(used.LastUsedDate!.getTime() <= Date.now() && used.LastUsedDate!.getTime() > before - 60_000);

  await refuses(iam.send(new DeleteUserCommand({ UserName: "keys" })), { name: "DeleteConflictException", message: "Cannot delete entity, must delete access keys first.", status: 409 });
  await refuses(iam.send(new UpdateAccessKeyCommand({ UserName: "keys", AccessKeyId: "AKIAAAAAAAAAAAAAAAAA", Status: "Inactive" })), {
    name: "NoSuchEntityException",
    message: "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.",
    status: 404,
  });
  for (const k of [a, b]) await iam.send(new DeleteAccessKeyCommand({ UserName: "keys", AccessKeyId: k.AccessKeyId }));
  assert.deepEqual((await iam.send(new ListAccessKeysCommand({ UserName: "keys" }))).AccessKeyMetadata, []);
  await iam.send(new DeleteUserCommand({ UserName: "keys" }));
  await refuses(iam.send(new GetUserCommand({ UserName: "keys" })), { name: "NoSuchEntityException", status: 404 });
});

test("a user's new key signs Secrets Manager calls in every Region; deactivated or deleted, it is refused", async () => {
  await iam.send(new CreateUserCommand({ UserName: "reader" }));
  await iam.send(new PutUserPolicyCommand({ UserName: "reader", PolicyName: "read", PolicyDocument: policy(allow("secretsmanager:GetSecretValue")) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "reader" }))).AccessKey!;
  const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  const sm = secretsAs(m, credentials);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");
  // The key is known in every Region of the partition, not only the home Region where IAM writes.
  await refuses(secretsAs(m, credentials, "eu-west-1").send(new GetSecretValueCommand({ SecretId: "app/db" })), {
    name: "ResourceNotFoundException",
  });

  await iam.send(new UpdateAccessKeyCommand({ UserName: "reader", AccessKeyId: key.AccessKeyId, Status: "Inactive" }));
  assert.equal((await iam.send(new ListAccessKeysCommand({ UserName: "reader" }))).AccessKeyMetadata![0]!.Status, "Inactive");
  const invalid = { name: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: "app/db" })), invalid);

  await iam.send(new UpdateAccessKeyCommand({ UserName: "reader", AccessKeyId: key.AccessKeyId, Status: "Active" }));
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");

  await iam.send(new DeleteAccessKeyCommand({ UserName: "reader", AccessKeyId: key.AccessKeyId }));
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: "app/db" })), invalid);
  // The IAM API refuses it the query protocol's way.
  await refuses(iamAs(m, credentials).send(new GetUserCommand({})), { name: "InvalidClientTokenId", message: invalid.message, status: 403 });
});

test("a user manages its own keys without naming itself", async () => {
  await iam.send(new CreateUserCommand({ UserName: "rotator" }));
  await iam.send(new PutUserPolicyCommand({
    UserName: "rotator",
    PolicyName: "own-keys",
    PolicyDocument: policy(allow(["iam:CreateAccessKey", "iam:ListAccessKeys", "iam:DeleteAccessKey"], "arn:aws:iam::*:user/${aws:username}")),
  }));
  const first = (await iam.send(new CreateAccessKeyCommand({ UserName: "rotator" }))).AccessKey!;
  const self = iamAs(m, { accessKeyId: first.AccessKeyId!, secretAccessKey: first.SecretAccessKey! });
  const second = (await self.send(new CreateAccessKeyCommand({}))).AccessKey!;
  assert.equal(second.UserName, "rotator");
  assert.equal((await self.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.length, 2);
  const next = iamAs(m, { accessKeyId: second.AccessKeyId!, secretAccessKey: second.SecretAccessKey! });
  await next.send(new DeleteAccessKeyCommand({ AccessKeyId: first.AccessKeyId }));
  assert.deepEqual((await next.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.map((k) => k.AccessKeyId), [second.AccessKeyId]);
  await refuses(next.send(new CreateAccessKeyCommand({ UserName: "Alice" })), { name: "AccessDenied", status: 403 });
});

test("groups: members, GetGroup, ListGroupsForUser; a group with members cannot be deleted", async () => {
  const group = (await iam.send(new CreateGroupCommand({ GroupName: "devs", Path: "/eng/" }))).Group!;
  assert.equal(group.Arn, `arn:aws:iam::${ACCOUNT_ID}:group/eng/devs`);
  assert.match(group.GroupId!, /^AGPA[A-Z2-7]{16}$/);
  await refuses(iam.send(new CreateGroupCommand({ GroupName: "Devs" })), { name: "EntityAlreadyExistsException", message: "Group with name Devs already exists.", status: 409 });
  await iam.send(new CreateUserCommand({ UserName: "dana" }));
  await iam.send(new AddUserToGroupCommand({ GroupName: "devs", UserName: "dana" }));
  await iam.send(new AddUserToGroupCommand({ GroupName: "devs", UserName: "dana" })); // again: no change

  const got = await iam.send(new GetGroupCommand({ GroupName: "devs" }));
  assert.equal(got.Group!.GroupName, "devs");
  assert.deepEqual(got.Users!.map((u) => u.UserName), ["dana"]);
  assert.deepEqual((await iam.send(new ListGroupsForUserCommand({ UserName: "dana" }))).Groups!.map((g) => g.GroupName), ["devs"]);
  assert.deepEqual((await iam.send(new ListGroupsCommand({}))).Groups!.map((g) => g.GroupName), ["devs"]);

  await refuses(iam.send(new DeleteGroupCommand({ GroupName: "devs" })), { name: "DeleteConflictException", message: "Cannot delete entity, must remove users from group first.", status: 409 });
  await refuses(iam.send(new DeleteUserCommand({ UserName: "dana" })), { name: "DeleteConflictException", status: 409 });
  await refuses(iam.send(new AddUserToGroupCommand({ GroupName: "nobody-group", UserName: "dana" })), {
    name: "NoSuchEntityException",
    message: "The group with name nobody-group cannot be found.",
    status: 404,
  });
  await iam.send(new RemoveUserFromGroupCommand({ GroupName: "devs", UserName: "dana" }));
  assert.deepEqual((await iam.send(new GetGroupCommand({ GroupName: "devs" }))).Users, []);
  await iam.send(new DeleteGroupCommand({ GroupName: "devs" }));
  await iam.send(new DeleteUserCommand({ UserName: "dana" }));
  assert.deepEqual((await iam.send(new ListGroupsCommand({}))).Groups, []);
});

test("user tags: TagUser replaces a key whatever its case, UntagUser, ListUserTags; tags are aws:PrincipalTag", async () => {
  await iam.send(new CreateUserCommand({ UserName: "tagged", Tags: [{ Key: "team", Value: "red" }] }));
  await iam.send(new TagUserCommand({ UserName: "tagged", Tags: [{ Key: "Team", Value: "blue" }, { Key: "env", Value: "prod" }] }));
  assert.deepEqual((await iam.send(new ListUserTagsCommand({ UserName: "tagged" }))).Tags, [
    { Key: "env", Value: "prod" },
    { Key: "Team", Value: "blue" },
  ]);
  await iam.send(new UntagUserCommand({ UserName: "tagged", TagKeys: ["ENV"] }));
  assert.deepEqual((await iam.send(new GetUserCommand({ UserName: "tagged" }))).User!.Tags, [{ Key: "Team", Value: "blue" }]);

  // A policy keyed on the caller's tag: the user's tags as they are now.
  await iam.send(new PutUserPolicyCommand({
    UserName: "tagged",
    PolicyName: "blue-only",
    PolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/team": "blue" } } }],
    }),
  }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "tagged" }))).AccessKey!;
  const sm = secretsAs(m, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");
  await iam.send(new TagUserCommand({ UserName: "tagged", Tags: [{ Key: "team", Value: "red" }] }));
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: "app/db" })), { name: "AccessDeniedException" });
});
