// Console sign-in (issue 16): POST /console/api/sign-in exchanges an IAM user's password (or the
// root's access key pair) for session credentials that sign ordinary API calls as that identity;
// sign-out ends them; guessing is throttled; every attempt is a ConsoleLogin event; no password in
// any event; requests from another origin or not in JSON are refused.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CreateLoginProfileCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from "@aws-sdk/client-iam";
import { CreateSecretCommand, ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { allow, destroyClients, iamAs, policy, secretsAs, stsAs } from "./iam-support.js";

let m: TestServer;
let iam: IAMClient;

interface SignInAnswer {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
  identity: { type: string; arn: string; accountId: string; userName?: string };
  code?: string;
  message?: string;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${m.url}/console/api/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as SignInAnswer };
}

/** What an SDK client takes (the answer's expiration is text, the SDK's a Date). */
const keys = (c: SignInAnswer["credentials"]) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken });
const signIn = (userName: string, password: string, extra: object = {}) => post("sign-in", { accountId: ACCOUNT_ID, userName, password, ...extra });
const consoleLogins = async () =>
  (await m.server.host.node("us-east-1")!.store.queryAuditEvents({ eventName: "ConsoleLogin" })).map((e) => e.event);

before(async () => {
  m = await startMeridian({ regions: ["us-east-1", "eu-west-1"] });
  iam = iamAs(m, ADMIN);
  await iam.send(new CreateUserCommand({ UserName: "alice" }));
  await iam.send(new CreateLoginProfileCommand({ UserName: "alice", Password: "Alice-Password-1" }));
  await iam.send(new PutUserPolicyCommand({ UserName: "alice", PolicyName: "secrets", PolicyDocument: policy(allow("secretsmanager:*")) }));
});

after(async () => {
  destroyClients();
  await m.stop();
});

test("an IAM user signs in with its password: session credentials that call the APIs as that user, in any Region", async () => {
  const r = await signIn("alice", "Alice-Password-1");
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.identity, { type: "IAMUser", arn: `arn:aws:iam::${ACCOUNT_ID}:user/alice`, accountId: ACCOUNT_ID, userName: "alice" });
  const c = keys(r.json.credentials);
  const expiration = r.json.credentials.expiration;
  assert.match(c.accessKeyId, /^ASIA/);
  assert.ok(new Date(expiration).getTime() - Date.now() <= 3600_000);
  assert.equal(r.headers.get("x-frame-options"), "DENY");
  const who = await stsAs(m, c).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, `arn:aws:iam::${ACCOUNT_ID}:user/alice`);
  await secretsAs(m, c, "eu-west-1").send(new CreateSecretCommand({ Name: "alice/one", SecretString: "v" }));
  assert.ok((await secretsAs(m, c, "eu-west-1").send(new ListSecretsCommand({}))).SecretList!.some((s) => s.Name === "alice/one"));

  const success = (await consoleLogins()).find((e) => e.responseElements?.ConsoleLogin === "Success" && e.userIdentity.userName === "alice");
  assert.ok(success, "a ConsoleLogin Success event");
  assert.equal(success.eventSource, "signin.amazonaws.com");
  assert.equal(success.eventType, "AwsConsoleSignIn");
});

test("sign-out ends the session: its credentials are refused from then on", async () => {
  const c = keys((await signIn("alice", "Alice-Password-1")).json.credentials);
  const sm = secretsAs(m, c);
  await sm.send(new ListSecretsCommand({}));
  assert.equal((await post("sign-out", { sessionToken: c.sessionToken })).status, 200);
  await refuses(sm.send(new ListSecretsCommand({})), { name: "UnrecognizedClientException" });
});

test("the root signs in with its access key pair; a wrong secret fails", async () => {
  const r = await post("sign-in", { accountId: ACCOUNT_ID, accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey });
  assert.equal(r.status, 200);
  assert.equal(r.json.identity.type, "Root");
  assert.equal((await stsAs(m, keys(r.json.credentials)).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCOUNT_ID}:root`);
  const bad = await post("sign-in", { accountId: ACCOUNT_ID, accessKeyId: ADMIN.accessKeyId, secretAccessKey: "wrong" });
  assert.equal(bad.status, 401);
});

test("wrong passwords fail alike for a known and an unknown user, are audited without the password, then throttled", async () => {
  await iam.send(new CreateUserCommand({ UserName: "bob" }));
  await iam.send(new CreateLoginProfileCommand({ UserName: "bob", Password: "Bob-Password-1" }));
  const known = await signIn("bob", "guess-number-1");
  const unknown = await signIn("nobody", "guess-number-1");
  assert.equal(known.status, 401);
  assert.deepEqual(unknown.json, known.json);
  await signIn("bob", "guess-number-2");
  await signIn("bob", "guess-number-3");
  await signIn("bob", "guess-number-4");
  // Past three failures the user must wait, however right the next password is.
  const throttled = await signIn("bob", "Bob-Password-1");
  assert.equal(throttled.status, 429);
  assert.equal(throttled.json.code, "ThrottlingException");
  assert.ok(Number(throttled.headers.get("retry-after")) >= 1);

  const events = await consoleLogins();
  const failures = events.filter((e) => e.responseElements?.ConsoleLogin === "Failure");
  assert.ok(failures.some((e) => e.userIdentity.userName === "bob" && e.errorMessage === "Failed authentication"));
  assert.ok(failures.some((e) => e.userIdentity.userName === "HIDDEN_DUE_TO_SECURITY_REASONS"), "an unknown name is hidden");
  assert.doesNotMatch(JSON.stringify(events), /guess-number|Password-1/);
});

test("a password reset required: sign-in asks for a new password, then signs in with it", async () => {
  await iam.send(new CreateUserCommand({ UserName: "carl" }));
  await iam.send(new CreateLoginProfileCommand({ UserName: "carl", Password: "Carl-Password-1", PasswordResetRequired: true }));
  const first = await signIn("carl", "Carl-Password-1");
  assert.equal(first.status, 403);
  assert.equal(first.json.code, "PasswordResetRequired");
  const weak = await signIn("carl", "Carl-Password-1", { newPassword: "weak" });
  assert.equal(weak.json.code, "PasswordPolicyViolation");
  assert.equal((await signIn("carl", "Carl-Password-1", { newPassword: "Carl-Password-2" })).status, 200);
  assert.equal((await signIn("carl", "Carl-Password-2")).status, 200);
});

test("CSRF: another Origin, a cross-site fetch, or a form body is refused; bad input gets 400", async () => {
  assert.equal((await post("sign-in", { accountId: ACCOUNT_ID, userName: "alice", password: "Alice-Password-1" }, { origin: "https://evil.example" })).status, 403);
  assert.equal((await post("sign-in", { accountId: ACCOUNT_ID, userName: "alice", password: "Alice-Password-1" }, { "sec-fetch-site": "cross-site" })).status, 403);
  const form = await fetch(`${m.url}/console/api/sign-in`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "accountId=1" });
  assert.equal(form.status, 415);
  assert.equal((await post("sign-in", { accountId: "12", userName: "a", password: "b" })).status, 400);
  assert.equal((await post("sign-in", ["not", "an", "object"])).status, 400);
  const notJson = await fetch(`${m.url}/console/api/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
  assert.equal(notJson.status, 400);
});
