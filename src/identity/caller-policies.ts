// The policies that decide a caller's requests (DESIGN §6): a user's or role's identity-based
// policies (inline, attached, its groups'), its permissions boundary, and the session policies an
// AssumeRole sealed into the session. Parsed once and kept until the partition's identities change.
// A caller's own policies are those of the user or role with its unique id, never of whoever holds
// its name now (DESIGN §12).

import type { IamEntityKind, IamEntityOf } from "../contract/identity-types.js";
import type { CallerPolicies, PolicyInput, RequestPrincipal } from "../contract/policy-types.js";
import { parsePolicy } from "../policy/parse-policy.js";
import { parsePolicyCached } from "../policy/policy-cache.js";
import { roleById, roleIdOf, userById, type PrincipalLookup } from "./principals.js";

type EntityLookup = <K extends IamEntityKind>(accountId: string, kind: K, name: string) => IamEntityOf<K> | undefined;

/** The session policies a session carries: AssumeRole's Policy and PolicyArns. */
export interface SessionPolicyRefs {
  policy?: string;
  policyArns?: string[];
}

/** What a policy that is gone (or unreadable) contributes to a limit: no allow, so the limit denies. */
const allowsNothing = (policyId: string): PolicyInput => ({ policyId, document: { version: "2012-10-17", statements: [] } });

/**
 * What a stored policy that cannot be read contributes (an old or damaged record): a deny of
 * everything, so its own denies are never lost (fail closed, DESIGN §12).
 */
const DENY_ALL = parsePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}', "identity");
const deniesAll = (policyId: string): PolicyInput => {
  if (!DENY_ALL.ok) throw new Error("the deny-all policy does not parse");
  return { policyId, document: DENY_ALL.policy };
};

export function makeCallerPolicies(get: EntityLookup, ids: PrincipalLookup) {
  const byPrincipal = new Map<string, CallerPolicies>();
  /** parsed default versions of managed policies by ARN; null for one that does not exist */
  const managed = new Map<string, PolicyInput | null>();

  /** A managed policy's default version, parsed; undefined when there is no such policy. */
  function managedPolicy(arn: string): PolicyInput | undefined {
    const hit = managed.get(arn);
    if (hit !== undefined) return hit ?? undefined;
    const policy = get(arn.split(":")[4] ?? "", "policy", arn.slice(arn.lastIndexOf("/") + 1));
    const text = policy && policy.arn === arn ? policy.versions.find((v) => v.versionId === policy.defaultVersionId)?.document : undefined;
    const parsed = text === undefined ? undefined : parsePolicy(text, "identity");
    const input = parsed === undefined ? undefined : parsed.ok ? { policyId: arn, document: parsed.policy } : deniesAll(arn);
    managed.set(arn, input ?? null);
    return input;
  }

  /**
   * Identity-based policies of a user or role (inline, attached, and a user's groups') and its
   * boundary; none for a principal whose unique id no longer exists.
   */
  function policiesOf(principal: RequestPrincipal): CallerPolicies {
    const id = principal.type === "AssumedRole" ? roleIdOf(principal.userId) : principal.userId;
    const cacheKey = `${principal.type}\u0000${id}`;
    const cached = byPrincipal.get(cacheKey);
    if (cached) return cached;
    const identityPolicies: PolicyInput[] = [];
    const collect = (owner: { arn: string; inlinePolicies: Record<string, string>; attachedPolicies: string[] }) => {
      for (const [name, text] of Object.entries(owner.inlinePolicies)) {
        const r = parsePolicy(text, "identity");
        const policyId = `${owner.arn}/inline/${name}`;
        identityPolicies.push(r.ok ? { policyId, document: r.policy } : deniesAll(policyId));
      }
      for (const arn of owner.attachedPolicies) {
        const policy = managedPolicy(arn);
        if (policy) identityPolicies.push(policy);
      }
    };
    let boundary: string | undefined;
    if (principal.type === "User") {
      const user = userById(ids, principal.account, id);
      if (user) {
        collect(user);
        for (const g of user.groups) {
          const group = get(principal.account, "group", g);
          if (group) collect(group);
        }
        boundary = user.permissionsBoundary;
      }
    } else if (principal.type === "AssumedRole") {
      const role = roleById(ids, principal.account, id);
      if (role && role.arn === principal.roleArn) {
        collect(role);
        boundary = role.permissionsBoundary;
      }
    }
    const result: CallerPolicies = { identityPolicies };
    if (boundary !== undefined) result.permissionsBoundary = managedPolicy(boundary) ?? allowsNothing(boundary);
    byPrincipal.set(cacheKey, result);
    return result;
  }

  /**
   * The session policies of a session, the managed ones as they read now; undefined for a session
   * without any. One that no longer exists allows nothing, so the session stays limited.
   */
  function sessionPoliciesOf(refs: SessionPolicyRefs | undefined, sessionArn: string): PolicyInput[] | undefined {
    if (!refs || (refs.policy === undefined && !refs.policyArns?.length)) return undefined;
    const out: PolicyInput[] = [];
    if (refs.policy !== undefined) {
      const id = `${sessionArn}/session-policy`;
      const r = parsePolicyCached(refs.policy, "identity");
      out.push(r.ok ? { policyId: id, document: r.policy } : allowsNothing(id));
    }
    for (const arn of refs.policyArns ?? []) out.push(managedPolicy(arn) ?? allowsNothing(arn));
    return out;
  }

  return {
    managedPolicy,
    policiesOf,
    sessionPoliciesOf,
    /** forget everything parsed: the identities changed */
    clear() {
      byPrincipal.clear();
      managed.clear();
    },
  };
}
