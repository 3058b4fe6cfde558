// Parsed policies by their text: resource and key policies are read on every request that touches
// their resource, and parsing is the dearest step. Bounded; the oldest entry leaves first.

import { parsePolicy, type ParseResult } from "./parse-policy.js";
import type { PolicyKind } from "./policy-types.js";

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
