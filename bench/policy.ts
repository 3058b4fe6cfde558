// `npm run bench -- policy`: what the policy engine costs GetSecretValue. The same secret is read
// by the account's admin (the root: no identity policies to evaluate), by an IAM user whose inline
// policy is one unconditional Allow (what any IAM user costs: its identity in the audit event, its
// key's last use), and by an IAM user whose inline policy has ten statements with conditions, all
// of which the engine must look at. Loads run admin, simple, ten, ten, simple, admin, so that drift
// of the machine (and the growing audit table) touches all alike.

import autocannon from "autocannon";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { signJson } from "./signed-request.js";
import { ADMIN, call, startMeridian } from "./bench-support.js";
import { decide } from "../src/authz/authorize.js";
import { parsePolicy } from "../src/policy/parse-policy.js";
import type { RequestPrincipal } from "../src/contract/policy-types.js";
import type { AccessRequest } from "../src/contract/access-request.js";

/** The decision alone, in this process: microseconds per GetSecretValue decision. */
function decisionCost(accountId: string): { root: number; user: number } {
  const parsed = parsePolicy(JSON.stringify(tenStatementPolicy(accountId)), "identity");
  if (!parsed.ok) throw parsed.error;
  const policies = { identityPolicies: [{ policyId: "ten-statements", document: parsed.policy }] };
  const user: RequestPrincipal = { arn: `arn:aws:iam::${accountId}:user/bench-reader`, account: accountId, type: "User", username: "bench-reader", userId: "AIDABENCH", tags: {} };
  const root: RequestPrincipal = { arn: `arn:aws:iam::${accountId}:root`, account: accountId, type: "Root", userId: accountId };
  const request: AccessRequest = {
    action: "secretsmanager:GetSecretValue",
    resource: `arn:aws:secretsmanager:us-east-1:${accountId}:secret:bench/blue-AbCdEf`,
    resourceAccount: accountId,
    conditions: { "aws:ResourceTag/team": "blue", "secretsmanager:ResourceTag/team": "blue", "secretsmanager:SecretPrimaryRegion": "us-east-1", "secretsmanager:SecretId": "bench/blue" },
  };
  const facts = { now: Date.now(), sourceIp: "127.0.0.1", userAgent: "bench", requestedRegion: "us-east-1", secureTransport: false };
  const time = (p: RequestPrincipal, pol: typeof policies) => {
    for (let i = 0; i < 20_000; i++) decide(p, pol, request, facts);
    const n = 200_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) if (decide(p, pol, request, facts).decision !== "Allow") throw new Error("the bench policy must allow");
    return ((performance.now() - start) * 1000) / n;
  };
  return { root: time(root, { identityPolicies: [] }), user: time(user, policies) };
}

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);

/** Ten statements, each with a condition; the allow that grants is the last one. */
function tenStatementPolicy(accountId: string) {
  const secretArn = `arn:aws:secretsmanager:*:${accountId}:secret:bench/*`;
  const statements: object[] = [
    { Sid: "DenyOutsideHours", Effect: "Deny", Action: "secretsmanager:*", Resource: "*", Condition: { DateLessThan: { "aws:CurrentTime": "2001-01-01T00:00:00Z" } } },
    { Sid: "DenyRed", Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "secretsmanager:ResourceTag/team": "red" } } },
    { Sid: "DenyForeignNetworks", Effect: "Deny", Action: "secretsmanager:*", Resource: "*", Condition: { NotIpAddress: { "aws:SourceIp": ["127.0.0.0/8", "10.0.0.0/8"] } } },
    { Sid: "DenyOtherRegions", Effect: "Deny", Action: "secretsmanager:*", Resource: "*", Condition: { StringNotLike: { "aws:RequestedRegion": ["us-*", "eu-*"] } } },
    { Sid: "DenyPrevious", Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "secretsmanager:VersionStage": "AWSPREVIOUS" } } },
    { Sid: "AllowDescribe", Effect: "Allow", Action: "secretsmanager:DescribeSecret", Resource: secretArn, Condition: { StringEquals: { "aws:ResourceTag/team": "blue" } } },
    { Sid: "AllowList", Effect: "Allow", Action: "secretsmanager:ListSecrets", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    { Sid: "AllowTagging", Effect: "Allow", Action: ["secretsmanager:TagResource"], Resource: secretArn, Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["team", "env"] } } },
    { Sid: "AllowPrimaryOnly", Effect: "Allow", Action: "secretsmanager:PutSecretValue", Resource: secretArn, Condition: { StringEquals: { "secretsmanager:SecretPrimaryRegion": "us-east-1" } } },
    { Sid: "AllowBlueReads", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArn, Condition: { StringEquals: { "secretsmanager:ResourceTag/team": "blue" }, DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } },
  ];
  return { Version: "2012-10-17", Statement: statements };
}

function load(url: string, headers: Record<string, string>, body: string, duration = DURATION_S) {
  return autocannon({ url, method: "POST", headers, body, connections: CONNECTIONS, duration });
}

export async function policyBench() {
  const meridian = await startMeridian();
  try {
    await call(meridian.url, "CreateSecret", {
      Name: "bench/blue",
      SecretString: JSON.stringify({ username: "app", password: "x".repeat(200) }),
      Tags: [{ Key: "team", Value: "blue" }],
      ClientRequestToken: "00000000-0000-4000-8000-000000000021",
    });
    const iam = new IAMClient({ endpoint: meridian.url, region: "us-east-1", credentials: ADMIN, maxAttempts: 1 });
    await iam.send(new CreateUserCommand({ UserName: "bench-reader" }));
    const accountId = "000000000000";
    await iam.send(new PutUserPolicyCommand({ UserName: "bench-reader", PolicyName: "ten-statements", PolicyDocument: JSON.stringify(tenStatementPolicy(accountId)) }));
    await iam.send(new CreateUserCommand({ UserName: "bench-simple" }));
    const allowRead = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] };
    await iam.send(new PutUserPolicyCommand({ UserName: "bench-simple", PolicyName: "read", PolicyDocument: JSON.stringify(allowRead) }));
    const keyOf = async (UserName: string) => {
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName }))).AccessKey!;
      return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    };
    const user = await keyOf("bench-reader");
    const simpleUser = await keyOf("bench-simple");
    iam.destroy();

    const input = { SecretId: "bench/blue" };
    const asAdmin = await signJson(meridian.url, "us-east-1", ADMIN, "secretsmanager.GetSecretValue", input);
    const asUser = await signJson(meridian.url, "us-east-1", user, "secretsmanager.GetSecretValue", input);
    const asSimple = await signJson(meridian.url, "us-east-1", simpleUser, "secretsmanager.GetSecretValue", input);
    for (const signed of [asUser, asSimple]) {
      const check = await fetch(meridian.url, { method: "POST", headers: signed.headers, body: signed.body });
      if (!check.ok) throw new Error(`a bench user cannot read the secret: ${check.status} ${await check.text()}`);
    }

    const callers = [asAdmin, asSimple, asUser];
    for (const c of callers) await load(meridian.url, c.headers, c.body, 3); // warm-up
    const results: autocannon.Result[][] = callers.map(() => []);
    for (const i of [0, 1, 2, 2, 1, 0]) results[i]!.push(await load(meridian.url, callers[i]!.headers, callers[i]!.body));
    const mean = (rs: autocannon.Result[]) => rs.reduce((n, r) => n + r.requests.average, 0) / rs.length;
    const errors = (rs: autocannon.Result[]) => rs.reduce((n, r) => n + r.non2xx + r.errors, 0);
    const [a, s, u] = results.map(mean) as [number, number, number];
    console.log(`\nGetSecretValue as the admin, as a user with one Allow and as a user with a ten-statement conditional policy, ${CONNECTIONS} connections, 2 × ${DURATION_S} s each (A B C C B A)`);
    console.log("| caller | requests/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- |");
    const names = ["admin (account root)", "IAM user, one unconditional Allow", "IAM user, 10 statements with conditions"];
    results.forEach((rs, i) => console.log(`| ${names[i]} | ${mean(rs).toFixed(0)} | ${rs.at(-1)!.latency.p50} | ${rs.at(-1)!.latency.p99} | ${errors(rs)} |`));
    const pct = (from: number, to: number) => (((from - to) / from) * 100).toFixed(1);
    console.log(`ten statements vs one Allow (the evaluator's share): ${pct(s, u)} %; ten statements vs the admin: ${pct(a, u)} %; one Allow vs the admin: ${pct(a, s)} % (run-to-run noise on this machine is several %)`);
    const cost = decisionCost(accountId);
    console.log(`one decision: ${cost.user.toFixed(2)} µs for the user, ${cost.root.toFixed(2)} µs for the admin; at the user's ${u.toFixed(0)} requests/s the evaluator takes ${((u * cost.user) / 1e4).toFixed(1)} % of one core`);
  } finally {
    await meridian.stop();
  }
}
