// Parses and validates a JSON policy document into the normalized PolicyDocument the evaluator
// reads. Errors are values carrying IAM's MalformedPolicyDocument code and message; the checks run
// in the order IAM reports them (syntax, version, legacy parsing, SIDs, actions, resources, ARNs,
// vendors), so a document with several faults gets the message IAM would give.

import { ServiceError } from "../edge/service-error.js";
import { BASE_OPERATORS, toEpochMs } from "./conditions.js";
import type { ConditionClause, PolicyDocument, PolicyKind, PrincipalSpec, Statement } from "./policy-types.js";

export type ParseResult = { ok: true; policy: PolicyDocument } | { ok: false; error: ServiceError };

export const MALFORMED = "MalformedPolicyDocument";
export const MESSAGES = {
  syntax: "Syntax errors in policy.",
  version: "Policy document must be version 2012-10-17 or greater.",
  legacy: "The policy failed legacy parsing",
  sidUnique: "Statement IDs (SID) in a single policy must be unique.",
  actions: "Policy statement must contain actions.",
  resources: "Policy statement must contain resources.",
  principalInIdentity: "Policy document should not specify a principal.",
  principalMissing: "Missing required field Principal",
  resourceInTrust: "Has prohibited field Resource.",
  vendorMissing: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
  oneColon: "Actions/Condition can contain only one colon.",
  vendorInvalid: (vendor: string) => `Vendor ${vendor} is not valid`,
  resourceFormat: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,
  partition: (partition: string, resource: string) => `Partition "${partition}" is not valid for resource "${resource}".`,
} as const;

const TOP_ELEMENTS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_ELEMENTS = new Set([
  "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition",
]);
const PRINCIPAL_TYPES = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);

/** Thrown inside the parser only; parsePolicy turns it into a value. */
class Malformed extends Error {}
const fail = (message: string): never => {
  throw new Malformed(message);
};
const syntax = (ok: unknown) => ok || fail(MESSAGES.syntax);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A string or a list of strings, normalized to a list (undefined when the element is absent). */
function stringList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return [v];
  syntax(Array.isArray(v) && v.every((x) => typeof x === "string"));
  return v as string[];
}

function principalSpec(v: unknown): PrincipalSpec | undefined {
  if (v === undefined) return undefined;
  if (v === "*") return "*";
  syntax(isObject(v));
  const spec: Exclude<PrincipalSpec, "*"> = {};
  for (const [type, ids] of Object.entries(v as Record<string, unknown>)) {
    syntax(PRINCIPAL_TYPES.has(type));
    spec[type as keyof typeof spec] = stringList(ids);
  }
  return spec;
}

function conditionValue(v: unknown): string[] {
  const scalar = (x: unknown) =>
    typeof x === "string" || typeof x === "boolean" || typeof x === "number" ? String(x) : fail(MESSAGES.syntax);
  return Array.isArray(v) ? v.map(scalar) : [scalar(v)];
}

/** Splits "ForAnyValue:StringLikeIfExists" into its parts; undefined for an unknown operator. */
export function splitOperator(operator: string): Omit<ConditionClause, "key" | "values"> | undefined {
  let rest = operator;
  let qualifier: ConditionClause["qualifier"];
  for (const q of ["ForAnyValue", "ForAllValues"] as const) {
    if (rest.startsWith(`${q}:`)) {
      qualifier = q;
      rest = rest.slice(q.length + 1);
    }
  }
  const ifExists = rest.endsWith("IfExists") && rest !== "IfExists";
  const base = ifExists ? rest.slice(0, -"IfExists".length) : rest;
  if (!BASE_OPERATORS.has(base) || (base === "Null" && ifExists)) return undefined;
  return { operator, base, qualifier, ifExists };
}

function conditions(v: unknown): ConditionClause[] {
  if (v === undefined) return [];
  syntax(isObject(v));
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(v as Record<string, unknown>)) {
    syntax(isObject(block));
    const entries = Object.entries(block as Record<string, unknown>);
    const parts = splitOperator(operator);
    // IAM accepts an unknown operator only with an empty block; with keys it is a syntax error.
    if (!parts) {
      syntax(entries.length === 0);
      continue;
    }
    for (const [key, raw] of entries) {
      const values = conditionValue(raw);
      if (parts.base.startsWith("Date")) {
        for (const value of values) if (Number.isNaN(toEpochMs(value))) fail(MESSAGES.legacy);
      }
      clauses.push({ ...parts, key, values });
    }
  }
  return clauses;
}

function statement(raw: unknown, index: number): Statement & { rawEffect: string } {
  syntax(isObject(raw));
  const s = raw as Record<string, unknown>;
  for (const key of Object.keys(s)) syntax(STATEMENT_ELEMENTS.has(key));
  syntax(!("Action" in s && "NotAction" in s));
  syntax(!("Resource" in s && "NotResource" in s));
  syntax(!("Principal" in s && "NotPrincipal" in s));
  syntax(typeof s.Effect === "string" && /^(allow|deny)$/i.test(s.Effect));
  syntax(s.Sid === undefined || typeof s.Sid === "string");
  const rawEffect = s.Effect as string;
  return {
    index,
    rawEffect,
    sid: s.Sid as string | undefined,
    effect: rawEffect.toLowerCase() === "allow" ? "Allow" : "Deny",
    action: stringList(s.Action),
    notAction: stringList(s.NotAction),
    resource: stringList(s.Resource),
    notResource: stringList(s.NotResource),
    principal: principalSpec(s.Principal),
    notPrincipal: principalSpec(s.NotPrincipal),
    conditions: conditions(s.Condition),
  };
}

/** IAM's resource-ARN checks: the first error a resource list gives, if any. */
function resourceError(resource: string): string | undefined {
  if (resource === "*") return undefined;
  const parts = resource.split(":");
  if (parts.length < 2) return MESSAGES.resourceFormat(resource);
  const partition = parts[1];
  if (!/^aws(-[a-z]+)*$/.test(partition)) {
    const seg = (i: number) => (parts[i] === undefined || (parts[i] === "" && i === parts.length - 1) ? "*" : parts[i]);
    const tail = parts.length > 5 ? parts.slice(5).join(":") : "*";
    return MESSAGES.partition(partition, `arn:${partition}:${seg(2)}:${seg(3)}:${seg(4)}:${tail}`);
  }
  return undefined;
}

function checkAction(action: string): void {
  if (action === "*") return;
  const parts = action.split(":");
  if (parts.length === 1) fail(MESSAGES.vendorMissing);
  if (parts.length > 2) fail(MESSAGES.oneColon);
  if (/[^a-zA-Z0-9\-.]/.test(parts[0])) fail(MESSAGES.vendorInvalid(parts[0]));
}

function validate(json: unknown, kind: PolicyKind): PolicyDocument {
  syntax(isObject(json));
  const doc = json as Record<string, unknown>;
  for (const key of Object.keys(doc)) syntax(TOP_ELEMENTS.has(key));
  syntax(doc.Version === undefined || doc.Version === "2012-10-17" || doc.Version === "2008-10-17");
  syntax(doc.Id === undefined || typeof doc.Id === "string");
  syntax(isObject(doc.Statement) || (Array.isArray(doc.Statement) && doc.Statement.length > 0));
  const rawStatements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const statements = rawStatements.map(statement);

  // IAM (identity and trust policies) needs 2012-10-17; a resource policy without Version is
  // 2008-10-17, in which ${...} is literal text.
  if (kind !== "resource" && doc.Version !== "2012-10-17") fail(MESSAGES.version);
  for (const s of statements) {
    if (s.rawEffect !== "Allow" && s.rawEffect !== "Deny") fail(MESSAGES.legacy);
    for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
      const parts = r.split(":");
      if (r !== "*" && ((r.includes("::") && parts.length < 6) || parts[2] === "")) fail(MESSAGES.legacy);
    }
  }
  const sids = new Set<string>();
  for (const s of statements) {
    if (!s.sid) continue;
    if (sids.has(s.sid)) fail(MESSAGES.sidUnique);
    sids.add(s.sid);
  }
  for (const s of statements) {
    if (kind === "identity" && (s.principal || s.notPrincipal)) fail(MESSAGES.principalInIdentity);
    if (kind !== "identity" && !s.principal && !s.notPrincipal) fail(MESSAGES.principalMissing);
  }
  for (const s of statements) if (!(s.action ?? s.notAction)?.length) fail(MESSAGES.actions);
  for (const s of statements) {
    const hasResource = s.resource !== undefined || s.notResource !== undefined;
    if (kind === "trust" && hasResource) fail(MESSAGES.resourceInTrust);
    if (kind !== "trust" && !(s.resource ?? s.notResource)?.length) fail(MESSAGES.resources);
  }
  for (const s of statements) {
    for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
      const error = resourceError(r);
      if (error) fail(error);
    }
  }
  for (const s of statements) for (const a of [...(s.action ?? []), ...(s.notAction ?? [])]) checkAction(a);

  const policy: PolicyDocument = {
    version: doc.Version === "2012-10-17" ? "2012-10-17" : "2008-10-17",
    statements: statements.map(({ rawEffect: _, ...s }) => s),
  };
  if (typeof doc.Id === "string") policy.id = doc.Id;
  return policy;
}

/** Parses a policy document (JSON text, or an already-decoded value) for the given kind. */
export function parsePolicy(document: string | unknown, kind: PolicyKind = "identity"): ParseResult {
  try {
    let json: unknown = document;
    if (typeof document === "string") {
      try {
        json = JSON.parse(document);
      } catch {
        fail(MESSAGES.syntax);
      }
    }
    return { ok: true, policy: validate(json, kind) };
  } catch (err) {
    if (err instanceof Malformed) return { ok: false, error: new ServiceError(MALFORMED, err.message) };
    throw err;
  }
}
