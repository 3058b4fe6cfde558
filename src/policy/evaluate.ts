// The policy evaluator: (request context, identity policies, resource policy, permissions boundary,
// session policies) → Allow | ExplicitDeny | ImplicitDeny with the statement that decided (DESIGN
// §6). It follows the IAM User Guide's "Policy evaluation logic" and "Cross-account policy
// evaluation logic": an explicit deny anywhere wins; in one account an allow from either side
// suffices; across accounts both sides must allow; a boundary and session policies cap what
// identity-based policies grant. KMS key policies follow "Key policies in AWS KMS": IAM policies
// count only when the key policy allows the key's account. A resource policy that could not be
// read denies everything (fail closed). Pure: no clock, no I/O; the caller supplies aws:CurrentTime.

import { conditionsHold } from "./conditions.js";
import {
  excludedByNotPrincipal,
  matchAction,
  matchPrincipal,
  matchResource,
  type Lookup,
  type PrincipalMatch,
} from "./matching.js";
import type {
  ConditionValues,
  ContextValue,
  DecisionReason,
  EvaluationInput,
  EvaluationResult,
  PolicyInput,
  RequestContext,
  Statement,
  StatementRef,
} from "../contract/policy-types.js";

const lowerCache = new Map<string, string>();
/** A key in lower case; keys recur on every request, so each is lowered once. */
function lower(key: string): string {
  let l = lowerCache.get(key);
  if (l === undefined) {
    l = key.toLowerCase();
    if (lowerCache.size >= 10_000) lowerCache.clear();
    lowerCache.set(key, l);
  }
  return l;
}

/** Condition keys of the request, lower-cased, with the ones AWS derives from the principal.
 *  Built on the first lookup: a decision that reads no condition key never builds it. */
function contextLookup(ctx: RequestContext): Lookup {
  let map: Map<string, ContextValue> | undefined;
  const build = () => {
    const m = new Map<string, ContextValue>();
    const p = ctx.principal;
    if (p.type !== "Service" && p.type !== "Anonymous") {
      // aws:PrincipalArn of a role session is the role's ARN (IAM "global condition context keys").
      m.set("aws:principalarn", p.roleArn ?? p.arn);
      m.set("aws:principalaccount", p.account);
    }
    if (p.type === "User" && p.username !== undefined) m.set("aws:username", p.username);
    if (p.userId !== undefined) m.set("aws:userid", p.userId);
    for (const k in p.tags ?? {}) m.set(`aws:principaltag/${lower(k)}`, p.tags![k]!);
    const layers = ctx.conditions === undefined ? [] : Array.isArray(ctx.conditions) ? ctx.conditions : [ctx.conditions];
    for (const layer of layers as readonly ConditionValues[]) {
      for (const k in layer) {
        const v = layer[k];
        if (v !== undefined) m.set(lower(k), v);
      }
    }
    const now = m.get("aws:currenttime");
    if (now instanceof Date && !m.has("aws:epochtime")) m.set("aws:epochtime", Math.floor(now.getTime() / 1000));
    return m;
  };
  return (key) => (map ??= build()).get(lower(key));
}

/** Whether a statement's Action/NotAction element covers an action, remembered per statement
 *  (parsed policies are cached by text, and a service has few actions). */
const actionVerdicts = new WeakMap<Statement, Map<string, boolean>>();

function actionApplies(s: Statement, action: string): boolean {
  let verdicts = actionVerdicts.get(s);
  if (!verdicts) actionVerdicts.set(s, (verdicts = new Map()));
  let ok = verdicts.get(action);
  if (ok === undefined) {
    ok = s.action ? s.action.some((a) => matchAction(a, action)) : !s.notAction!.some((a) => matchAction(a, action));
    if (verdicts.size < 1_000) verdicts.set(action, ok);
  }
  return ok;
}

/** Do the statement's Action/NotAction, Resource/NotResource and Condition elements apply? */
function statementApplies(s: Statement, ctx: RequestContext, lookup: Lookup, variables: Lookup | undefined): boolean {
  if (!actionApplies(s, ctx.action)) return false;
  // A trust policy names no Resource: the role it belongs to is implied.
  const resourceOk = s.resource
    ? s.resource.some((r) => matchResource(r, ctx.resource, variables))
    : !(s.notResource ?? []).some((r) => matchResource(r, ctx.resource, variables));
  return resourceOk && conditionsHold(s.conditions, lookup, variables);
}

/**
 * How the statement's Principal/NotPrincipal names the caller. A Deny with NotPrincipal always
 * applies to a caller with a permissions boundary (IAM UG "Permissions boundaries for IAM entities").
 */
function principalOf(s: Statement, ctx: RequestContext, bounded: boolean): PrincipalMatch {
  if (s.principal) return matchPrincipal(s.principal, ctx.principal);
  if (s.notPrincipal) {
    if (bounded && s.effect === "Deny") return "exact";
    return excludedByNotPrincipal(s.notPrincipal, ctx.principal) ? "none" : "exact";
  }
  return "none";
}

interface Found {
  ref: StatementRef;
  principal: PrincipalMatch;
}

interface Scan {
  deny?: Found;
  /** first applicable Allow */
  allow?: Found;
  /** first applicable Allow naming the caller itself (resource policies only) */
  exactAllow?: Found;
  /** first applicable Allow naming the role of a role session */
  roleAllow?: Found;
  /** first applicable Allow naming the caller's account */
  accountAllow?: Found;
}

function scan(policy: PolicyInput, source: StatementRef["source"], ctx: RequestContext, lookup: Lookup, bounded = false): Scan {
  const result: Scan = {};
  const variables = policy.document.version === "2012-10-17" ? lookup : undefined;
  for (const s of policy.document.statements) {
    // Identity-based policies, boundaries and session policies name no principal: they are the caller's.
    const principal: PrincipalMatch = source === "resource" ? principalOf(s, ctx, bounded) : "exact";
    if (principal === "none") continue;
    if (!statementApplies(s, ctx, lookup, variables)) continue;
    const found: Found = { ref: { policyId: policy.policyId, source, sid: s.sid, index: s.index }, principal };
    if (s.effect === "Deny") {
      result.deny ??= found;
      break;
    }
    result.allow ??= found;
    if (principal === "exact") result.exactAllow ??= found;
    else if (principal === "role") result.roleAllow ??= found;
    else result.accountAllow ??= found;
  }
  return result;
}

/** The first explicit deny of these policies, else the first allow of any of them. */
function scanAll(policies: readonly PolicyInput[], source: StatementRef["source"], ctx: RequestContext, lookup: Lookup): Scan {
  let allow: Found | undefined;
  for (const policy of policies) {
    const r = scan(policy, source, ctx, lookup);
    if (r.deny) return r;
    allow ??= r.allow;
  }
  return allow ? { allow } : {};
}

const implicitDeny = (reason: DecisionReason): EvaluationResult => ({ decision: "ImplicitDeny", reason });

export function evaluate(input: EvaluationInput): EvaluationResult {
  const { context: ctx, identityPolicies, resourcePolicy, permissionsBoundary, sessionPolicies } = input;
  // Fail closed: a resource policy that cannot be read may hold a deny, so nothing it governs is allowed.
  if (resourcePolicy && "unreadable" in resourcePolicy) {
    return { decision: "ExplicitDeny", reason: "UnreadablePolicy", statement: { policyId: resourcePolicy.policyId, source: "resource", index: -1 } };
  }
  const lookup = contextLookup(ctx);
  const p = ctx.principal;

  // An explicit deny in any policy wins: identity-based, resource-based, boundary, session.
  const identityScan = scanAll(identityPolicies, "identity", ctx, lookup);
  if (identityScan.deny) return { decision: "ExplicitDeny", statement: identityScan.deny.ref };
  const res: Scan = resourcePolicy ? scan(resourcePolicy, "resource", ctx, lookup, permissionsBoundary !== undefined) : {};
  if (res.deny) return { decision: "ExplicitDeny", statement: res.deny.ref };
  const boundary = permissionsBoundary && scan(permissionsBoundary, "boundary", ctx, lookup);
  if (boundary?.deny) return { decision: "ExplicitDeny", statement: boundary.deny.ref };
  const session = sessionPolicies?.length ? scanAll(sessionPolicies, "session", ctx, lookup) : undefined;
  if (session?.deny) return { decision: "ExplicitDeny", statement: session.deny.ref };

  // What keeps identity-based permissions (and a resource policy's grant to a session's role) from
  // applying: an implicit deny in the boundary, else in the session policies (IAM UG "Policy
  // evaluation for requests within a single account").
  const limit: DecisionReason | undefined =
    boundary && !boundary.allow ? "NoPermissionsBoundaryAllows" : session && !session.allow ? "NoSessionPolicyAllows" : undefined;
  const identityAllow = limit ? undefined : identityScan.allow;
  // A resource policy naming the user or the role session grants past the limit; one naming the role does not.
  const direct = res.exactAllow ?? (limit ? undefined : res.roleAllow);
  /** the reason for a denial that the limit caused */
  const limited = (fallback: DecisionReason) => implicitDeny(limit && (identityScan.allow || res.roleAllow) ? limit : fallback);

  const isKeyPolicy = resourcePolicy?.kind === "kms-key" || resourcePolicy?.kind === "trust";
  const isRoot = p.type === "Root";
  const allow = (statement: StatementRef, resourceStatement?: StatementRef): EvaluationResult =>
    resourceStatement ? { decision: "Allow", statement, resourceStatement } : { decision: "Allow", statement };

  // Service and anonymous callers have no identity policies: only the resource policy can grant.
  if (p.type === "Service" || p.type === "Anonymous") {
    return res.exactAllow ? allow(res.exactAllow.ref) : implicitDeny("NoResourcePolicyAllows");
  }

  if (p.account === ctx.resourceAccount) {
    if (isKeyPolicy) {
      if (direct) return allow(direct.ref);
      // A key policy allowing the account enables IAM policies (and the root user) for this key.
      const delegation = res.accountAllow;
      if (delegation && identityAllow) return allow(identityAllow.ref, delegation.ref);
      if (delegation && isRoot) return allow(delegation.ref);
      if (!delegation) return implicitDeny(limit && res.roleAllow ? limit : "NoResourcePolicyAllows");
      return limited("NoIdentityPolicyAllows");
    }
    if (identityAllow) return allow(identityAllow.ref);
    const grant = direct ?? (isRoot ? res.allow : undefined);
    if (grant) return allow(grant.ref);
    if (isRoot) return { decision: "Allow", reason: "RootUser" };
    return limited(resourcePolicy ? "NoPolicyAllows" : "NoIdentityPolicyAllows");
  }

  // Cross-account: the caller's account must allow (its root holds every identity permission)
  // and the resource's policy must name the caller or its account.
  if (!identityAllow && !isRoot) return implicitDeny(limit && identityScan.allow ? limit : "NoIdentityPolicyAllows");
  if (!res.allow) return implicitDeny("NoResourcePolicyAllows");
  return identityAllow ? allow(identityAllow.ref, res.allow.ref) : allow(res.allow.ref);
}
