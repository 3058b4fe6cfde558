// The unchanged `aws` CLI speaking IAM and STS to Meridian (skipped when `aws` is not on PATH), and
// `meridian accounts create` making an account whose root credentials then work everywhere.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CreateUserCommand, CreateAccessKeyCommand, ListUsersCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startMeridian, ADMIN, ACCOUNT_ID, cliPath, type TestServer } from "../support/meridian.js";
import { awsCliMissing, emptyAwsHome, run, runProgram, type AwsHome } from "../support/aws-cli.js";
import { destroyClients, iamAs, stsAs } from "./iam-support.js";
import type { CreateAccessKeyResponse, CreateUserResponse, ListUsersResponse } from "../../src/generated/iam-api.js";
import type { AssumeRoleResponse, GetCallerIdentityResponse } from "../../src/generated/sts-api.js";

const skip = awsCliMissing();
let m: TestServer;
let home: AwsHome | undefined;

before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
  if (!skip) home = emptyAwsHome(m.url, "us-east-1");
});

after(async () => {
  destroyClients();
  home?.remove();
  await m.stop();
});

// botocore URL-decodes and parses IAM's policy documents: the CLI prints them as JSON, not strings.
interface CliUserPolicy {
  PolicyDocument: unknown;
}
interface CliCreatedRole {
  Role: { Arn: string; AssumeRolePolicyDocument: unknown };
}

/** `aws <args>` as parsed JSON, typed by the caller as the response it reads. */
async function aws<T>(env: NodeJS.ProcessEnv, ...args: string[]): Promise<T> {
  const r = await run([...args, "--output", "json"], env);
  assert.equal(r.code, 0, `aws ${args.join(" ")} exited with ${r.code}: ${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

test("aws iam and aws sts: users, inline policies (decoded by the CLI), keys, roles, get-caller-identity, assume-role", { skip }, async () => {
  const env = home!.env;
  const user = (await aws<CreateUserResponse>(env, "iam", "create-user", "--user-name", "cli-user", "--tags", "Key=team,Value=blue")).User!;
  assert.equal(user.Arn, `arn:aws:iam::${ACCOUNT_ID}:user/cli-user`);
  const document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] };
  await aws(env, "iam", "put-user-policy", "--user-name", "cli-user", "--policy-name", "assume", "--policy-document", JSON.stringify(document));
  const [listed, inline] = await Promise.all([
    aws<ListUsersResponse>(env, "iam", "list-users"),
    aws<CliUserPolicy>(env, "iam", "get-user-policy", "--user-name", "cli-user", "--policy-name", "assume"),
  ]);
  assert.deepEqual(listed.Users.map((u) => u.UserName), ["cli-user"]);
  // botocore URL-decodes and parses IAM's policy documents: the CLI shows the JSON itself.
  assert.deepEqual(inline.PolicyDocument, document);

  const key = (await aws<CreateAccessKeyResponse>(env, "iam", "create-access-key", "--user-name", "cli-user")).AccessKey;
  const asUser = { ...env, AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: user.Arn }, Action: "sts:AssumeRole" }] };
  const [identity, role] = await Promise.all([
    aws<GetCallerIdentityResponse>(asUser, "sts", "get-caller-identity"),
    aws<CliCreatedRole>(env, "iam", "create-role", "--role-name", "cli-role", "--assume-role-policy-document", JSON.stringify(trust)),
  ]);
  assert.deepEqual(identity, { UserId: user.UserId, Account: ACCOUNT_ID, Arn: user.Arn });
  assert.deepEqual(role.Role.AssumeRolePolicyDocument, trust);

  const assumed = await aws<AssumeRoleResponse>(asUser, "sts", "assume-role", "--role-arn", role.Role.Arn, "--role-session-name", "from-cli");
  const [session, assumedArn] = [assumed.Credentials!, assumed.AssumedRoleUser!.Arn];
  assert.equal(assumedArn, `arn:aws:sts::${ACCOUNT_ID}:assumed-role/cli-role/from-cli`);
  const asRole = {
    ...env,
    AWS_ACCESS_KEY_ID: session.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: session.SecretAccessKey,
    AWS_SESSION_TOKEN: session.SessionToken,
  };
  assert.equal((await aws<GetCallerIdentityResponse>(asRole, "sts", "get-caller-identity")).Arn, assumedArn);

  const missing = await run(["iam", "get-user", "--user-name", "ghost"], env);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /An error occurred \(NoSuchEntity\) when calling the GetUser operation: The user with name ghost cannot be found\./);
  const denied = await run(["iam", "list-users"], asUser);
  assert.match(denied.stderr, /An error occurred \(AccessDenied\) when calling the ListUsers operation: User: arn:aws:iam::111111111111:user\/cli-user is not authorized to perform: iam:ListUsers/);
});

const meridian = (args: string[], env: Record<string, string>) =>
  runProgram(process.execPath, [cliPath, ...args], { PATH: process.env.PATH, ...env });

test("meridian accounts create: a new account and its root key, printed once, working at once", async () => {
  const r = await meridian(["accounts", "create", "--endpoint", m.url], { AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey });
  assert.equal(r.code, 0, r.stderr);
  const accountId = /^Account (\d{12}) created\./m.exec(r.stdout)?.[1];
  const accessKeyId = /^ {2}export AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16})$/m.exec(r.stdout)?.[1];
  const secretAccessKey = /^ {2}export AWS_SECRET_ACCESS_KEY=(\S+)$/m.exec(r.stdout)?.[1];
  assert.ok(accountId && accessKeyId && secretAccessKey, r.stdout);
  assert.notEqual(accountId, ACCOUNT_ID);
  const root = { accessKeyId, secretAccessKey };

  const identity = await stsAs(m, root).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([identity.Account, identity.Arn], [accountId, `arn:aws:iam::${accountId}:root`]);
  // The new account is separate: its root manages its own users and sees no one else's.
  const iam = iamAs(m, root);
  await iam.send(new CreateUserCommand({ UserName: "first" }));
  assert.deepEqual((await iam.send(new ListUsersCommand({}))).Users!.map((u) => u.Arn), [`arn:aws:iam::${accountId}:user/first`]);

  // Options instead of the environment; each call makes another account. Only the operator
  // account may (issue 10): the new account's root may not make more.
  const again = await meridian(["accounts", "create", "--endpoint", m.url, "--access-key-id", ADMIN.accessKeyId, "--secret-access-key", ADMIN.secretAccessKey], {});
  assert.equal(again.code, 0, again.stderr);
  assert.notEqual(/^Account (\d{12})/m.exec(again.stdout)?.[1], accountId);
  const byTenant = await meridian(["accounts", "create", "--endpoint", m.url, "--access-key-id", accessKeyId, "--secret-access-key", secretAccessKey], {});
  assert.equal(byTenant.code, 2);
});

test("meridian accounts create is refused to an operator-account user without meridian:CreateAccount", async () => {
  const iam = iamAs(m, ADMIN);
  await iam.send(new CreateUserCommand({ UserName: "not-root" }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "not-root" }))).AccessKey!;
  const user = await meridian(["accounts", "create", "--endpoint", m.url], { AWS_ACCESS_KEY_ID: key.AccessKeyId!, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey! });
  assert.equal(user.code, 2);
  assert.match(user.stderr, /refused to create an account \(AccessDeniedException: User: arn:aws:iam::111111111111:user\/not-root is not authorized to perform: meridian:CreateAccount because no identity-based policy allows the meridian:CreateAccount action\)/);
  const wrong = await meridian(["accounts", "create", "--endpoint", m.url], { AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: "wrong" });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /\(InvalidSignatureException: The request signature we calculated does not match the signature you provided/);
  const none = await meridian(["accounts", "create", "--endpoint", m.url], {});
  assert.equal(none.code, 2);
  assert.match(none.stderr, /needs an access key of the operator account/);
});
