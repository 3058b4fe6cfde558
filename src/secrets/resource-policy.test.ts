import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CHECK_BROAD_ACCESS,
  CHECK_LOCKOUT,
  checkPolicyGrammar,
  isPublicPolicy,
  MSG_BROAD_ACCESS,
  MSG_INVALID_SERVICE_PRINCIPAL,
  MSG_INVALID_VERSION,
  MSG_LOCKOUT,
  MSG_PUBLIC_POLICY,
  MSG_SYNTAX_ERROR,
  MSG_UNSUPPORTED_PRINCIPAL,
  publicPolicyError,
  validateResourcePolicy,
} from "./resource-policy.js";
import { ServiceError } from "../contract/service-error.js";

const ACCOUNT = "111111111111";
const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (extra: object = {}) => ({ Effect: "Allow", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*", ...extra });

function malformed(doc: string, message = MSG_SYNTAX_ERROR) {
  assert.throws(() => checkPolicyGrammar(doc), (err: unknown) => {
    assert.ok(err instanceof ServiceError, String(err));
    assert.equal(err.code, "MalformedPolicyDocumentException");
    assert.equal(err.message, message);
    return true;
  }, doc);
}

test("a well-formed policy passes the grammar check", () => {
  checkPolicyGrammar(policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/App` }, Action: ["secretsmanager:Get*"], Resource: "*" }));
  checkPolicyGrammar(JSON.stringify({ Statement: { Effect: "Deny", Principal: { AWS: ACCOUNT }, NotAction: "secretsmanager:Describe*", Resource: "*" } }));
  checkPolicyGrammar(policy(allow({ Condition: { StringEquals: { "aws:PrincipalOrgID": ["o-abc"] }, Bool: { "aws:SecureTransport": true } } })));
});

test("documents that are not a policy are malformed", () => {
  malformed("not json");
  malformed("[]");
  malformed(JSON.stringify({ Version: "2012-10-17" }));
  malformed(JSON.stringify({ Version: "2012-10-17", Statement: [] }));
  malformed(JSON.stringify({ Version: "2012-10-17", Statement: [allow()], Extra: 1 }));
});

test("an unknown Version is reported as invalid syntax", () => {
  malformed(JSON.stringify({ Version: "2019-10-19", Statement: [allow()] }), MSG_INVALID_VERSION);
});

test("statement-level mistakes are syntax errors", () => {
  malformed(policy(allow({ Effect: "AllowSomething" })));
  malformed(policy(allow({ Effect: undefined })));
  malformed(policy({ Effect: "Allow", Action: "secretsmanager:*", Resource: "*" })); // no principal
  malformed(policy(allow({ NotPrincipal: { AWS: ACCOUNT } })));
  malformed(policy({ Effect: "Allow", Principal: "*", Resource: "*" })); // no action
  malformed(policy(allow({ Action: "GetSecretValue" })));
  malformed(policy(allow({ Resource: "my-secret" })));
  malformed(policy(allow({ Principal: { Group: "x" } })));
  malformed(policy(allow({ Condition: { StringEquals: "x" } })));
  malformed(policy(allow({ Unknown: true })));
});

test("principals are checked for a supported shape", () => {
  malformed(policy(allow({ Principal: { AWS: "arn:aws:iam::123:user/x" } })), MSG_UNSUPPORTED_PRINCIPAL);
  malformed(policy(allow({ Principal: { AWS: "someone" } })), MSG_UNSUPPORTED_PRINCIPAL);
  malformed(policy(allow({ Principal: { Service: "invalid service" } })), MSG_INVALID_SERVICE_PRINCIPAL);
  checkPolicyGrammar(policy(allow({ Principal: { Service: "lambda.amazonaws.com" } })));
});

test("policies over 20480 characters are a ValidationException", () => {
  const big = policy(allow({ Sid: "x".repeat(20480) }));
  assert.throws(() => checkPolicyGrammar(big), (err: unknown) =>
    err instanceof ServiceError && err.code === "ValidationException" && /Member must have length less than or equal to 20480$/.test(err.message));
});

test("a wildcard principal without a limiting condition is public", () => {
  assert.equal(isPublicPolicy(policy(allow()), ACCOUNT), true);
  assert.equal(isPublicPolicy(policy(allow({ Principal: { AWS: "*" } })), ACCOUNT), true);
  assert.equal(isPublicPolicy(policy(allow({ Principal: { AWS: ["*", ACCOUNT] } })), ACCOUNT), true);
  assert.equal(isPublicPolicy(policy(allow({ Principal: undefined, NotPrincipal: { AWS: ACCOUNT } })), ACCOUNT), true);
  assert.equal(isPublicPolicy(policy(allow({ Action: "*" })), ACCOUNT), true);
});

test("named principals, denies and non-secret actions are not public", () => {
  assert.equal(isPublicPolicy(policy(allow({ Principal: { AWS: "arn:aws:iam::222222222222:root" } })), ACCOUNT), false);
  assert.equal(isPublicPolicy(policy(allow({ Effect: "Deny" })), ACCOUNT), false);
  assert.equal(isPublicPolicy(policy(allow({ Action: "kms:Decrypt" })), ACCOUNT), false);
  assert.equal(isPublicPolicy(policy(allow({ Principal: { Service: "lambda.amazonaws.com" } })), ACCOUNT), false);
});

test("a fixed-value condition on account, org, ARN or network limits a wildcard principal", () => {
  const limited = (Condition: object) => isPublicPolicy(policy(allow({ Condition })), ACCOUNT);
  assert.equal(limited({ StringEquals: { "aws:SourceAccount": ACCOUNT } }), false);
  assert.equal(limited({ StringEquals: { "aws:PrincipalAccount": [ACCOUNT] } }), false);
  assert.equal(limited({ StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }), false);
  assert.equal(limited({ ArnLike: { "aws:SourceArn": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*` } }), false);
  assert.equal(limited({ "ForAnyValue:StringEquals": { "aws:SourceVpce": "vpce-1" } }), false);
  assert.equal(limited({ IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }), false);
});

test("conditions that do not pin the caller leave the policy public", () => {
  const limited = (Condition: object) => isPublicPolicy(policy(allow({ Condition })), ACCOUNT);
  assert.equal(limited({ Bool: { "aws:SecureTransport": "true" } }), true);
  assert.equal(limited({ StringLike: { "aws:PrincipalAccount": "*" } }), true);
  assert.equal(limited({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/x" } }), true);
  assert.equal(limited({ StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } }), true);
  assert.equal(limited({ "ForAllValues:StringEquals": { "aws:SourceAccount": ACCOUNT } }), true);
  assert.equal(limited({ IpAddress: { "aws:SourceIp": "0.0.0.0/0" } }), true);
  assert.equal(limited({ StringNotEquals: { "aws:PrincipalAccount": ACCOUNT } }), true);
});

test("a deny for everyone outside a fixed boundary takes back a public allow", () => {
  const fence = { Effect: "Deny", Principal: "*", Action: "secretsmanager:*", Resource: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-abc" } } };
  assert.equal(isPublicPolicy(policy(allow(), fence), ACCOUNT), false);
  assert.equal(isPublicPolicy(policy(allow(), { ...fence, Action: "secretsmanager:GetSecretValue" }), ACCOUNT), true);
  assert.equal(isPublicPolicy(policy(allow(), { ...fence, Condition: undefined }), ACCOUNT), false);
  const leaky = { ...fence, Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-abc" }, Bool: { "aws:SecureTransport": "true" } } };
  assert.equal(isPublicPolicy(policy(allow(), leaky), ACCOUNT), true);
});

test("ValidateResourcePolicy passes a scoped policy", () => {
  const scoped = policy(allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/MyRole` } }));
  assert.deepEqual(validateResourcePolicy(scoped), { PolicyValidationPassed: true, ValidationErrors: [] });
});

test("ValidateResourcePolicy reports broad access and lock-out", () => {
  assert.deepEqual(validateResourcePolicy(policy(allow({ Action: "secretsmanager:*" }))), {
    PolicyValidationPassed: false,
    ValidationErrors: [{ CheckName: CHECK_BROAD_ACCESS, ErrorMessage: MSG_BROAD_ACCESS }],
  });
  assert.deepEqual(validateResourcePolicy(policy(allow({ Effect: "Deny", Action: "secretsmanager:*" }))), {
    PolicyValidationPassed: false,
    ValidationErrors: [{ CheckName: CHECK_LOCKOUT, ErrorMessage: MSG_LOCKOUT }],
  });
  // denying only PutResourcePolicy still lets the owner delete the policy
  assert.equal(validateResourcePolicy(policy(allow({ Effect: "Deny", Action: "secretsmanager:PutResourcePolicy" }))).PolicyValidationPassed, true);
});

test("ValidateResourcePolicy rejects a policy that does not parse", () => {
  assert.throws(() => validateResourcePolicy("{"), (err: unknown) => err instanceof ServiceError && err.code === "MalformedPolicyDocumentException");
});

test("the BlockPublicPolicy refusal carries PublicPolicyException", () => {
  const err = publicPolicyError();
  assert.equal(err.code, "PublicPolicyException");
  assert.equal(err.status, 400);
  assert.equal(err.message, MSG_PUBLIC_POLICY);
});

test("what the policy engine could not evaluate is refused, never stored and ignored", () => {
  malformed(policy(allow({ Condition: { StringEqualz: { "aws:SourceIp": "10.0.0.1" } } })));
  malformed(policy(allow({ Condition: { "ForSomeValues:StringEquals": { "aws:TagKeys": "team" } } })));
  checkPolicyGrammar(policy(allow({ Condition: { "ForAnyValue:StringLikeIfExists": { "aws:TagKeys": "team*" } } })));
});
