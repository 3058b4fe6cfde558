// Parsed policies by their text: resource and key policies are read on every request that touches
// their resource, and parsing is the dearest step. Bounded; the oldest entry leaves first. A stored
// policy that no longer parses is handed on as unreadable (the evaluator denies on it) and logged
// once, not on every request it denies.

import { parsePolicy, type ParseResult } from "./parse-policy.js";
import type { PolicyKind, ResourcePolicyInput, ResourcePolicyRef } from "../contract/policy-types.js";
import type { Logger } from "../util/logger.js";

const MAX_ENTRIES = 2_000;
const cache = new Map<string, ParseResult>();

export function parsePolicyCached(text: string, kind: PolicyKind): ParseResult {
  const key = `${kind}\u0000${text}`;
  let result = cache.get(key);
  if (!result) {
    result = parsePolicy(text, kind);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, result);
  }
  return result;
}

/**
 * A resource's stored policy (a secret's resource policy, a key policy) as the evaluator takes it:
 * parsed with the grammar it was accepted under, or unreadable, never left out.
 */
export function storedResourcePolicy(
  text: string | undefined,
  kind: NonNullable<ResourcePolicyInput["kind"]>,
  policyId: string,
): ResourcePolicyRef | undefined {
  if (text === undefined) return undefined;
  const parsed = parsePolicyCached(text, kind);
  return parsed.ok ? { policyId, document: parsed.policy, kind } : { policyId, kind, unreadable: parsed.error.message };
}

/** Reports each unreadable policy once per policy id and complaint, however many requests it denies. */
export function makeUnreadablePolicyLog(log: Pick<Logger, "error">): (policy: ResourcePolicyRef | undefined) => void {
  const seen = new Set<string>();
  return (policy) => {
    if (!policy || !("unreadable" in policy)) return;
    const key = `${policy.policyId}\u0000${policy.unreadable}`;
    if (seen.has(key)) return;
    if (seen.size >= MAX_ENTRIES) seen.clear();
    seen.add(key);
    log.error("stored policy cannot be parsed; every request on its resource is denied", {
      policyId: policy.policyId,
      kind: policy.kind,
      problem: policy.unreadable,
    });
  };
}
