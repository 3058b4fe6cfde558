// Session policies of AssumeRole (IAM UG "Session policies"): an inline Policy and up to ten
// customer managed PolicyArns of the role's account, checked when the session is made and sealed
// into its token, so that every request signed with the session's credentials is limited by them.
// PackedPolicySize says how full the token's packed space is, session tags included.

import { ServiceError } from "../contract/service-error.js";
import type { SessionPolicyRefs } from "../identity/caller-policies.js";
import type { PartitionDirectory } from "../identity/directory.js";
import { policySize } from "../iam/iam-common.js";
import { validationError } from "../iam/iam-errors.js";
import { MALFORMED, parsePolicy } from "../policy/parse-policy.js";
import { parseArn } from "../util/arn.js";
import type { AssumeRoleRequest, StsErrorCode } from "../generated/sts-api.js";

const MAX_POLICY_ARNS = 10;
/** The packed space, counted in characters of the session policy (white space not counted), the managed policy ARNs and the session tags. */
const PACKED_SPACE = 2048;

export type SessionPolicyInput = Pick<AssumeRoleRequest, "Policy" | "PolicyArns" | "Tags">;

export interface CheckedSessionPolicies {
  /** what the session token carries; undefined without session policies */
  refs?: SessionPolicyRefs;
  /** percent of the packed space used; undefined when neither session policies nor tags were passed */
  packedPolicySize?: number;
}

const stsError = (code: StsErrorCode, message: string) => new ServiceError(code, message, 400);
const packedPolicyTooLarge = (message: string) => stsError("PackedPolicyTooLarge", message);
const policyNotFound = (arn: string) => new ServiceError(MALFORMED, `Policy ${arn} does not exist or is not attachable.`, 400);

/** Checks AssumeRole's session policies for a role of `roleAccount`; throws what STS would. */
export function checkSessionPolicies(
  input: SessionPolicyInput,
  dir: Pick<PartitionDirectory, "managedPolicy"> | undefined,
  roleAccount: string,
): CheckedSessionPolicies {
  const arns = (input.PolicyArns ?? []).map((d) => d.arn ?? "");
  if (arns.length > MAX_POLICY_ARNS) {
    throw validationError(
      `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`,
    );
  }
  let used = 0;
  if (input.Policy !== undefined) {
    used += policySize(input.Policy);
    const parsed = parsePolicy(input.Policy, "identity");
    if (!parsed.ok) throw parsed.error;
  }
  for (const arn of arns) {
    // Customer managed policies of the role's own account, as on AWS.
    if (parseArn(arn)?.accountId !== roleAccount || !dir?.managedPolicy(arn)) throw policyNotFound(arn);
    used += arn.length;
  }
  const hasPolicies = input.Policy !== undefined || arns.length > 0;
  for (const t of input.Tags ?? []) used += t.Key.length + t.Value.length;
  if (!hasPolicies && !input.Tags?.length) return {};

  const packedPolicySize = Math.ceil((used * 100) / PACKED_SPACE);
  if (packedPolicySize > 100) {
    throw packedPolicyTooLarge(
      hasPolicies
        ? `Packed policy consumes ${packedPolicySize}% of allotted space, please use smaller policy.`
        : `Packed size of session tags consumes ${packedPolicySize}% of allotted space.`,
    );
  }
  if (!hasPolicies) return { packedPolicySize };
  const refs: SessionPolicyRefs = {};
  if (input.Policy !== undefined) refs.policy = input.Policy;
  if (arns.length > 0) refs.policyArns = arns;
  return { refs, packedPolicySize };
}
