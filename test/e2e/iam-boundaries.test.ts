// Permissions boundaries and session policies through @aws-sdk/client-iam, client-sts and
// client-secrets-manager: a boundary caps what a user's or role's policies grant, AssumeRole's
// session policies cap what the session may do, both sealed into every later decision, with AWS's
// denial messages; the IAM calls that set boundaries and the refusals around them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserPermissionsBoundaryCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  ListRolesCommand,
  ListUsersCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, type AssumeRoleCommandInput } from "@aws-sdk/client-sts";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { makeUser } from "./authz-support.js";
import { allow, deny, destroyClients, iamAs, policy, secretsAs, sessionCredentials, stsAs, trust, type Credentials } from "./iam-support.js";

const GET = "secretsmanager:GetSecretValue";
const DESCRIBE = "secretsmanager:DescribeSecret";
const ANYTHING = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

let m: TestServer;
let iam: IAMClient;
/** a managed policy allowing only GetSecretValue, the boundary of the tests */
let readOnly: string;
let dev: Credentials & { arn: string };
/** app/db as the callers name it: a refusal names what was asked for */
const namedArn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:app/db`;

const userArn = (name: string) => `arn:aws:iam::${ACCOUNT_ID}:user/${name}`;
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT_ID}:role/${name}`;
const sessionArn = (role: string, session: string) => `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role}/${session}`;

async function managedPolicy(name: string, document: string): Promise<string> {
  return (await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document }))).Policy!.Arn!;
}

/** A role `dev` may assume, allowed everything by its own policy, with a boundary when given. */
async function makeRole(name: string, boundary?: string): Promise<void> {
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(dev.arn), PermissionsBoundary: boundary }));
  await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "all", PolicyDocument: JSON.stringify(ANYTHING) }));
}

async function assume(role: string, extra: Partial<AssumeRoleCommandInput> = {}) {
  const out = await stsAs(m, dev).send(new AssumeRoleCommand({ RoleArn: roleArn(role), RoleSessionName: "s1", ...extra }));
  return { out, sm: secretsAs(m, sessionCredentials(out.Credentials)) };
}

/** "User: <who> is not authorized to perform: <action> on resource: <what> because no <type> allows the <action> action" */
const denial = (who: string, action: string, type: string) =>
  new RegExp(`^User: ${who} is not authorized to perform: ${action} on resource: \\S+ because no ${type} allows the ${action} action$`);

before(async () => {
  m = await startMeridian();
  iam = iamAs(m, ADMIN);
  await m.secrets().send(new CreateSecretCommand({ Name: "app/db", SecretString: "s3cr3t" }));
  readOnly = await managedPolicy("read-only-boundary", policy(allow(GET)));
  dev = await makeUser(iam, "dev", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] });
});

after(async () => {
  destroyClients();
  await m.stop();
});

test("a user's boundary caps an allow-everything policy: GetSecretValue works, CreateSecret and IAM calls are denied naming the boundary", async () => {
  const bounded = await makeUser(iam, "bounded-admin", ANYTHING);
  await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: "bounded-admin", PermissionsBoundary: readOnly }));
  const sm = secretsAs(m, bounded);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");
  await refuses(sm.send(new CreateSecretCommand({ Name: "app/new", SecretString: "x" })), {
    name: "AccessDeniedException",
    message: denial(userArn("bounded-admin"), "secretsmanager:CreateSecret", "permissions boundary"),
  });
  await refuses(iamAs(m, bounded).send(new CreateUserCommand({ UserName: "escalated" })), {
    name: "AccessDenied",
    message: `User: ${userArn("bounded-admin")} is not authorized to perform: iam:CreateUser on resource: ${userArn("escalated")} because no permissions boundary allows the iam:CreateUser action`,
    status: 403,
  });

  // Taking the boundary away applies to the very next request, and so does setting it again.
  await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: "bounded-admin" }));
  await sm.send(new CreateSecretCommand({ Name: "app/new", SecretString: "x" }));
  await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: "bounded-admin", PermissionsBoundary: readOnly }));
  await refuses(sm.send(new DescribeSecretCommand({ SecretId: "app/new" })), { name: "AccessDeniedException", message: denial(userArn("bounded-admin"), DESCRIBE, "permissions boundary") });
});

test("CreateUser and CreateRole with PermissionsBoundary: GetUser/GetRole show it, the lists leave it out, GetPolicy counts it", async () => {
  const user = (await iam.send(new CreateUserCommand({ UserName: "born-bounded", PermissionsBoundary: readOnly }))).User!;
  // The model's one value, and what IAM writes (its documentation's prose says "Policy").
  const attached = { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: readOnly };
  assert.deepEqual(user.PermissionsBoundary, attached);
  assert.deepEqual((await iam.send(new GetUserCommand({ UserName: "born-bounded" }))).User!.PermissionsBoundary, attached);
  const listed = (await iam.send(new ListUsersCommand({}))).Users!.find((u) => u.UserName === "born-bounded")!;
  assert.equal(listed.PermissionsBoundary, undefined);

  await iam.send(new CreateRoleCommand({ RoleName: "born-bounded-role", AssumeRolePolicyDocument: trust(dev.arn), PermissionsBoundary: readOnly }));
  assert.deepEqual((await iam.send(new GetRoleCommand({ RoleName: "born-bounded-role" }))).Role!.PermissionsBoundary, attached);
  const role = (await iam.send(new ListRolesCommand({}))).Roles!.find((r) => r.RoleName === "born-bounded-role")!;
  assert.equal(role.PermissionsBoundary, undefined);

  const counted = (await iam.send(new GetPolicyCommand({ PolicyArn: readOnly }))).Policy!;
  assert.equal(counted.AttachmentCount, 0);
  assert.ok(counted.PermissionsBoundaryUsageCount! >= 2, `usage count ${counted.PermissionsBoundaryUsageCount}`);
});

test("boundary refusals: a policy that does not exist or is AWS managed (NoSuchEntity, nothing created), an unknown user or role", async () => {
  const missing = `arn:aws:iam::${ACCOUNT_ID}:policy/no-such-policy`;
  const awsManaged = "arn:aws:iam::aws:policy/AdministratorAccess";
  for (const arn of [missing, awsManaged]) {
    await refuses(iam.send(new CreateUserCommand({ UserName: "never", PermissionsBoundary: arn })), {
      name: "NoSuchEntityException",
      message: `Policy ${arn} does not exist or is not attachable.`,
      status: 404,
    });
    await refuses(iam.send(new CreateRoleCommand({ RoleName: "never", AssumeRolePolicyDocument: trust(dev.arn), PermissionsBoundary: arn })), {
      name: "NoSuchEntityException",
      status: 404,
    });
    await refuses(iam.send(new PutUserPermissionsBoundaryCommand({ UserName: "dev", PermissionsBoundary: arn })), { name: "NoSuchEntityException", status: 404 });
  }
  await refuses(iam.send(new GetUserCommand({ UserName: "never" })), { name: "NoSuchEntityException", status: 404 });
  await refuses(iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: "nobody", PermissionsBoundary: readOnly })), {
    name: "NoSuchEntityException",
    message: "The role with name nobody cannot be found.",
    status: 404,
  });
  await refuses(iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: "nobody" })), { name: "NoSuchEntityException", status: 404 });
});

test("DeletePolicy of a policy in use as a boundary: DeleteConflict until no user or role has it", async () => {
  const boundary = await managedPolicy("short-lived-boundary", policy(allow(DESCRIBE)));
  await iam.send(new CreateRoleCommand({ RoleName: "holder", AssumeRolePolicyDocument: trust(dev.arn), PermissionsBoundary: boundary }));
  await refuses(iam.send(new DeletePolicyCommand({ PolicyArn: boundary })), {
    name: "DeleteConflictException",
    message: "Cannot delete a policy attached to entities.",
    status: 409,
  });
  await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: "holder" }));
  assert.equal((await iam.send(new GetRoleCommand({ RoleName: "holder" }))).Role!.PermissionsBoundary, undefined);
  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: boundary }))).Policy!.PermissionsBoundaryUsageCount, 0);
  await iam.send(new DeletePolicyCommand({ PolicyArn: boundary }));
});

test("a role's boundary limits its sessions", async () => {
  await makeRole("capped", readOnly);
  const { sm } = await assume("capped");
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");
  await refuses(sm.send(new DescribeSecretCommand({ SecretId: "app/db" })), {
    name: "AccessDeniedException",
    message: denial(sessionArn("capped", "s1"), DESCRIBE, "permissions boundary"),
  });
});

test("AssumeRole with a session Policy narrower than the role: the temporary credentials are limited by it", async () => {
  await makeRole("wide");
  const narrow = policy(allow(GET));
  const { out, sm } = await assume("wide", { Policy: narrow });
  assert.ok(out.PackedPolicySize! > 0 && out.PackedPolicySize! <= 100, `PackedPolicySize ${out.PackedPolicySize}`);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "s3cr3t");
  await refuses(sm.send(new CreateSecretCommand({ Name: "app/from-session", SecretString: "x" })), {
    name: "AccessDeniedException",
    message: denial(sessionArn("wide", "s1"), "secretsmanager:CreateSecret", "session policy"),
  });
  // Without a session policy the role's own policy decides.
  const plain = await assume("wide");
  assert.equal(plain.out.PackedPolicySize, undefined);
  await plain.sm.send(new CreateSecretCommand({ Name: "app/from-session", SecretString: "x" }));
});

test("AssumeRole with PolicyArns, and an explicit deny in a session policy", async () => {
  const describeOnly = await managedPolicy("describe-only-session", policy(allow(DESCRIBE)));
  const { sm } = await assume("wide", { PolicyArns: [{ arn: describeOnly }] });
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: "app/db" }))).Name, "app/db");
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: "app/db" })), { name: "AccessDeniedException", message: denial(sessionArn("wide", "s1"), GET, "session policy") });

  const { sm: denied } = await assume("wide", { Policy: policy(allow("*"), deny(GET)) });
  await refuses(denied.send(new GetSecretValueCommand({ SecretId: "app/db" })), {
    name: "AccessDeniedException",
    message: `User: ${sessionArn("wide", "s1")} is not authorized to perform: ${GET} on resource: ${namedArn} with an explicit deny in a session policy`,
  });
});

test("same account: a resource policy naming the user or the session grants past the limit, one naming the role does not", async () => {
  await makeRole("limited");
  const named = await makeUser(iam, "named-reader", ANYTHING);
  await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: "named-reader", PermissionsBoundary: readOnly }));
  await m.secrets().send(new CreateSecretCommand({ Name: "app/shared", SecretString: "shared" }));
  const statement = (principal: string) => ({ Effect: "Allow", Principal: { AWS: principal }, Action: DESCRIBE, Resource: "*" });
  const resourcePolicy = policy(statement(userArn("named-reader")), statement(roleArn("limited")), statement(sessionArn("limited", "named")));
  await m.secrets().send(new PutResourcePolicyCommand({ SecretId: "app/shared", ResourcePolicy: resourcePolicy }));

  assert.equal((await secretsAs(m, named).send(new DescribeSecretCommand({ SecretId: "app/shared" }))).Name, "app/shared");
  const viaRole = await assume("limited", { Policy: policy(allow(GET)) });
  await refuses(viaRole.sm.send(new DescribeSecretCommand({ SecretId: "app/shared" })), {
    name: "AccessDeniedException",
    message: denial(sessionArn("limited", "s1"), DESCRIBE, "session policy"),
  });
  const viaSession = await assume("limited", { Policy: policy(allow(GET)), RoleSessionName: "named" });
  assert.equal((await viaSession.sm.send(new DescribeSecretCommand({ SecretId: "app/shared" }))).Name, "app/shared");
});

test("session policy refusals: malformed, too large, more than ten ARNs, an ARN that does not exist", async () => {
  const sts = stsAs(m, dev);
  const call = (extra: Partial<AssumeRoleCommandInput>) => sts.send(new AssumeRoleCommand({ RoleArn: roleArn("wide"), RoleSessionName: "s1", ...extra }));
  await refuses(call({ Policy: "{not json" }), { name: "MalformedPolicyDocumentException" });
  await refuses(call({ Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: GET, Resource: "*" }] }) }), {
    name: "MalformedPolicyDocumentException",
  });
  const actions = Array.from({ length: 120 }, (_, i) => `secretsmanager:Action${i}`);
  await refuses(call({ Policy: policy(allow(actions)) }), {
    name: "PackedPolicyTooLargeException",
    message: /^Packed policy consumes \d+% of allotted space, please use smaller policy\.$/,
  });
  const arn = `arn:aws:iam::${ACCOUNT_ID}:policy/describe-only-session`;
  await refuses(call({ PolicyArns: Array.from({ length: 11 }, () => ({ arn })) }), { name: "ValidationError" });
  const missing = `arn:aws:iam::${ACCOUNT_ID}:policy/no-such-policy`;
  await refuses(call({ PolicyArns: [{ arn: missing }] }), {
    name: "MalformedPolicyDocumentException",
    message: `Policy ${missing} does not exist or is not attachable.`,
  });
});

test("iam:PermissionsBoundary: a delegated administrator may create users only with the required boundary", async () => {
  const delegate = await makeUser(iam, "delegate", {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["iam:CreateUser", "iam:PutUserPermissionsBoundary"], Resource: "*", Condition: { StringEquals: { "iam:PermissionsBoundary": readOnly } } },
    ],
  });
  const asDelegate = iamAs(m, delegate);
  await refuses(asDelegate.send(new CreateUserCommand({ UserName: "free" })), { name: "AccessDenied", status: 403 });
  const made = (await asDelegate.send(new CreateUserCommand({ UserName: "capped-by-delegate", PermissionsBoundary: readOnly }))).User!;
  assert.equal(made.PermissionsBoundary?.PermissionsBoundaryArn, readOnly);
  const other = await managedPolicy("other-boundary", policy(allow(DESCRIBE)));
  await refuses(asDelegate.send(new PutUserPermissionsBoundaryCommand({ UserName: "capped-by-delegate", PermissionsBoundary: other })), {
    name: "AccessDenied",
    status: 403,
  });
});
