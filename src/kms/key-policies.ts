// Key policies: the default one a customer key gets, the one of the AWS managed key for Secrets
// Manager, and the checks CreateKey and PutKeyPolicy make (grammar, and that the caller does not
// lock itself out). Evaluating policies on each request comes with the identity work.

import { malformedPolicy } from "./kms-errors.js";

export function defaultKeyPolicy(partition: string, accountId: string): string {
  return JSON.stringify(
    {
      Version: "2012-10-17",
      Id: "key-default-1",
      Statement: [
        {
          Sid: "Enable IAM User Permissions",
          Effect: "Allow",
          Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
      ],
    },
    null,
    2,
  );
}

/** The policy AWS gives aws/secretsmanager: use through Secrets Manager, read access to the account. */
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
          Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
          Action: ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
          Resource: "*",
        },
      ],
    },
    null,
    2,
  );
}

type Statement = Record<string, unknown>;

/** The statements of a policy document, or MalformedPolicyDocumentException (AWS gives it no message). */
function statementsOf(policy: string): Statement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw malformedPolicy("");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw malformedPolicy("");
  const raw = (doc as Statement).Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) throw malformedPolicy("");
  for (const s of list) {
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw malformedPolicy("");
    const st = s as Statement;
    if (st.Effect !== "Allow" && st.Effect !== "Deny") throw malformedPolicy("");
    if (st.Principal === undefined && st.NotPrincipal === undefined) throw malformedPolicy("");
  }
  return list as Statement[];
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : typeof v === "string" ? [v] : []);

function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return re.test(value);
}

function principalMatches(principal: unknown, callers: string[]): boolean {
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  return asList((principal as Record<string, unknown>).AWS).some((p) => p === "*" || callers.includes(p));
}

export interface PolicyCaller {
  principalArn: string;
  accountId: string;
  partition: string;
}

/**
 * Refuse a malformed policy, and (unless the caller bypasses the check, as AWS lets it) a policy
 * under which the caller could not change the policy again. Conditions are taken as met.
 */
export function checkKeyPolicy(policy: string, caller: PolicyCaller, bypassLockoutCheck = false): void {
  const statements = statementsOf(policy);
  if (bypassLockoutCheck) return;
  const callers = [caller.principalArn, `arn:${caller.partition}:iam::${caller.accountId}:root`, caller.accountId];
  const allows = statements.some((s) => {
    if (s.Effect !== "Allow" || !principalMatches(s.Principal, callers)) return false;
    if (s.NotAction !== undefined) return !asList(s.NotAction).some((a) => globMatches(a, "kms:PutKeyPolicy"));
    return asList(s.Action).some((a) => globMatches(a, "kms:PutKeyPolicy"));
  });
  if (!allows) throw malformedPolicy("The new key policy will not allow you to update the key policy in the future.");
}
