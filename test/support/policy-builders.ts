// Builders shared by the policy tables: documents parsed the way IAM would, a base request
// context (alice reading the blue secret in her own account) and ways to vary it.

import assert from "node:assert/strict";
import { parsePolicy } from "../../src/policy/parse-policy.js";
import type {
  ContextValue,
  PolicyInput,
  PolicyKind,
  RequestContext,
  RequestPrincipal,
  ResourcePolicyInput,
} from "../../src/contract/policy-types.js";

export const ACCOUNT = "111122223333";
export const OTHER = "444455556666";
export const BLUE = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:blue-AbCdEf`;
export const RED = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:red-GhIjKl`;

export const alice: RequestPrincipal = {
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  account: ACCOUNT,
  type: "User",
  username: "alice",
  userId: "AIDAALICE",
  tags: { team: "blue", Project: "apollo" },
};
export const bob: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:user/bob`, account: ACCOUNT, type: "User", username: "bob" };
export const root: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT, type: "Root" };
export const carol: RequestPrincipal = { arn: `arn:aws:iam::${OTHER}:user/carol`, account: OTHER, type: "User", username: "carol" };
export const otherRoot: RequestPrincipal = { arn: `arn:aws:iam::${OTHER}:root`, account: OTHER, type: "Root" };
export const session: RequestPrincipal = {
  arn: `arn:aws:sts::${OTHER}:assumed-role/Auditor/app`,
  roleArn: `arn:aws:iam::${OTHER}:role/Auditor`,
  account: OTHER,
  type: "AssumedRole",
};
export const secretsService: RequestPrincipal = { arn: "secretsmanager.amazonaws.com", account: "", type: "Service" };

export function policy(policyId: string, json: object, kind: PolicyKind = "identity"): PolicyInput {
  const parsed = parsePolicy(JSON.stringify(json), kind);
  assert.ok(parsed.ok, `policy ${policyId} should parse: ${parsed.ok ? "" : parsed.error.message}`);
  return { policyId, document: parsed.policy };
}

export function resourcePolicy(policyId: string, json: object, kind: "resource" | "kms-key" | "trust" = "resource"): ResourcePolicyInput {
  return { ...policy(policyId, json, kind), kind };
}

/** A 2012-10-17 document of these statements. */
export const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });

export function context(over: Partial<RequestContext> = {}, conditions: Record<string, ContextValue> = {}): RequestContext {
  return {
    principal: alice,
    action: "secretsmanager:GetSecretValue",
    resource: BLUE,
    resourceAccount: ACCOUNT,
    ...over,
    conditions: { ...conditions, ...(over.conditions ?? {}) },
  };
}
