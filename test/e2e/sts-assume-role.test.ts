// Roles and temporary credentials through @aws-sdk/client-iam and client-sts: CreateRole with its
// trust policy, AssumeRole decided by that trust policy (and, for an account named in it, by the
// caller's own policies; across accounts by both), the session's credentials signing STS and
// Secrets Manager calls until they expire, GetSessionToken, and STS's refusals.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from "@aws-sdk/client-sts";
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { allow, atClock, destroyClients, iamAs, policy, secretsAs, sessionCredentials, stsAs, trust, type Credentials } from "./iam-support.js";

const OTHER_ACCOUNT = "222222222222";
const OTHER_ROOT = { accessKeyId: "AKIASTSTESTOTHERROOT", secretAccessKey: "other-root-secret-access-key-0123456789" };
const HOUR = 3600_000;
// The clock starts at the real time, so clients sign correctly until a test moves it.
const clock = { t: Date.now(), now: () => clock.t };

let m: TestServer;
let iam: IAMClient;
let dev: Credentials & { arn: string };
let ops: Credentials & { arn: string };

const roleArn = (name: string, account = ACCOUNT_ID) => `arn:aws:iam::${account}:role/${name}`;

async function makeUser(client: IAMClient, name: string, identityPolicy?: string) {
  const user = (await client.send(new CreateUserCommand({ UserName: name }))).User!;
  if (identityPolicy) await client.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "p", PolicyDocument: identityPolicy }));
  const key = (await client.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!, arn: user.Arn! };
}

const assume = (credentials: Credentials, RoleArn: string, extra: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}) =>
  stsAs(m, credentials).send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "session-1", ...extra }));

before(async () => {
  m = await startMeridian({ clock, regions: ["us-east-1", "eu-west-1"] });
  iam = iamAs(m, ADMIN);
  await m.secrets().send(new CreateSecretCommand({ Name: "app/db", SecretString: "s3cr3t" }));
  dev = await makeUser(iam, "dev"); // no policy of its own
  ops = await makeUser(iam, "ops", policy(allow("sts:AssumeRole", "arn:aws:iam::*:role/*")));
  await iam.send(new CreateRoleCommand({ RoleName: "reader", AssumeRolePolicyDocument: trust(dev.arn), Description: "reads app/db" }));
  await iam.send(new PutRolePolicyCommand({ RoleName: "reader", PolicyName: "read", PolicyDocument: policy(allow("secretsmanager:GetSecretValue")) }));
});

after(async () => {
  destroyClients();
  await m.stop();
});

test("CreateRole, GetRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy: the trust policy comes back URL-encoded", async () => {
  const doc = trust(ACCOUNT_ID);
  const created = (await iam.send(new CreateRoleCommand({ RoleName: "svc", Path: "/service/", AssumeRolePolicyDocument: doc, Tags: [{ Key: "team", Value: "blue" }] }))).Role!;
  assert.equal(created.Arn, `arn:aws:iam::${ACCOUNT_ID}:role/service/svc`);
  assert.match(created.RoleId!, /^AROA[A-Z2-7]{16}$/);
  assert.equal(created.AssumeRolePolicyDocument, encodeURIComponent(doc));
  const got = (await iam.send(new GetRoleCommand({ RoleName: "svc" }))).Role!;
  assert.equal(got.MaxSessionDuration, 3600);
  assert.deepEqual(got.Tags, [{ Key: "team", Value: "blue" }]);
  assert.deepEqual(JSON.parse(decodeURIComponent(got.AssumeRolePolicyDocument!)), JSON.parse(doc));

  await iam.send(new UpdateRoleCommand({ RoleName: "svc", Description: "a service", MaxSessionDuration: 7200 }));
  const updated = (await iam.send(new GetRoleCommand({ RoleName: "svc" }))).Role!;
  assert.deepEqual([updated.Description, updated.MaxSessionDuration], ["a service", 7200]);
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "svc", PolicyDocument: trust(ops.arn) }));
  assert.equal(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: "svc" }))).Role!.AssumeRolePolicyDocument!), trust(ops.arn));

  await iam.send(new TagRoleCommand({ RoleName: "svc", Tags: [{ Key: "env", Value: "prod" }] }));
  await iam.send(new UntagRoleCommand({ RoleName: "svc", TagKeys: ["team"] }));
  assert.deepEqual((await iam.send(new ListRoleTagsCommand({ RoleName: "svc" }))).Tags, [{ Key: "env", Value: "prod" }]);
  assert.deepEqual((await iam.send(new ListRolesCommand({ PathPrefix: "/service/" }))).Roles!.map((r) => r.RoleName), ["svc"]);
  assert.deepEqual((await iam.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName), ["reader", "svc"]);
});

test("role refusals: a malformed trust policy, a duplicate name, an unknown role, a role with policies", async () => {
  const noPrincipal = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole" }] });
  await refuses(iam.send(new CreateRoleCommand({ RoleName: "bad", AssumeRolePolicyDocument: noPrincipal })), {
    name: "MalformedPolicyDocumentException",
    message: "Missing required field Principal",
  });
  const withResource = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ACCOUNT_ID }, Action: "sts:AssumeRole", Resource: "*" }] });
  await refuses(iam.send(new CreateRoleCommand({ RoleName: "bad", AssumeRolePolicyDocument: withResource })), {
    name: "MalformedPolicyDocumentException",
    message: "Has prohibited field Resource.",
  });
  await refuses(iam.send(new CreateRoleCommand({ RoleName: "READER", AssumeRolePolicyDocument: trust(ACCOUNT_ID) })), {
    name: "EntityAlreadyExistsException",
    message: "Role with name READER already exists.",
    status: 409,
  });
  await refuses(iam.send(new CreateRoleCommand({ RoleName: "short", AssumeRolePolicyDocument: trust(ACCOUNT_ID), MaxSessionDuration: 60 })), {
    name: "ValidationError",
    message: "1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
  });
  await refuses(iam.send(new GetRoleCommand({ RoleName: "nobody" })), { name: "NoSuchEntityException", message: "The role with name nobody cannot be found.", status: 404 });
  await refuses(iam.send(new DeleteRoleCommand({ RoleName: "reader" })), { name: "DeleteConflictException", message: "Cannot delete entity, must delete policies first.", status: 409 });
  await refuses(iam.send(new GetRoleCommand({ RoleName: "bad" })), { name: "NoSuchEntityException", status: 404 });
});

test("AssumeRole by the user the trust policy names: credentials that act as the role", async () => {
  const before = clock.now();
  const assumed = await assume(dev, roleArn("reader"));
  const c = assumed.Credentials!;
  assert.match(c.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
  assert.ok(c.SecretAccessKey && c.SessionToken);
  const expected = Math.floor(before / 1000) * 1000 + HOUR;
  assert.ok(Math.abs(c.Expiration!.getTime() - expected) <= 1000, `Expiration ${c.Expiration!.toISOString()}`);
  const role = (await iam.send(new GetRoleCommand({ RoleName: "reader" }))).Role!;
  assert.equal(assumed.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT_ID}:assumed-role/reader/session-1`);
  assert.equal(assumed.AssumedRoleUser!.AssumedRoleId, `${role.RoleId}:session-1`);

  const session = sessionCredentials(c);
  const identity = await stsAs(m, session).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([identity.Account, identity.Arn, identity.UserId], [ACCOUNT_ID, assumed.AssumedRoleUser!.Arn, `${role.RoleId}:session-1`]);

  const sm = secretsAs(m, session);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");
  await refuses(sm.send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: "x" })), {
    name: "AccessDeniedException",
    message: new RegExp(`^User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/reader/session-1 is not authorized to perform: secretsmanager:PutSecretValue on resource: arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:app/db because`),
  });
  // The role's policies are read at each call: removing them takes effect on the live session.
  await iam.send(new DeleteRolePolicyCommand({ RoleName: "reader", PolicyName: "read" }));
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: "app/db" })), { name: "AccessDeniedException" });
  await iam.send(new PutRolePolicyCommand({ RoleName: "reader", PolicyName: "read", PolicyDocument: policy(allow("secretsmanager:GetSecretValue")) }));
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");
});

test("AssumeRole refused: not in the trust policy, no such role, the root user (AccessDenied, 403)", async () => {
  await refuses(assume(ops, roleArn("reader")), {
    name: "AccessDenied",
    message: `User: ${ops.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn("reader")} because no resource-based policy allows the sts:AssumeRole action`,
    status: 403,
  });
  await refuses(assume(dev, roleArn("missing")), {
    name: "AccessDenied",
    message: new RegExp(`^User: ${dev.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn("missing")}`),
    status: 403,
  });
  await refuses(assume(ADMIN, roleArn("reader")), { name: "AccessDenied", message: "Roles may not be assumed by root accounts.", status: 403 });
  await refuses(assume(dev, roleArn("reader"), { RoleSessionName: "x" }), {
    name: "ValidationError",
    message: "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
  });
});

test("a trust policy naming the account leaves the decision to the caller's own policies", async () => {
  await iam.send(new CreateRoleCommand({ RoleName: "delegated", AssumeRolePolicyDocument: trust(`arn:aws:iam::${ACCOUNT_ID}:root`) }));
  await refuses(assume(dev, roleArn("delegated")), {
    name: "AccessDenied",
    message: `User: ${dev.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn("delegated")} because no identity-based policy allows the sts:AssumeRole action`,
    status: 403,
  });
  const assumed = await assume(ops, roleArn("delegated"));
  assert.equal(assumed.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT_ID}:assumed-role/delegated/session-1`);
});

test("conditions of the trust policy: sts:RoleSessionName, sts:ExternalId; session tags need sts:TagSession", async () => {
  const conditional = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: dev.arn }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "ext-42" }, StringLike: { "sts:RoleSessionName": "ci-*" } } }],
  });
  await iam.send(new CreateRoleCommand({ RoleName: "ci", AssumeRolePolicyDocument: conditional }));
  await refuses(assume(dev, roleArn("ci"), { RoleSessionName: "ci-1" }), { name: "AccessDenied", status: 403 });
  await refuses(assume(dev, roleArn("ci"), { RoleSessionName: "laptop", ExternalId: "ext-42" }), { name: "AccessDenied", status: 403 });
  assert.ok((await assume(dev, roleArn("ci"), { RoleSessionName: "ci-1", ExternalId: "ext-42" })).Credentials);

  const tags = [{ Key: "project", Value: "apollo" }];
  await refuses(assume(dev, roleArn("reader"), { Tags: tags }), { name: "AccessDenied", message: new RegExp(`sts:TagSession on resource: ${roleArn("reader")}`), status: 403 });
  const tagging = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: dev.arn }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
  await iam.send(new CreateRoleCommand({ RoleName: "tagged", AssumeRolePolicyDocument: tagging }));
  // The session's tags are its aws:PrincipalTag/* keys.
  const byTag = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/project": "apollo" } } }],
  });
  await iam.send(new PutRolePolicyCommand({ RoleName: "tagged", PolicyName: "by-tag", PolicyDocument: byTag }));
  const withTag = sessionCredentials((await assume(dev, roleArn("tagged"), { Tags: tags })).Credentials);
  assert.equal((await secretsAs(m, withTag).send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");
  const without = sessionCredentials((await assume(dev, roleArn("tagged"))).Credentials);
  await refuses(secretsAs(m, without).send(new GetSecretValueCommand({ SecretId: "app/db" })), { name: "AccessDeniedException" });
});

test("DurationSeconds: 900 up to the role's MaxSessionDuration, an hour at most when a role session assumes a role", async () => {
  await refuses(assume(dev, roleArn("reader"), { DurationSeconds: 7200 }), {
    name: "ValidationError",
    message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
  });
  await refuses(assume(dev, roleArn("reader"), { DurationSeconds: 60 }), {
    name: "ValidationError",
    message: "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
  });
  await iam.send(new CreateRoleCommand({ RoleName: "long", AssumeRolePolicyDocument: trust(dev.arn, roleArn("reader")), MaxSessionDuration: 7200 }));
  const long = await assume(dev, roleArn("long"), { DurationSeconds: 7200 });
  assert.ok(Math.abs(long.Credentials!.Expiration!.getTime() - clock.now() - 2 * HOUR) <= 1000);

  // Role chaining: the reader session assumes "long", which trusts the reader role.
  const reader = sessionCredentials((await assume(dev, roleArn("reader"))).Credentials);
  await refuses(assume(reader, roleArn("long"), { DurationSeconds: 7200 }), {
    name: "ValidationError",
    message: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
  });
  const chained = await assume(reader, roleArn("long"), { RoleSessionName: "chained" });
  assert.equal(chained.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT_ID}:assumed-role/long/chained`);
});

test("across accounts: the role's trust policy names the other account, and the caller's policies must allow too", async () => {
  await m.server.host.identity.partition("aws")!.createAccount(OTHER_ACCOUNT, OTHER_ROOT);
  const otherIam = iamAs(m, OTHER_ROOT);
  await otherIam.send(new CreateRoleCommand({ RoleName: "partner", AssumeRolePolicyDocument: trust(ACCOUNT_ID) }));
  await otherIam.send(new PutRolePolicyCommand({ RoleName: "partner", PolicyName: "p", PolicyDocument: policy(allow("secretsmanager:*")) }));

  await refuses(assume(dev, roleArn("partner", OTHER_ACCOUNT)), {
    name: "AccessDenied",
    message: `User: ${dev.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn("partner", OTHER_ACCOUNT)} because no identity-based policy allows the sts:AssumeRole action`,
    status: 403,
  });
  const assumed = await assume(ops, roleArn("partner", OTHER_ACCOUNT));
  const session = sessionCredentials(assumed.Credentials);
  const identity = await stsAs(m, session).send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Account, OTHER_ACCOUNT);
  assert.equal(identity.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/partner/session-1`);
  // The session works in the role's account: its secrets, not the first account's.
  const sm = secretsAs(m, session);
  await sm.send(new CreateSecretCommand({ Name: "partner/secret", SecretString: "theirs" }));
  assert.equal((await secretsAs(m, OTHER_ROOT).send(new GetSecretValueCommand({ SecretId: "partner/secret" }))).SecretString, "theirs");
});

test("GetSessionToken: a user's own temporary credentials (12 hours by default), the root's one hour at most; not from a session", async () => {
  const issued = (await stsAs(m, ops).send(new GetSessionTokenCommand({}))).Credentials!;
  assert.match(issued.AccessKeyId!, /^ASIA/);
  assert.ok(Math.abs(issued.Expiration!.getTime() - clock.now() - 12 * HOUR) <= 1000);
  const session = sessionCredentials(issued);
  assert.equal((await stsAs(m, session).send(new GetCallerIdentityCommand({}))).Arn, ops.arn);
  // It acts as the user: ops may assume roles, and nothing else.
  assert.ok((await assume(session, roleArn("delegated"))).Credentials);
  await refuses(secretsAs(m, session).send(new GetSecretValueCommand({ SecretId: "app/db" })), { name: "AccessDeniedException" });

  const root = (await stsAs(m, ADMIN).send(new GetSessionTokenCommand({ DurationSeconds: 7200 }))).Credentials!;
  assert.ok(Math.abs(root.Expiration!.getTime() - clock.now() - HOUR) <= 1000);
  assert.equal((await stsAs(m, sessionCredentials(root)).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCOUNT_ID}:root`);

  // Neither a session of GetSessionToken's own nor a role session may ask for another.
  await refuses(stsAs(m, session).send(new GetSessionTokenCommand({})), {
    name: "AccessDenied",
    message: "Cannot call GetSessionToken with session credentials",
    status: 403,
  });
  const roleSession = sessionCredentials((await assume(dev, roleArn("reader"))).Credentials);
  await refuses(stsAs(m, roleSession).send(new GetSessionTokenCommand({})), {
    name: "AccessDenied",
    message: "Cannot call GetSessionToken with session credentials",
    status: 403,
  });
  await refuses(stsAs(m, ops).send(new GetSessionTokenCommand({ DurationSeconds: 200_000 })), {
    name: "ValidationError",
    message: "1 validation error detected: Value '200000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
  });
});

test("GetCallerIdentity: the root user, an IAM user; needs no permission", async () => {
  const root = await stsAs(m, ADMIN).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([root.Account, root.Arn, root.UserId], [ACCOUNT_ID, `arn:aws:iam::${ACCOUNT_ID}:root`, ACCOUNT_ID]);
  const user = await stsAs(m, dev).send(new GetCallerIdentityCommand({}));
  assert.equal(user.Arn, dev.arn);
  assert.match(user.UserId!, /^AIDA/);
  // Signed for any Region of the partition, STS answers the same.
  assert.equal((await stsAs(m, dev, "eu-west-1").send(new GetCallerIdentityCommand({}))).Arn, dev.arn);
});

test("an expired session is refused: ExpiredTokenException by Secrets Manager, ExpiredToken by STS", async () => {
  const session = sessionCredentials((await assume(dev, roleArn("reader"))).Credentials);
  const sm = atClock(secretsAs(m, session), clock);
  const sts = atClock(stsAs(m, session), clock);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");

  clock.t += HOUR - 2000;
  assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${ACCOUNT_ID}:assumed-role/reader/session-1`);
  clock.t += 2000;
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: "app/db" })), {
    name: "ExpiredTokenException",
    message: "The security token included in the request is expired",
  });
  await refuses(sts.send(new GetCallerIdentityCommand({})), { name: "ExpiredToken", message: "The security token included in the request is expired", status: 403 });
  // Long-term keys are not affected.
  assert.equal((await atClock(stsAs(m, dev), clock).send(new GetCallerIdentityCommand({}))).Arn, dev.arn);
});
