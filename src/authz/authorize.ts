// Deciding a call (DESIGN §6): the caller's policies from the directory (identity-based, its
// permissions boundary, its session's policies), each access request the service described, and
// the keys every request carries (aws:CurrentTime, aws:SourceIp, aws:RequestedRegion, …) go to the
// pure evaluator. A denial becomes the service's
// access-denied error with AWS's message: who, which action, which resource, and why.

import { evaluate } from "../policy/evaluate.js";
import type { CallerPolicies, ConditionValues, EvaluationResult, RequestPrincipal, StatementRef } from "../contract/policy-types.js";
import { ServiceError } from "../contract/service-error.js";
import type { AccessRequest } from "../contract/access-request.js";

/** What every request of a call carries besides what the service adds. */
export interface RequestFacts {
  now: number;
  sourceIp: string;
  userAgent: string;
  /** the Region the request is for (for a global service, the partition's home Region) */
  requestedRegion: string;
  secureTransport: boolean;
}

export interface DeniedError {
  code: string;
  status: number;
}

export function decide(
  principal: RequestPrincipal,
  policies: CallerPolicies,
  request: AccessRequest,
  facts: RequestFacts,
): EvaluationResult {
  const common: ConditionValues = {
    "aws:CurrentTime": new Date(facts.now),
    "aws:SourceIp": facts.sourceIp,
    "aws:UserAgent": facts.userAgent,
    "aws:RequestedRegion": facts.requestedRegion,
    "aws:SecureTransport": facts.secureTransport,
    "aws:ResourceAccount": request.resourceAccount,
  };
  const conditions = [common, request.resourceConditions ?? {}, request.conditions ?? {}];
  return evaluate({
    context: { principal, action: request.action, resource: request.resource, resourceAccount: request.resourceAccount, conditions },
    ...policies,
    resourcePolicy: request.resourcePolicy,
  });
}

/** The policy type as AWS names it in a denial: "with an explicit deny in a permissions boundary". */
const POLICY_TYPE: Record<StatementRef["source"], string> = {
  identity: "an identity-based policy",
  resource: "a resource-based policy",
  boundary: "a permissions boundary",
  session: "a session policy",
};

/** "because no <type> allows the <action> action", per reason (IAM UG "Troubleshoot access denied error messages"). */
const NOTHING_ALLOWS: Partial<Record<NonNullable<EvaluationResult["reason"]>, string>> = {
  NoResourcePolicyAllows: "resource-based policy",
  NoPolicyAllows: "identity-based policy or resource-based policy",
  NoPermissionsBoundaryAllows: "permissions boundary",
  NoSessionPolicyAllows: "session policy",
};

/** AWS's words for a denial: "User: <arn> is not authorized to perform: <action> on resource: <arn> because …". */
function deniedMessage(principal: RequestPrincipal, request: AccessRequest, result: EvaluationResult): string {
  const on = request.resource === "*" ? "" : ` on resource: ${request.resource}`;
  const why =
    result.decision === "ExplicitDeny"
      ? `with an explicit deny in ${POLICY_TYPE[result.statement?.source ?? "identity"]}`
      : `because no ${NOTHING_ALLOWS[result.reason ?? "NoIdentityPolicyAllows"] ?? "identity-based policy"} allows the ${request.action} action`;
  return `User: ${principal.arn} is not authorized to perform: ${request.action}${on} ${why}`;
}

/**
 * The reason given for a denial the resource's own facts caused (its resource policy, or its tags
 * through the caller's policies) when the caller's policies allow the ARN it named. Such a caller
 * already tells an existing resource (denied) from a missing one (not found), but the reason must
 * not describe a policy of a resource it may not act on: an explicit deny in the resource-based
 * policy reads as "no resource-based policy allows", true of a resource that has none and of one
 * whose policy denies, and "no identity-based policy or resource-based policy" (given only when a
 * resource policy exists) as "no identity-based policy". A deny of the caller's own policies (a
 * tag condition, say) is the caller's to know and keeps its words.
 */
function hideResourcePolicy(result: EvaluationResult): EvaluationResult {
  if (result.decision === "ExplicitDeny" && result.statement?.source === "resource") return { decision: "ImplicitDeny", reason: "NoResourcePolicyAllows" };
  if (result.reason === "NoPolicyAllows") return { decision: "ImplicitDeny", reason: "NoIdentityPolicyAllows" };
  return result;
}

/**
 * The error a denied request gets. With `named` (a resource the caller named), it is worded on what
 * the caller named, with the reason the named ARN alone gets (what a caller asking for a missing
 * resource is told), so the answer is the same whether the resource exists or not; only when the
 * named ARN alone would be allowed does the real reason show, its resource policy hidden.
 */
function deniedError(
  principal: RequestPrincipal,
  policies: CallerPolicies,
  request: AccessRequest,
  result: EvaluationResult,
  facts: RequestFacts,
  denied: DeniedError,
): ServiceError {
  if (request.deniedAs) return new ServiceError(request.deniedAs.code, request.deniedAs.message, denied.status);
  const { named } = request;
  if (!named) return new ServiceError(denied.code, deniedMessage(principal, request, result), denied.status);
  const asNamed = decide(principal, policies, named, facts);
  const why = asNamed.decision === "Allow" ? hideResourcePolicy(result) : asNamed;
  return new ServiceError(denied.code, deniedMessage(principal, named, why), denied.status);
}

/** Throws the service's access-denied error unless every request is allowed. */
export function authorize(
  principal: RequestPrincipal,
  policies: CallerPolicies,
  requests: AccessRequest[],
  facts: RequestFacts,
  denied: DeniedError,
): void {
  for (const request of requests) {
    const result = decide(principal, policies, request, facts);
    if (result.decision !== "Allow") throw deniedError(principal, policies, request, result, facts, denied);
  }
}
