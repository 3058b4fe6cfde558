// IAM login profiles and the account's password policy through @aws-sdk/client-iam and the `aws`
// CLI: what IAM answers, its refusals, ChangePassword by the user itself, and the password that
// never reaches the store, the log or the audit trail.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ChangePasswordCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { awsCliMissing, emptyAwsHome, run, type AwsHome } from "../support/aws-cli.js";
import { allow, destroyClients, iamAs, policy } from "./iam-support.js";

const PASSWORD = "Correct-Horse-42";
let m: TestServer;
let iam: IAMClient;

before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
  iam = iamAs(m, ADMIN);
});

after(async () => {
  destroyClients();
  await m.stop();
});

test("CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile: IAM's answers and refusals", async () => {
  await iam.send(new CreateUserCommand({ UserName: "carol" }));
  const created = (await iam.send(new CreateLoginProfileCommand({ UserName: "carol", Password: PASSWORD, PasswordResetRequired: true }))).LoginProfile!;
  assert.equal(created.UserName, "carol");
  assert.equal(created.PasswordResetRequired, true);
  assert.ok(created.CreateDate instanceof Date);
  assert.deepEqual((await iam.send(new GetLoginProfileCommand({ UserName: "carol" }))).LoginProfile, created);

  await refuses(iam.send(new CreateLoginProfileCommand({ UserName: "carol", Password: PASSWORD })), {
    name: "EntityAlreadyExistsException", message: "Login Profile for user carol already exists.", status: 409,
  });
  await refuses(iam.send(new CreateLoginProfileCommand({ UserName: "nobody", Password: PASSWORD })), {
    name: "NoSuchEntityException", message: "The user with name nobody cannot be found.", status: 404,
  });
  // IAM's default rules without a policy: at least eight characters, three kinds of character.
  await iam.send(new CreateUserCommand({ UserName: "dave" }));
  await refuses(iam.send(new CreateLoginProfileCommand({ UserName: "dave", Password: "Ab1" })), {
    name: "PasswordPolicyViolationException", message: "Password should have a minimum length of 8",
  });
  await refuses(iam.send(new CreateLoginProfileCommand({ UserName: "dave", Password: "alllowercase" })), {
    name: "PasswordPolicyViolationException", message: /three of the following/,
  });

  await iam.send(new UpdateLoginProfileCommand({ UserName: "carol", PasswordResetRequired: false }));
  assert.equal((await iam.send(new GetLoginProfileCommand({ UserName: "carol" }))).LoginProfile!.PasswordResetRequired, false);
  await refuses(iam.send(new DeleteUserCommand({ UserName: "carol" })), {
    name: "DeleteConflictException", message: "Cannot delete entity, must delete login profile first.", status: 409,
  });
  await iam.send(new DeleteLoginProfileCommand({ UserName: "carol" }));
  await refuses(iam.send(new GetLoginProfileCommand({ UserName: "carol" })), {
    name: "NoSuchEntityException", message: "Login Profile for User carol cannot be found.", status: 404,
  });
  await refuses(iam.send(new UpdateLoginProfileCommand({ UserName: "carol", Password: PASSWORD })), {
    name: "NoSuchEntityException", message: "Login Profile for User carol cannot be found.", status: 404,
  });
  await iam.send(new DeleteUserCommand({ UserName: "carol" }));
});

test("the password policy: defaults for members left out, new passwords checked against it, reuse prevented, deleted", async () => {
  await refuses(iam.send(new GetAccountPasswordPolicyCommand({})), {
    name: "NoSuchEntityException", message: `The Password Policy with domain name ${ACCOUNT_ID} cannot be found.`, status: 404,
  });
  await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12, RequireSymbols: true, RequireNumbers: true, PasswordReusePrevention: 2, AllowUsersToChangePassword: true }));
  assert.deepEqual((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy, {
    MinimumPasswordLength: 12,
    RequireSymbols: true,
    RequireNumbers: true,
    RequireUppercaseCharacters: false,
    RequireLowercaseCharacters: false,
    AllowUsersToChangePassword: true,
    ExpirePasswords: false,
    PasswordReusePrevention: 2,
  });

  await iam.send(new CreateUserCommand({ UserName: "erin" }));
  await refuses(iam.send(new CreateLoginProfileCommand({ UserName: "erin", Password: "short-1!" })), {
    name: "PasswordPolicyViolationException", message: "Password should have a minimum length of 12",
  });
  await refuses(iam.send(new CreateLoginProfileCommand({ UserName: "erin", Password: "no-numbers-here!" })), {
    name: "PasswordPolicyViolationException", message: "Password should have at least one number",
  });
  await iam.send(new CreateLoginProfileCommand({ UserName: "erin", Password: "first-password-1!" }));

  // The user changes its own password: the old one must match, the new one must not be a recent one.
  await iam.send(new PutUserPolicyCommand({ UserName: "erin", PolicyName: "own", PolicyDocument: policy(allow("iam:ChangePassword", `arn:aws:iam::${ACCOUNT_ID}:user/erin`)) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "erin" }))).AccessKey!;
  const erin = iamAs(m, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  await refuses(erin.send(new ChangePasswordCommand({ OldPassword: "wrong-password-1!", NewPassword: "second-password-2!" })), {
    name: "AccessDenied", message: "The old password is incorrect.", status: 403,
  });
  await erin.send(new ChangePasswordCommand({ OldPassword: "first-password-1!", NewPassword: "second-password-2!" }));
  await refuses(erin.send(new ChangePasswordCommand({ OldPassword: "second-password-2!", NewPassword: "first-password-1!" })), {
    name: "PasswordPolicyViolationException", message: "Password should not be one of your last 2 passwords",
  });
  // The root has no IAM password to change.
  await refuses(iam.send(new ChangePasswordCommand({ OldPassword: "a", NewPassword: "b" })), { name: "InvalidUserTypeException" });

  await iam.send(new DeleteAccountPasswordPolicyCommand({}));
  await refuses(iam.send(new DeleteAccountPasswordPolicyCommand({})), { name: "NoSuchEntityException", status: 404 });
});

test("no password in the audit trail, the log or the store files", async () => {
  const events = await m.server.host.node("us-east-1")!.store.queryAuditEvents({ eventName: "CreateLoginProfile" });
  assert.ok(events.length >= 1);
  for (const e of events) assert.doesNotMatch(JSON.stringify(e.event), new RegExp(PASSWORD));
  assert.ok(events.some((e) => (e.event.requestParameters as Record<string, unknown> | undefined)?.password === "HIDDEN_DUE_TO_SECURITY_REASONS"));
  const changes = await m.server.host.node("us-east-1")!.store.queryAuditEvents({ eventName: "ChangePassword" });
  for (const e of changes) assert.doesNotMatch(JSON.stringify(e.event), /first-password|second-password/);
  assert.doesNotMatch(m.logs.join("\n"), /Correct-Horse|first-password|second-password/);
  for (const f of readdirSync(m.dataDir, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const bytes = readFileSync(join(f.parentPath, f.name));
    for (const p of [PASSWORD, "first-password-1!", "second-password-2!"]) assert.equal(bytes.includes(p), false, `${p} found in ${f.name}`);
  }
});

const skip = awsCliMissing();
let home: AwsHome | undefined;

test("the aws CLI: create-login-profile, get-login-profile, update-account-password-policy", { skip }, async () => {
  home = emptyAwsHome(m.url, "us-east-1");
  try {
    await iam.send(new CreateUserCommand({ UserName: "cli-login" }));
    const created = await run(["iam", "create-login-profile", "--user-name", "cli-login", "--password", "Cli-Password-9", "--password-reset-required", "--output", "json"], home.env);
    assert.equal(created.code, 0, created.stderr);
    const got = await run(["iam", "get-login-profile", "--user-name", "cli-login", "--output", "json"], home.env);
    assert.equal(got.code, 0, got.stderr);
    const profile = (JSON.parse(got.stdout) as { LoginProfile: { UserName: string; PasswordResetRequired: boolean } }).LoginProfile;
    assert.deepEqual([profile.UserName, profile.PasswordResetRequired], ["cli-login", true]);
    const updated = await run(["iam", "update-account-password-policy", "--minimum-password-length", "10", "--require-numbers"], home.env);
    assert.equal(updated.code, 0, updated.stderr);
    const policyOut = await run(["iam", "get-account-password-policy", "--output", "json"], home.env);
    assert.equal((JSON.parse(policyOut.stdout) as { PasswordPolicy: { MinimumPasswordLength: number } }).PasswordPolicy.MinimumPasswordLength, 10);
    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
  } finally {
    home.remove();
  }
});
