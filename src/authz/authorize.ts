// Deciding a call (DESIGN §6): the caller's identity-based policies from the directory, each
// access request the service described, and the keys every request carries (aws:CurrentTime,
// aws:SourceIp, aws:RequestedRegion, …) go to the pure evaluator. A denial becomes the service's
// access-denied error with AWS's message: who, which action, which resource, and why.

import { evaluate } from "../policy/evaluate.js";
import type { ConditionValues, EvaluationResult, PolicyInput, RequestPrincipal } from "../policy/policy-types.js";
import { ServiceError } from "../edge/service-error.js";
import type { AccessRequest } from "./access-request.js";

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
  identityPolicies: PolicyInput[],
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
    identityPolicies,
    resourcePolicy: request.resourcePolicy,
  });
}

/** AWS's words for a denial: "User: <arn> is not authorized to perform: <action> on resource: <arn> because …". */
export function deniedMessage(principal: RequestPrincipal, request: AccessRequest, result: EvaluationResult): string {
  const on = request.resource === "*" ? "" : ` on resource: ${request.resource}`;
  let why: string;
  if (result.decision === "ExplicitDeny") {
    why = `with an explicit deny in ${result.statement?.source === "resource" ? "a resource-based policy" : "an identity-based policy"}`;
  } else if (result.reason === "NoResourcePolicyAllows") {
    why = `because no resource-based policy allows the ${request.action} action`;
  } else if (result.reason === "NoPolicyAllows") {
    why = `because no identity-based policy or resource-based policy allows the ${request.action} action`;
  } else {
    why = `because no identity-based policy allows the ${request.action} action`;
  }
  return `User: ${principal.arn} is not authorized to perform: ${request.action}${on} ${why}`;
}

/** Throws the service's access-denied error unless every request is allowed. */
export function authorize(
  principal: RequestPrincipal,
  identityPolicies: PolicyInput[],
  requests: AccessRequest[],
  facts: RequestFacts,
  denied: DeniedError,
): void {
  for (const request of requests) {
    const result = decide(principal, identityPolicies, request, facts);
    if (result.decision === "Allow") continue;
    if (request.deniedAs) throw new ServiceError(request.deniedAs.code, request.deniedAs.message, denied.status);
    throw new ServiceError(denied.code, deniedMessage(principal, request, result), denied.status);
  }
}
