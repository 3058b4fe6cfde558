// What a service says a call asks for, so the policy engine can decide it (DESIGN §6): the IAM
// action, the resource, whose it is, the condition keys the request supplies, and the resource's
// own policy (a secret's resource policy, a KMS key policy, a role's trust policy).

import type { ConditionValues, ContextValue, ResourcePolicyRef } from "./policy-types.js";
import type { CallContext } from "./call-context.js";

export interface AccessRequest {
  /** e.g. "secretsmanager:GetSecretValue" */
  action: string;
  /** the resource's ARN, or "*" for actions on no resource (ListSecrets, GetRandomPassword) */
  resource: string;
  /** account that owns the resource; the caller's for "*" */
  resourceAccount: string;
  /** condition keys the resource supplies (aws:ResourceTag/…), kept apart so they can be cached per resource */
  resourceConditions?: ConditionValues;
  /** condition keys from the request (secretsmanager:VersionStage, aws:RequestTag/…); they win over the resource's */
  conditions?: ConditionValues;
  /** the resource's own policy; one stored but unreadable is passed as such, and denies (never left out) */
  resourcePolicy?: ResourcePolicyRef;
  /** the error a denial gets when it is not the service's usual one (a KMS refusal inside Secrets Manager) */
  deniedAs?: { code: string; message: string };
  /**
   * The same request as it is decided when the resource does not exist: the resource as the
   * caller named it (the ARN a name would have, an ARN or partial ARN as given, an alias's ARN)
   * with none of the resource's own facts. A denial is worded on it, so that a caller who may not
   * act on a resource is answered alike whether it exists or not (DESIGN §12).
   */
  named?: AccessRequest;
}

/**
 * A service's description of a validated call: the requests to decide, all of which must be
 * allowed. Reads what it needs (the secret, the key) but changes nothing. The input is the call's
 * as it arrived (validated against the operation's input shape), or one a service builds for a
 * further call (CallContext.authorizeAs); `describing` reads it as the service's request members.
 */
export type AccessDescriber = (ctx: CallContext, operation: string, input: unknown) => Promise<AccessRequest[]>;

/** The union of the input shapes of a generated `<Service>Operations` interface. */
type InputOf<Ops> = { [K in keyof Ops]: Ops[K] extends { input: infer I } ? I : never }[keyof Ops];
/** The member names of each shape of a union; a shape without members (Record<string, never>) has none. */
type KeysOf<T> = T extends unknown ? (string extends keyof T ? never : keyof T) : never;
type MemberOf<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/**
 * Every member of any of a service's request shapes, each typed as the requests that have it type
 * it, and all optional: what a describer may read of an input without knowing which operation's it
 * is (e.g. RequestMembers<SecretsManagerOperations> has SecretId?: string, Tags?: Tag[], …).
 */
export type RequestMembers<Ops> = { [K in KeysOf<InputOf<Ops>>]?: MemberOf<InputOf<Ops>, K> };

/**
 * A describer that reads the input as `Input` (usually RequestMembers of the service's operations).
 * The model validated the input against the operation's shape before any describer runs, so each
 * member present has the type its request shape gives it; an input that is no object (a query
 * call without parameters) is read as one without members.
 */
export function describing<Input extends object>(
  describe: (ctx: CallContext, operation: string, input: Partial<Input>) => Promise<AccessRequest[]>,
): AccessDescriber {
  return (ctx, operation, input) => describe(ctx, operation, typeof input === "object" && input !== null ? (input as Partial<Input>) : {});
}

/**
 * The describer, with each unreadable resource policy it attaches reported (the report logs it
 * once): the evaluator denies on such a policy, and an operator needs to hear of it.
 */
export function reportingUnreadablePolicies(describe: AccessDescriber, report: (policy: ResourcePolicyRef | undefined) => void): AccessDescriber {
  return (ctx, operation, input) =>
    describe(ctx, operation, input).then((requests) => {
      for (const r of requests) if (r.resourcePolicy && "unreadable" in r.resourcePolicy) report(r.resourcePolicy);
      return requests;
    });
}

/** Condition keys for a resource's tags: aws:ResourceTag/k, and the service's own form (e.g. secretsmanager:ResourceTag/k). */
export function resourceTagKeys(service: string, tags: { Key: string; Value: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    out[`aws:ResourceTag/${t.Key}`] = t.Value;
    out[`${service}:ResourceTag/${t.Key}`] = t.Value;
  }
  return out;
}

/** Condition keys for the tags a request sets: aws:RequestTag/k and aws:TagKeys. */
export function requestTagKeys(tags: { Key?: string; Value?: string }[] | undefined, tagKeys?: string[]): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  if (tags) for (const t of tags) if (t.Key !== undefined) out[`aws:RequestTag/${t.Key}`] = t.Value ?? "";
  const keys = tagKeys ?? tags?.map((t) => t.Key).filter((k): k is string => k !== undefined);
  if (keys) out["aws:TagKeys"] = keys;
  return out;
}
