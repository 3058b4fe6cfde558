// Condition operators, as the IAM User Guide ("Condition operators", "Conditions with multiple
// context keys or values") defines them: operators and keys are ANDed, values for one key ORed
// (NORed for the negated operators); a missing key fails a positive operator and satisfies a
// negated one; ...IfExists passes on a missing key; ForAllValues holds on a missing or empty set
// and ForAnyValue fails on one.

import type { ConditionClause, ContextValue } from "../contract/policy-types.js";
import { compilePattern, scalarText, type Lookup } from "./matching.js";

type Scalar = Exclude<ContextValue, string[]>;
/** Positive test of one request value against one policy value. */
type Test = (request: Scalar, policy: string, variables: Lookup | undefined) => boolean;

const lowerText = memo((text: string) => text.toLowerCase());

const textPattern = (ignoreCase: boolean, wildcards: boolean, arnSegments: boolean): Test =>
  (request, policy, variables) => {
    const text = scalarText(request);
    if (text === undefined) return false;
    // Equality without a policy variable is a comparison, not a pattern.
    if (!wildcards && (variables === undefined || !policy.includes("${"))) {
      return ignoreCase ? text === policy || text.toLowerCase() === lowerText(policy) : text === policy;
    }
    const re = compilePattern(policy, { ignoreCase, wildcards, arnSegments, variables });
    return re !== undefined && re.test(text);
  };

function toNumber(v: Scalar | string): number {
  if (typeof v === "number") return v;
  if (typeof v !== "string" || v.trim() === "") return NaN;
  return Number(v);
}

/** An instant in ms: Date, epoch seconds (number or digits), or ISO 8601 text. */
export function toEpochMs(v: Scalar | string): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "number") return v * 1000;
  if (typeof v !== "string") return NaN;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  return parseDate(v);
}

const numeric = (cmp: (a: number, b: number) => boolean): Test => (request, policy) => {
  const a = toNumber(request);
  const b = toNumber(policy);
  return !Number.isNaN(a) && !Number.isNaN(b) && cmp(a, b);
};

const date = (cmp: (a: number, b: number) => boolean): Test => (request, policy) => {
  const a = toEpochMs(request);
  const b = toEpochMs(policy);
  return !Number.isNaN(a) && !Number.isNaN(b) && cmp(a, b);
};

// Addresses and dates recur request after request (the caller's address, a policy's CIDRs and
// instants): parsed once, looked up after.
const MEMO_LIMIT = 10_000;
function memo<T>(fn: (text: string) => T): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    if (seen.has(text)) return seen.get(text)!;
    const value = fn(text);
    if (seen.size >= MEMO_LIMIT) seen.clear();
    seen.set(text, value);
    return value;
  };
}

const parseIp = memo(parseIpText);
const parseDate = memo((text: string) => Date.parse(text));

/** Parses an IPv4 or IPv6 address to [bits, value]; undefined when it is neither. */
function parseIpText(text: string): [number, bigint] | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split(".").map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return [32, parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n)];
  }
  if (!text.includes(":") || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const v4 = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const parsed = parseIp(v4[1]);
    if (!parsed || parsed[0] !== 32) return undefined;
    const high = (parsed[1] >> 16n).toString(16);
    const low = (parsed[1] & 0xffffn).toString(16);
    return parseIp(`${text.slice(0, v4.index + 1)}${high}:${low}`);
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - left.length - right.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const all = [...left, ...Array(halves.length === 2 ? fill : 0).fill("0"), ...right];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return [128, all.map((g) => parseInt(g, 16)).reduce((acc, w) => (acc << 16n) | BigInt(w), 0n)];
}

/** A CIDR block as [bits, shift, network >> shift]; undefined when it is not one. */
const parseCidr = memo((cidr: string): [number, bigint, bigint] | undefined => {
  const [net, prefixText] = cidr.split("/");
  const n = parseIp(net!.trim());
  if (!n) return undefined;
  const bits = n[0];
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const shift = BigInt(bits - prefix);
  return [bits, shift, n[1] >> shift];
});

/** Does the address fall in the CIDR block (a bare address is a /32 or /128)? */
export function ipInCidr(address: string, cidr: string): boolean {
  const a = parseIp(address.trim());
  const block = parseCidr(cidr);
  return a !== undefined && block !== undefined && a[0] === block[0] && a[1] >> block[1] === block[2];
}

const POSITIVE: Record<string, Test> = {
  StringEquals: textPattern(false, false, false),
  StringEqualsIgnoreCase: textPattern(true, false, false),
  StringLike: textPattern(false, true, false),
  NumericEquals: numeric((a, b) => a === b),
  NumericLessThan: numeric((a, b) => a < b),
  NumericLessThanEquals: numeric((a, b) => a <= b),
  NumericGreaterThan: numeric((a, b) => a > b),
  NumericGreaterThanEquals: numeric((a, b) => a >= b),
  DateEquals: date((a, b) => a === b),
  DateLessThan: date((a, b) => a < b),
  DateLessThanEquals: date((a, b) => a <= b),
  DateGreaterThan: date((a, b) => a > b),
  DateGreaterThanEquals: date((a, b) => a >= b),
  Bool: textPattern(true, false, false),
  BinaryEquals: (request, policy) => scalarText(request) === policy,
  IpAddress: (request, policy) => {
    const text = scalarText(request);
    return text !== undefined && ipInCidr(text, policy);
  },
  ArnEquals: textPattern(false, true, true),
  ArnLike: textPattern(false, true, true),
};

/** Negated operators and the positive operator each negates. */
const NEGATED: Record<string, string> = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  NumericNotEquals: "NumericEquals",
  DateNotEquals: "DateEquals",
  NotIpAddress: "IpAddress",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
};

/** Every operator name without qualifier or IfExists suffix. */
export const BASE_OPERATORS: ReadonlySet<string> = new Set([
  ...Object.keys(POSITIVE),
  ...Object.keys(NEGATED),
  "Null",
]);

const isAbsent = (values: Scalar[]) => values.length === 0;

/** Does one clause (one key of one operator) hold for the request? */
function clauseHolds(clause: ConditionClause, lookup: Lookup, variables: Lookup | undefined): boolean {
  const raw = lookup(clause.key);
  const requestValues: Scalar[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (clause.base === "Null") {
    const absent = isAbsent(requestValues);
    return clause.values.some((v) => (v.toLowerCase() === "true") === absent);
  }
  const positiveName = NEGATED[clause.base] ?? clause.base;
  const negated = positiveName !== clause.base;
  const test = POSITIVE[positiveName];
  if (!test) return false;
  if (isAbsent(requestValues)) {
    if (clause.ifExists || clause.qualifier === "ForAllValues") return true;
    if (clause.qualifier === "ForAnyValue") return false;
    return negated;
  }
  const holdsFor = (value: Scalar) => {
    const hit = clause.values.some((policyValue) => test(value, policyValue, variables));
    return negated ? !hit : hit;
  };
  return clause.qualifier === "ForAllValues" ? requestValues.every(holdsFor) : requestValues.some(holdsFor);
}

/** All clauses of a statement's Condition element hold (logical AND). */
export function conditionsHold(clauses: ConditionClause[], lookup: Lookup, variables: Lookup | undefined): boolean {
  return clauses.every((c) => clauseHolds(c, lookup, variables));
}
