// Issue 10, item 6: creating accounts is an operator action. Only the operator account (the one
// Meridian bootstraps, --account-id) may create or list accounts: its root, or an IAM principal of
// it whose policies allow meridian:CreateAccount / meridian:ListAccounts. Another account's root
// is refused. Every attempt is in the audit trail, and the new root key's secret never is.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { startMeridian, ADMIN, ACCOUNT_ID, cliPath, type TestServer } from "../support/meridian.js";
import { runProgram } from "../support/aws-cli.js";
import { allow, destroyClients, iamAs, policy, type Credentials } from "../e2e/iam-support.js";
import { requestAccount, type NewAccount } from "../../src/cli/accounts.js";
import { HIDDEN } from "../../src/audit/cloudtrail-event.js";
import type { CloudTrailEvent } from "../../src/contract/audit-records.js";

let m: TestServer;
let stopped = false;

before(async () => {
  // our own data directory: the audit trail is read from it once the server has stopped
  m = await startMeridian({ regions: ["us-east-1", "eu-west-1"], dataDir: mkdtempSync(join(tmpdir(), "meridian-accounts-")) });
});

after(async () => {
  destroyClients();
  if (!stopped) await m.stop();
  rmSync(m.dataDir, { recursive: true, force: true });
});

const meridian = (args: string[], credentials?: Credentials) =>
  runProgram(process.execPath, [cliPath, ...args], {
    PATH: process.env.PATH,
    ...(credentials ? { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey } : {}),
  });

const rootOf = (a: NewAccount): Credentials => ({ accessKeyId: a.AccessKeyId, secretAccessKey: a.SecretAccessKey });

async function operatorUser(name: string, allowed: string[]): Promise<Credentials> {
  const iam = iamAs(m, ADMIN);
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (allowed.length) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "operator", PolicyDocument: policy(allow(allowed)) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

const created: NewAccount[] = [];

test("only the operator account creates accounts: its root, or its users whose policies allow meridian:CreateAccount", async () => {
  // The operator's root, through the CLI.
  const r = await meridian(["accounts", "create", "--endpoint", m.url], ADMIN);
  assert.equal(r.code, 0, r.stderr);
  const accountId = /^Account (\d{12}) created\./m.exec(r.stdout)?.[1];
  const accessKeyId = /^ {2}export AWS_ACCESS_KEY_ID=(\S+)$/m.exec(r.stdout)?.[1];
  const secretAccessKey = /^ {2}export AWS_SECRET_ACCESS_KEY=(\S+)$/m.exec(r.stdout)?.[1];
  assert.ok(accountId && accessKeyId && secretAccessKey, r.stdout);
  const tenant = { AccountId: accountId, AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey };
  created.push(tenant);

  // Another account's root is refused, whatever Region it signs for.
  for (const region of ["us-east-1", "eu-west-1"]) {
    await assert.rejects(requestAccount(m.url, rootOf(tenant), region), (e: Error) => {
      assert.match(e.message, new RegExp(`\\(AccessDeniedException: User: arn:aws:iam::${accountId}:root is not authorized to perform: meridian:CreateAccount`));
      return true;
    });
  }
  const denied = await meridian(["accounts", "create", "--endpoint", m.url], rootOf(tenant));
  assert.equal(denied.code, 2);
  assert.match(denied.stderr, /refused to create an account \(AccessDeniedException/);

  // An operator-account user without the permission is refused; with it, allowed.
  const plain = await operatorUser("no-operator-rights", ["iam:*", "meridian:ListAccounts"]);
  await assert.rejects(requestAccount(m.url, plain, "us-east-1"), /AccessDeniedException: User: arn:aws:iam::111111111111:user\/no-operator-rights is not authorized to perform: meridian:CreateAccount/);
  const admin = await operatorUser("account-admin", ["meridian:CreateAccount"]);
  const byUser = await requestAccount(m.url, admin, "us-east-1");
  assert.match(byUser.AccountId, /^\d{12}$/);
  created.push(byUser);

  // The accounts made work, and cannot make more.
  await assert.rejects(requestAccount(m.url, rootOf(byUser), "us-east-1"), /AccessDeniedException/);
});

test("meridian accounts list: every account, for the operator only", async () => {
  const listed = await meridian(["accounts", "list", "--endpoint", m.url], ADMIN);
  assert.equal(listed.code, 0, listed.stderr);
  for (const id of [ACCOUNT_ID, ...created.map((a) => a.AccountId)]) assert.match(listed.stdout, new RegExp(`^${id}\\b`, "m"));
  assert.match(listed.stdout, new RegExp(`^${ACCOUNT_ID}\\b.*operator`, "m"));
  assert.ok(!created.some((a) => listed.stdout.includes(a.SecretAccessKey)), "no secret is listed");

  const json = await meridian(["accounts", "list", "--endpoint", m.url, "--json"], ADMIN);
  assert.equal(json.code, 0, json.stderr);
  const ids = (JSON.parse(json.stdout) as { Accounts: { AccountId: string }[] }).Accounts.map((a) => a.AccountId);
  assert.deepEqual(ids.sort(), [ACCOUNT_ID, ...created.map((a) => a.AccountId)].sort());

  const tenant = await meridian(["accounts", "list", "--endpoint", m.url], rootOf(created[0]!));
  assert.equal(tenant.code, 2);
  assert.match(tenant.stderr, /AccessDeniedException: User: arn:aws:iam::\d{12}:root is not authorized to perform: meridian:ListAccounts/);
});

test("every account call is in the audit trail, and the new root keys' secrets are not", async () => {
  destroyClients();
  await m.stop();
  stopped = true;
  const r = await meridian(["audit", "--data-dir", m.dataDir, "--event-name", "CreateAccount", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const events = r.stdout.trim().split("\n").map((line) => JSON.parse(line) as CloudTrailEvent);
  const allowed = events.filter((e) => !e.errorCode);
  const refused = events.filter((e) => e.errorCode === "AccessDeniedException");
  assert.equal(allowed.length, 2);
  assert.equal(refused.length, 5, "two refused by SDK-style calls, one by the CLI, the user without rights, the new account's root");
  for (const e of allowed) {
    assert.equal(e.eventSource, "meridian");
    assert.equal(e.awsRegion, "us-east-1");
    assert.equal(e.readOnly, false);
    assert.equal((e.responseElements as Record<string, unknown>).secretAccessKey, HIDDEN);
  }
  assert.deepEqual(allowed.map((e) => (e.responseElements as { accountId: string }).accountId).sort(), created.map((a) => a.AccountId).sort());
  assert.deepEqual(allowed.map((e) => e.userIdentity.arn).sort(), [`arn:aws:iam::${ACCOUNT_ID}:root`, `arn:aws:iam::${ACCOUNT_ID}:user/account-admin`]);
  assert.ok(refused.some((e) => e.userIdentity.arn === `arn:aws:iam::${created[0]!.AccountId}:root`));

  const lists = await meridian(["audit", "--data-dir", m.dataDir, "--event-name", "ListAccounts", "--json"]);
  assert.equal(lists.stdout.trim().split("\n").length, 3);

  // Not in the audit's output, nor anywhere in the stores' files, in any encoding.
  for (const { SecretAccessKey } of created) {
    assert.ok(!r.stdout.includes(SecretAccessKey));
    for (const f of readdirSync(m.dataDir)) {
      const bytes = readFileSync(join(m.dataDir, f));
      assert.ok(!bytes.includes(SecretAccessKey) && !bytes.includes(Buffer.from(SecretAccessKey, "utf16le")), `${f} holds a secret access key`);
    }
  }
});
