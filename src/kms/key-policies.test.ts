import { test } from "node:test";
import assert from "node:assert/strict";
import { checkKeyPolicy, MSG_INVALID_PRINCIPALS, MSG_LOCKOUT, parseKeyPolicy, secretsManagerKeyPolicy } from "./key-policies.js";
import { evaluate } from "../policy/evaluate.js";
import type { ContextValue, EvaluationResult, RequestPrincipal } from "../contract/policy-types.js";
import { ServiceError } from "../contract/service-error.js";

const ACCOUNT = "111122223333";
const OTHER = "444455556666";
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const alice: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, account: ACCOUNT, type: "User", username: "alice" };
const root: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT, type: "Root" };
const carol: RequestPrincipal = { arn: `arn:aws:iam::${OTHER}:user/carol`, account: OTHER, type: "User", username: "carol" };
const VIA = "secretsmanager.us-east-1.amazonaws.com";

/** aws/secretsmanager's policy deciding `action` for `principal`, who holds an IAM policy allowing kms:* on everything. */
function decide(principal: RequestPrincipal, action: string, conditions: Record<string, ContextValue>): EvaluationResult["decision"] {
  const document = parseKeyPolicy(secretsManagerKeyPolicy("aws", "us-east-1", ACCOUNT));
  const iam = { policyId: "admin", document: { version: "2012-10-17" as const, statements: [{ index: 0, effect: "Allow" as const, action: ["kms:*"], resource: ["*"], conditions: [] }] } };
  return evaluate({
    context: { principal, action, resource: KEY, resourceAccount: ACCOUNT, conditions: { "kms:CallerAccount": principal.account, ...conditions } },
    identityPolicies: principal.type === "Root" ? [] : [iam],
    resourcePolicy: { policyId: KEY, document, kind: "kms-key" },
  }).decision;
}

test("aws/secretsmanager: the account uses the key through Secrets Manager of its Region, and only so", () => {
  for (const action of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant"]) {
    assert.equal(decide(alice, action, { "kms:ViaService": VIA }), "Allow", action);
    assert.equal(decide(alice, action, {}), "ImplicitDeny", `${action} called directly`);
    assert.equal(decide(root, action, {}), "ImplicitDeny", `${action} by the root, directly`);
    assert.equal(decide(alice, action, { "kms:ViaService": "secretsmanager.us-west-2.amazonaws.com" }), "ImplicitDeny", `${action} via another Region`);
    assert.equal(decide(alice, action, { "kms:ViaService": "s3.us-east-1.amazonaws.com" }), "ImplicitDeny", `${action} via another service`);
    assert.equal(decide(carol, action, { "kms:ViaService": VIA }), "ImplicitDeny", `${action} by another account`);
  }
  // Metadata stays readable to the account's IAM policies.
  assert.equal(decide(alice, "kms:DescribeKey", {}), "Allow");
  assert.equal(decide(root, "kms:GetKeyPolicy", {}), "Allow");
  assert.equal(decide(alice, "kms:PutKeyPolicy", {}), "ImplicitDeny");
});

test("aws/secretsmanager: kms:ViaService names the partition's domain", () => {
  const cn = JSON.parse(secretsManagerKeyPolicy("aws-cn", "cn-north-1", ACCOUNT));
  assert.equal(cn.Statement[0].Condition.StringEquals["kms:ViaService"], "secretsmanager.cn-north-1.amazonaws.com.cn");
  assert.equal(cn.Statement[2].Principal.AWS, `arn:aws-cn:iam::${ACCOUNT}:root`);
});

const caller = { principalArn: alice.arn, accountId: ACCOUNT, partition: "aws" };
const policy = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const admin = { Effect: "Allow", Principal: { AWS: root.arn }, Action: "kms:*", Resource: "*" };
function refused(text: string, message: string, bypass = false) {
  assert.throws(() => checkKeyPolicy(text, caller, bypass), (e: unknown) =>
    e instanceof ServiceError && e.code === "MalformedPolicyDocumentException" && e.message === message);
}

test("checkKeyPolicy: the shared grammar with KMS's messages, then the lockout check", () => {
  checkKeyPolicy(policy({ ...admin, Sid: "A" }, { ...admin, Sid: "A" }), caller);
  checkKeyPolicy(secretsManagerKeyPolicy("aws", "us-east-1", ACCOUNT), caller, true);
  refused("not json", "");
  refused(policy({ ...admin, Condition: { StringEqualz: { a: "b" } } }), "");
  refused(policy({ ...admin, Principal: { AWS: "arn:aws:iam::123:user/x" } }), MSG_INVALID_PRINCIPALS);
  refused(policy({ ...admin, Principal: { Service: "not a service" } }), MSG_INVALID_PRINCIPALS);
  refused(policy({ ...admin, Action: "kms:Encrypt" }), MSG_LOCKOUT);
  // A statement without Resource has no effect, so it does not keep the caller in.
  refused(policy({ ...admin, Resource: undefined }), MSG_LOCKOUT);
  checkKeyPolicy(policy({ ...admin, Resource: undefined }), caller, true);
  checkKeyPolicy(policy({ ...admin, Principal: { AWS: alice.arn }, Action: "kms:Put*" }), caller);
  checkKeyPolicy(policy({ ...admin, Action: undefined, NotAction: "kms:Decrypt" }), caller);
});
