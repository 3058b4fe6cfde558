// Key policies: the default one a customer key gets, the one of the AWS managed key for Secrets
// Manager, and the checks CreateKey and PutKeyPolicy make: the shared policy grammar (the same
// parse the evaluator reads the stored policy with, src/policy) with KMS's messages, and that the
// caller does not lock itself out.

import { malformedPolicy } from "./kms-errors.js";
import { parsePolicyCached } from "../policy/policy-cache.js";
import { matchAction } from "../policy/matching.js";
import type { PolicyFault } from "../policy/policy-grammar.js";
import type { PolicyDocument, PrincipalSpec } from "../contract/policy-types.js";
import { rootArn } from "../util/arn.js";

export function defaultKeyPolicy(partition: string, accountId: string): string {
  return JSON.stringify(
    {
      Version: "2012-10-17",
      Id: "key-default-1",
      Statement: [
        {
          Sid: "Enable IAM User Permissions",
          Effect: "Allow",
          Principal: { AWS: rootArn(partition, accountId) },
          Action: "kms:*",
          Resource: "*",
        },
      ],
    },
    null,
    2,
  );
}

/**
 * The policy AWS gives aws/secretsmanager, word for word: the account may use the key only through
 * Secrets Manager in this Region (kms:ViaService) and only for itself (kms:CallerAccount), and may
 * read its metadata. Its first two statements share a Sid, as AWS's do; the key policy grammar
 * accepts that, as KMS does, so the limit is enforced as written.
 */
export function secretsManagerKeyPolicy(partition: string, region: string, accountId: string): string {
  const viaService = `secretsmanager.${region}.${partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}`;
  const sid = "Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager";
  return JSON.stringify(
    {
      Version: "2012-10-17",
      Id: "auto-secretsmanager-2",
      Statement: [
        {
          Sid: sid,
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant", "kms:DescribeKey"],
          Resource: "*",
          Condition: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": viaService } },
        },
        {
          Sid: sid,
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: { StringEquals: { "kms:CallerAccount": accountId }, StringLike: { "kms:ViaService": viaService } },
        },
        {
          Sid: "Allow direct access to key metadata to the account",
          Effect: "Allow",
          Principal: { AWS: rootArn(partition, accountId) },
          Action: ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
          Resource: "*",
        },
      ],
    },
    null,
    2,
  );
}

export const MSG_LOCKOUT = "The new key policy will not allow you to update the key policy in the future.";
export const MSG_INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals.";

/** KMS's message for a fault of the shared grammar; AWS gives most of them no message. */
function kmsMessage(fault: PolicyFault): string {
  return fault.code === "principalUnsupported" || fault.code === "servicePrincipalInvalid" ? MSG_INVALID_PRINCIPALS : "";
}

/** A key policy as the evaluator will read it, or KMS's MalformedPolicyDocumentException. */
export function parseKeyPolicy(policy: string): PolicyDocument {
  const parsed = parsePolicyCached(policy, "kms-key");
  if (!parsed.ok) throw malformedPolicy(kmsMessage(parsed.fault));
  return parsed.policy;
}

export interface PolicyCaller {
  principalArn: string;
  accountId: string;
  partition: string;
}

/** Does the statement's Principal name one of `callers` (or everyone)? */
function names(principal: PrincipalSpec | undefined, callers: string[]): boolean {
  if (principal === "*") return true;
  return (principal?.AWS ?? []).some((p) => p === "*" || callers.includes(p));
}

/**
 * Refuse a policy the grammar does not accept, and (unless the caller bypasses the check, as AWS
 * lets it) one under which the caller could not change the policy again. Conditions are taken as met.
 */
export function checkKeyPolicy(policy: string, caller: PolicyCaller, bypassLockoutCheck = false): void {
  const { statements } = parseKeyPolicy(policy);
  if (bypassLockoutCheck) return;
  const callers = [caller.principalArn, rootArn(caller.partition, caller.accountId), caller.accountId];
  const allows = statements.some((s) => {
    if (s.effect !== "Allow" || !names(s.principal, callers)) return false;
    if (s.notAction) return !s.notAction.some((a) => matchAction(a, "kms:PutKeyPolicy"));
    return (s.action ?? []).some((a) => matchAction(a, "kms:PutKeyPolicy"));
  });
  if (!allows) throw malformedPolicy(MSG_LOCKOUT);
}
