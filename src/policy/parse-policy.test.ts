// MalformedPolicyDocument cases: each row a document and the exact message IAM returns for it.
// Messages are the ones IAM returns to CreatePolicy/PutUserPolicy/CreateRole as reported in public
// issue threads and in moto's table recorded against IAM (tests/test_iam/test_iam_policies.py).

import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePolicy, MESSAGES } from "./parse-policy.js";
import type { PolicyKind } from "../contract/policy-types.js";

const S = (extra: object = {}) => ({ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::example_bucket", ...extra });
const V = (Statement: unknown, extra: object = {}) => ({ Version: "2012-10-17", Statement, ...extra });

type Row = [name: string, document: unknown, message: string, kind?: PolicyKind];
const rows: Row[] = [
  ["not JSON", "This is not a json document", MESSAGES.syntax],
  ["no Version", { Statement: S() }, MESSAGES.version],
  ["Version 2008-10-17", { Version: "2008-10-17", Statement: S() }, MESSAGES.version],
  ["unknown Version", { Version: "2013-10-17", Statement: S() }, MESSAGES.syntax],
  ["no Statement", { Version: "2012-10-17" }, MESSAGES.syntax],
  ["empty Statement list", V([]), MESSAGES.syntax],
  ["statement not an object", V(["afd"]), MESSAGES.syntax],
  ["extra top-level field", V(S(), { "Extra field": "value" }), MESSAGES.syntax],
  ["extra statement field", V(S({ "Extra field": "value" })), MESSAGES.syntax],
  ["Id not a string", V(S(), { Id: ["x"] }), MESSAGES.syntax],
  ["Effect invalid", V(S({ Effect: "invalid" })), MESSAGES.syntax],
  ["Effect missing", V({ Action: "s3:ListBucket", Resource: "arn:aws:s3:::example_bucket" }), MESSAGES.syntax],
  ["Effect in the wrong case", V(S({ Effect: "denY" })), MESSAGES.legacy],
  ["Action and NotAction together", V(S({ NotAction: "iam:dsf" })), MESSAGES.syntax],
  ["Resource and NotResource together", V(S({ NotResource: "*" })), MESSAGES.syntax],
  ["Resource an object", V(S({ Resource: { a: "arn:aws:s3:::example_bucket" } })), MESSAGES.syntax],
  ["Action a list holding a list", V(S({ Action: [[]] })), MESSAGES.syntax],
  ["Condition a list", V(S({ Condition: [] })), MESSAGES.syntax],
  ["Condition operator block a string", V(S({ Condition: { DateGreaterThan: "b" } })), MESSAGES.syntax],
  ["unknown condition operator", V(S({ Condition: { StringEqualz: { "aws:ResourceTag/team": "blue" } } })), MESSAGES.syntax],
  ["double colon after set qualifier", V(S({ Condition: { "ForAnyValue::StringEqualsIfExists": { a: "asf" } } })), MESSAGES.syntax],
  ["Date condition value not a date", V(S({ Condition: { DateGreaterThan: { "aws:CurrentTime": "sdfdsf" } } })), MESSAGES.legacy],
  ["Sid not a string", V(S({ Sid: {} })), MESSAGES.syntax],
  ["duplicate Sid", V([S({ Sid: "sdf" }), S({ Sid: "sdf" })]), MESSAGES.sidUnique],
  ["no Action", V({ Effect: "Allow", Resource: "arn:aws:s3:::example_bucket" }), MESSAGES.actions],
  ["empty Action list", V(S({ Action: [] })), MESSAGES.actions],
  ["no Resource", V({ Effect: "Allow", Action: "s3:ListBucket" }), MESSAGES.resources],
  ["empty Resource list", V(S({ Resource: [] })), MESSAGES.resources],
  ["Resource not an ARN", V(S({ Resource: "invalid resource" })), MESSAGES.resourceFormat("invalid resource")],
  ["empty Resource string", V(S({ Resource: "" })), MESSAGES.resourceFormat("")],
  ["Resource with an invalid partition", V(S({ Resource: "arn:error:s3:::example_bucket" })), MESSAGES.partition("error", "arn:error:s3:::example_bucket")],
  ["Resource with too few segments", V(S({ Resource: "arn:aws:s3::example_bucket" })), MESSAGES.legacy],
  ["action without vendor", V(S({ Action: "invalid" })), MESSAGES.vendorMissing],
  ["action with two colons", V(S({ Action: "s3:List:Bucket" })), MESSAGES.oneColon],
  ["action vendor with a space", V(S({ Action: "a a:ListBucket" })), MESSAGES.vendorInvalid("a a")],
  ["Principal in an identity policy (PutRolePolicy)", V(S({ Principal: { AWS: "arn:aws:iam::111122223333:root" } })), MESSAGES.principalInIdentity],
  ["resource policy without Principal", V(S()), MESSAGES.principalMissing, "resource"],
  ["trust policy with Resource (CreateRole)", V({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Resource: "*" }), MESSAGES.resourceInTrust, "trust"],
  ["Principal of an unknown type", V(S({ Principal: { Group: "x" } })), MESSAGES.syntax, "resource"],
];

for (const [name, document, message, kind] of rows) {
  test(`parse: ${name} → MalformedPolicyDocument "${message}"`, () => {
    const result = parsePolicy(typeof document === "string" ? document : JSON.stringify(document), kind);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual({ code: result.error.code, status: result.error.status, message: result.error.message }, { code: "MalformedPolicyDocument", status: 400, message });
  });
}

test("parse: a valid secret resource policy normalizes every element", () => {
  const result = parsePolicy(
    {
      Version: "2012-10-17",
      Id: "secret-policy",
      Statement: {
        Sid: "Other",
        Effect: "Allow",
        Principal: { AWS: "444455556666", Service: ["secretsmanager.amazonaws.com"] },
        Action: "secretsmanager:GetSecretValue",
        NotResource: ["arn:aws:secretsmanager:*:111122223333:secret:red-*"],
        Condition: { "ForAnyValue:StringLikeIfExists": { "aws:TagKeys": ["a*", "b"] }, Bool: { "aws:SecureTransport": true } },
      },
    },
    "resource",
  );
  assert.deepEqual(result, {
    ok: true,
    policy: {
      version: "2012-10-17",
      id: "secret-policy",
      statements: [{
        index: 0,
        sid: "Other",
        effect: "Allow",
        action: ["secretsmanager:GetSecretValue"],
        notAction: undefined,
        resource: undefined,
        notResource: ["arn:aws:secretsmanager:*:111122223333:secret:red-*"],
        principal: { AWS: ["444455556666"], Service: ["secretsmanager.amazonaws.com"] },
        notPrincipal: undefined,
        conditions: [
          { operator: "ForAnyValue:StringLikeIfExists", base: "StringLike", qualifier: "ForAnyValue", ifExists: true, key: "aws:TagKeys", values: ["a*", "b"] },
          { operator: "Bool", base: "Bool", qualifier: undefined, ifExists: false, key: "aws:SecureTransport", values: ["true"] },
        ],
      }],
    },
  });
});

test("parse: a resource policy without Version is read as 2008-10-17", () => {
  const result = parsePolicy({ Statement: { Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" } }, "resource");
  assert.equal(result.ok && result.policy.version, "2008-10-17");
});

test("parse: an unknown operator with an empty block is accepted and ignored", () => {
  const result = parsePolicy(V(S({ Condition: { a: {} } })));
  assert.deepEqual(result.ok && result.policy.statements[0].conditions, []);
});

// KMS key policies follow the same grammar with KMS's allowances (policy-grammar.ts).
const K = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const keyStatement = (extra: object = {}) => ({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*", ...extra });

test("parse: a key policy may repeat a Sid, as AWS's own aws/secretsmanager policy does; both statements count", () => {
  const result = parsePolicy(K(keyStatement({ Sid: "Same" }), keyStatement({ Sid: "Same", Effect: "Deny", Action: "kms:Decrypt" })), "kms-key");
  assert.ok(result.ok);
  assert.deepEqual(result.policy.statements.map((s) => [s.index, s.sid, s.effect]), [[0, "Same", "Allow"], [1, "Same", "Deny"]]);
  const secret = parsePolicy(K(keyStatement({ Sid: "Same" }), keyStatement({ Sid: "Same" })), "resource");
  assert.deepEqual(!secret.ok && secret.fault, { code: "sidUnique" });
});

test("parse: a key policy statement without Action or Resource is accepted and has no effect", () => {
  const result = parsePolicy(K({ Effect: "Deny", Principal: "*", Action: "kms:*" }, { Effect: "Deny", Principal: "*", Resource: "*" }, keyStatement({ Sid: "Kept" })), "kms-key");
  assert.ok(result.ok);
  assert.deepEqual(result.policy.statements.map((s) => [s.index, s.sid]), [[2, "Kept"]]);
});

test("parse: resource-based policies name principals AWS can resolve", () => {
  for (const kind of ["resource", "kms-key"] as const) {
    const fault = (principal: unknown) => {
      const r = parsePolicy(K(keyStatement({ Principal: principal })), kind);
      return r.ok ? undefined : r.fault.code;
    };
    assert.equal(fault({ AWS: "arn:aws:iam::123:user/x" }), "principalUnsupported");
    assert.equal(fault({ AWS: "someone" }), "principalUnsupported");
    assert.equal(fault({ Federated: "cognito-identity.amazonaws.com" }), "principalUnsupported");
    assert.equal(fault({ Service: "not a service" }), "servicePrincipalInvalid");
    assert.equal(fault({}), "syntax");
    assert.equal(fault({ AWS: [] }), "syntax");
    assert.equal(fault({ AWS: ["*", "111122223333", "arn:aws:sts::111122223333:assumed-role/R/s"], Service: "logs.amazonaws.com" }), undefined);
  }
  // IAM's own trust policies name federated principals.
  assert.ok(parsePolicy(V({ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" }), "trust").ok);
});

test("parse: resource-based policies refuse empty condition blocks, bare action names and resources that are not ARNs", () => {
  for (const kind of ["resource", "kms-key"] as const) {
    const code = (extra: object) => {
      const r = parsePolicy(K(keyStatement(extra)), kind);
      return r.ok ? undefined : r.fault.code;
    };
    assert.equal(code({ Condition: { StringEquals: {} } }), "syntax");
    assert.equal(code({ Action: "kms:Get-Key" }), "syntax");
    assert.equal(code({ Resource: "key:aws:x" }), "resourceFormat");
  }
});

test("parse: an unknown Version is its own fault (IAM calls it a syntax error)", () => {
  const result = parsePolicy({ Version: "2019-10-19", Statement: S() });
  assert.deepEqual(!result.ok && [result.fault, result.error.message], [{ code: "unknownVersion" }, MESSAGES.syntax]);
});
