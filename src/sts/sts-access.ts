// STS calls as the policy engine sees them. AssumeRole is sts:AssumeRole on the role, decided with
// the role's trust policy as the resource policy (sts:TagSession too when session tags are passed);
// GetCallerIdentity and GetSessionToken need no permission, as on AWS.

import { describing, requestTagKeys, type AccessDescriber, type AccessRequest, type RequestMembers } from "../contract/access-request.js";
import type { StsOperations } from "../generated/sts-api.js";
import type { IdentityDirectory } from "../identity/directory.js";
import { parsePolicy } from "../policy/parse-policy.js";
import type { PolicyDocument, ResourcePolicyInput } from "../contract/policy-types.js";
import type { IamRole } from "../contract/identity-types.js";
import { parseArn } from "../util/arn.js";

/** The role an ARN names in the partition (its path is not compared), or undefined. */
export function roleOfArn(identity: Pick<IdentityDirectory, "partition">, partition: string, roleArn: string): IamRole | undefined {
  const arn = parseArn(roleArn);
  if (!arn || arn.partition !== partition || arn.service !== "iam" || !arn.resource.startsWith("role/")) return undefined;
  return identity.partition(partition)?.get(arn.accountId, "role", roleArn.slice(roleArn.lastIndexOf("/") + 1));
}

/**
 * A role's trust policy for the evaluator: the principal it names is allowed by it alone, the
 * account it names lets that account's IAM policies decide. No role: a policy allowing nothing.
 */
function trustPolicy(role: IamRole | undefined, roleArn: string): ResourcePolicyInput {
  const parsed = role && parsePolicy(role.assumeRolePolicyDocument, "trust");
  const document: PolicyDocument = parsed?.ok ? parsed.policy : { version: "2012-10-17", statements: [] };
  return { policyId: role?.arn ?? roleArn, document, kind: "trust" };
}

export function makeStsAccess(identity: Pick<IdentityDirectory, "partition">): AccessDescriber {
  return describing<RequestMembers<StsOperations>>(async (ctx, operation, input) => {
    // The root user is refused by the operation itself, before any trust policy is read.
    const roleArn = input.RoleArn;
    if (operation !== "AssumeRole" || roleArn === undefined || ctx.principal?.type === "Root") return [];
    const role = roleOfArn(identity, ctx.partition, roleArn);
    const resource = role?.arn ?? roleArn;
    const resourceAccount = role?.accountId ?? parseArn(roleArn)?.accountId ?? ctx.accountId;
    const base: Omit<AccessRequest, "action"> = {
      resource,
      resourceAccount,
      resourcePolicy: trustPolicy(role, roleArn),
      conditions: {
        "sts:RoleSessionName": input.RoleSessionName,
        ...(input.ExternalId !== undefined ? { "sts:ExternalId": input.ExternalId } : {}),
        ...(input.Tags ? requestTagKeys(input.Tags) : {}),
      },
    };
    return input.Tags?.length ? [{ action: "sts:AssumeRole", ...base }, { action: "sts:TagSession", ...base }] : [{ action: "sts:AssumeRole", ...base }];
  });
}
