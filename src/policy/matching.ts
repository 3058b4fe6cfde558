// Wildcard and policy-variable matching for the Action, Resource and Principal elements and for
// the String/Arn condition operators. Patterns compile to anchored RegExps, cached when they hold
// no policy variable, so evaluating the same policies again costs a map lookup.

import type { ContextValue, PrincipalSpec, RequestPrincipal } from "../contract/policy-types.js";

/** Reads a condition key from the request context (case-insensitive), for ${...} variables. */
export type Lookup = (key: string) => ContextValue | undefined;

export interface PatternOptions {
  ignoreCase: boolean;
  /** "*" and "?" are wildcards (StringLike, ArnLike, Action, Resource); else literal */
  wildcards: boolean;
  /** wildcards in the first five colon-separated ARN segments do not cross a colon */
  arnSegments: boolean;
  /** resolve ${...} policy variables (Version 2012-10-17); without it "${" is literal */
  variables?: Lookup;
}

/** Compiled patterns without variables, one map per combination of options (index: flags as bits). */
const caches: Map<string, RegExp>[] = Array.from({ length: 8 }, () => new Map());
const CACHE_LIMIT = 10_000;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The text a context value gives a policy variable; multi-valued keys cannot be variables. */
export function scalarText(value: ContextValue | undefined): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, "Z");
  return String(value);
}

/** Resolves one ${...} body: a key with an optional default, ${key, 'default'}. */
function resolveVariable(body: string, lookup: Lookup): string | undefined {
  if (body === "*" || body === "?" || body === "$") return body;
  const m = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(body);
  if (!m) return undefined;
  return scalarText(lookup(m[1])) ?? m[2];
}

/** Compiles a policy pattern; undefined when a policy variable has no value (no match). */
export function compilePattern(raw: string, opts: PatternOptions): RegExp | undefined {
  const hasVariables = opts.variables !== undefined && raw.includes("${");
  const cache = caches[(opts.ignoreCase ? 4 : 0) | (opts.wildcards ? 2 : 0) | (opts.arnSegments ? 1 : 0)]!;
  if (!hasVariables) {
    const hit = cache.get(raw);
    if (hit) return hit;
  }
  let src = "";
  let colons = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (hasVariables && c === "$" && raw[i + 1] === "{") {
      const end = raw.indexOf("}", i + 2);
      if (end > 0) {
        const value = resolveVariable(raw.slice(i + 2, end), opts.variables!);
        if (value === undefined) return undefined;
        src += escapeRe(value);
        i = end;
        continue;
      }
    }
    const inSegment = opts.arnSegments && colons < 5;
    if (opts.wildcards && c === "*") src += inSegment ? "[^:]*" : "[\\s\\S]*";
    else if (opts.wildcards && c === "?") src += inSegment ? "[^:]" : "[\\s\\S]";
    else {
      if (c === ":") colons++;
      src += escapeRe(c);
    }
  }
  const re = new RegExp(`^${src}$`, opts.ignoreCase ? "i" : "");
  if (!hasVariables) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(raw, re);
  }
  return re;
}

/** Action names: service prefix and action are case-insensitive; "*" and "?" are wildcards. */
export function matchAction(pattern: string, action: string): boolean {
  if (pattern === "*") return true;
  return compilePattern(pattern, { ignoreCase: true, wildcards: true, arnSegments: false })!.test(action);
}

/** Resource ARNs: case-sensitive, wildcards per ARN segment, policy variables when allowed. */
export function matchResource(pattern: string, resource: string, variables?: Lookup): boolean {
  if (pattern === "*") return true;
  const re = compilePattern(pattern, {
    ignoreCase: false,
    wildcards: true,
    arnSegments: pattern.startsWith("arn:"),
    variables,
  });
  return re !== undefined && re.test(resource);
}

const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;
const ACCOUNT_ID = /^\d{12}$/;

/** The account an AWS principal entry names as a whole ("111122223333" or its root ARN). */
function accountOfEntry(entry: string): string | undefined {
  if (ACCOUNT_ID.test(entry)) return entry;
  return ROOT_ARN.exec(entry)?.[1];
}

/**
 * How a Principal element names the caller: "exact" (the caller itself, or "*"), "role" (the role
 * of a role session, whose grant boundaries and session policies limit), "account" (the caller's
 * account as a whole: the account root, and a delegation to the account's own IAM policies for
 * everyone else in it), or "none".
 */
export type PrincipalMatch = "exact" | "role" | "account" | "none";

export function matchPrincipal(spec: PrincipalSpec, p: RequestPrincipal): PrincipalMatch {
  if (spec === "*") return "exact";
  if (p.type === "Service") return spec.Service?.includes(p.arn) ? "exact" : "none";
  if (p.type === "Anonymous") return spec.AWS?.includes("*") ? "exact" : "none";
  let best: PrincipalMatch = "none";
  for (const entry of spec.AWS ?? []) {
    if (entry === "*" || entry === p.arn) return "exact";
    if (p.roleArn !== undefined && entry === p.roleArn) best = "role";
    else if (best === "none" && accountOfEntry(entry) === p.account) best = "account";
  }
  if (best === "none" && (spec.Federated?.includes(p.arn) || spec.CanonicalUser?.includes(p.arn))) return "exact";
  return best;
}

/**
 * NotPrincipal excludes a caller only when the caller and its account are both listed (the IAM
 * User Guide's NotPrincipal examples list the user or role-session ARN together with the account).
 */
export function excludedByNotPrincipal(spec: PrincipalSpec, p: RequestPrincipal): boolean {
  if (spec === "*") return true;
  if (p.type === "Service") return spec.Service?.includes(p.arn) ?? false;
  const aws = spec.AWS ?? [];
  if (aws.includes("*")) return true;
  const accountListed = aws.some((e) => accountOfEntry(e) === p.account);
  if (p.type === "Root") return accountListed;
  const selfListed = aws.includes(p.arn) || (p.roleArn !== undefined && aws.includes(p.roleArn));
  return selfListed && accountListed;
}
