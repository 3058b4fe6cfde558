// What each kind of policy document may say, and the faults the parser reports. There is one parser
// (parse-policy.ts) for identity, trust, secret resource and KMS key policies; the kinds differ only
// in the rules below. Each service turns a fault into its own message (IAM's are here; Secrets
// Manager's in src/secrets/resource-policy.ts; KMS's in src/kms/key-policies.ts), so what a service
// accepts at write time is exactly what the evaluator reads at request time.

import type { PolicyKind } from "../contract/policy-types.js";

/** Why a document is not a policy of its kind; the first fault found, in the order IAM reports them. */
export type PolicyFault =
  | { code: "syntax" }
  /** a Version that is neither 2012-10-17 nor 2008-10-17 */
  | { code: "unknownVersion" }
  /** IAM policies need 2012-10-17 */
  | { code: "version" }
  | { code: "legacy" }
  | { code: "sidUnique" }
  | { code: "actions" }
  | { code: "resources" }
  | { code: "principalInIdentity" }
  | { code: "principalMissing" }
  | { code: "resourceInTrust" }
  | { code: "vendorMissing" }
  | { code: "oneColon" }
  | { code: "vendorInvalid"; vendor: string }
  | { code: "resourceFormat"; resource: string }
  | { code: "partition"; partition: string; resource: string }
  /** a principal this kind of policy cannot name (not an account, IAM/STS ARN or "*"; Federated, CanonicalUser) */
  | { code: "principalUnsupported" }
  | { code: "servicePrincipalInvalid" };

export interface Grammar {
  /** IAM's own policies must say Version 2012-10-17; a resource-based policy without one is 2008-10-17 */
  currentVersionOnly: boolean;
  principal: "forbidden" | "required";
  resource: "required" | "forbidden";
  /**
   * KMS accepts a statement without Action or Resource and gives it no effect (PutKeyPolicy's
   * documentation): such a statement is kept out of the parsed document.
   */
  incompleteStatementsInert: boolean;
  /** IAM and Secrets Manager refuse two statements with one Sid; KMS does not (AWS's own aws/secretsmanager key policy has two) */
  uniqueSids: boolean;
  /**
   * Resource-based policies name principals AWS can resolve: "*", an account, an IAM or STS ARN in
   * an account, or an AWS service; actions are vendor:name, resources "*" or an ARN, and condition
   * blocks are not empty.
   */
  strict: boolean;
}

export const GRAMMARS: Record<PolicyKind, Grammar> = {
  identity: { currentVersionOnly: true, principal: "forbidden", resource: "required", incompleteStatementsInert: false, uniqueSids: true, strict: false },
  trust: { currentVersionOnly: true, principal: "required", resource: "forbidden", incompleteStatementsInert: false, uniqueSids: true, strict: false },
  resource: { currentVersionOnly: false, principal: "required", resource: "required", incompleteStatementsInert: false, uniqueSids: true, strict: true },
  "kms-key": { currentVersionOnly: false, principal: "required", resource: "required", incompleteStatementsInert: true, uniqueSids: false, strict: true },
};

export const MALFORMED = "MalformedPolicyDocument";
/** IAM's messages (CreatePolicy, PutUserPolicy, CreateRole, …) */
export const MESSAGES = {
  syntax: "Syntax errors in policy.",
  version: "Policy document must be version 2012-10-17 or greater.",
  legacy: "The policy failed legacy parsing",
  sidUnique: "Statement IDs (SID) in a single policy must be unique.",
  actions: "Policy statement must contain actions.",
  resources: "Policy statement must contain resources.",
  principalInIdentity: "Policy document should not specify a principal.",
  principalMissing: "Missing required field Principal",
  resourceInTrust: "Has prohibited field Resource.",
  vendorMissing: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
  oneColon: "Actions/Condition can contain only one colon.",
  vendorInvalid: (vendor: string) => `Vendor ${vendor} is not valid`,
  resourceFormat: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,
  partition: (partition: string, resource: string) => `Partition "${partition}" is not valid for resource "${resource}".`,
  invalidPrincipal: "Invalid principal in policy",
} as const;

/** IAM's MalformedPolicyDocument message for a fault. */
export function iamMessage(fault: PolicyFault): string {
  switch (fault.code) {
    case "syntax":
    case "unknownVersion":
      return MESSAGES.syntax;
    case "vendorInvalid":
      return MESSAGES.vendorInvalid(fault.vendor);
    case "resourceFormat":
      return MESSAGES.resourceFormat(fault.resource);
    case "partition":
      return MESSAGES.partition(fault.partition, fault.resource);
    case "principalUnsupported":
    case "servicePrincipalInvalid":
      return MESSAGES.invalidPrincipal;
    default:
      return MESSAGES[fault.code];
  }
}

/** "*", a 12-digit account, or an IAM/STS ARN in a 12-digit account. */
export const isAwsPrincipal = (s: string) => s === "*" || /^\d{12}$/.test(s) || /^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/.test(s);
export const isServicePrincipal = (s: string) => /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/.test(s);
/** vendor:name with wildcards, as resource-based policies take them */
export const isStrictAction = (s: string) => s === "*" || /^[a-zA-Z0-9*?-]+:[a-zA-Z0-9*?]+$/.test(s);
