// The one policy parser: a JSON document of a kind (identity, trust, secret resource, KMS key) into
// the normalized PolicyDocument the evaluator reads, or the first fault. Services validate what
// they store with it and the describers parse what is stored with it, so a document is accepted
// exactly when it evaluates. The checks run in the order IAM reports them (syntax, version, legacy
// parsing, SIDs, principals, actions, resources, ARNs, vendors); the kinds' rules are policy-grammar.ts.

import { ServiceError } from "../contract/service-error.js";
import { BASE_OPERATORS, toEpochMs } from "./conditions.js";
import { GRAMMARS, MALFORMED, iamMessage, isAwsPrincipal, isServicePrincipal, isStrictAction, type Grammar, type PolicyFault } from "./policy-grammar.js";
import type { ConditionClause, PolicyDocument, PolicyKind, PrincipalSpec, Statement } from "../contract/policy-types.js";

export { MALFORMED, MESSAGES } from "./policy-grammar.js";

/** A parsed document, or the first fault with IAM's error for it (other services map the fault to their own message). */
export type ParseResult = { ok: true; policy: PolicyDocument } | { ok: false; fault: PolicyFault; error: ServiceError };

const TOP_ELEMENTS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_ELEMENTS = new Set([
  "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition",
]);
const PRINCIPAL_TYPES = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);

/** Thrown inside the parser only; parsePolicy turns it into a value. */
class Malformed extends Error {
  constructor(readonly fault: PolicyFault) {
    super(fault.code);
  }
}
const fail = (fault: PolicyFault): never => {
  throw new Malformed(fault);
};
const syntax = (ok: unknown) => ok || fail({ code: "syntax" });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A string or a list of strings, normalized to a list (undefined when the element is absent). */
function stringList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return [v];
  syntax(Array.isArray(v) && v.every((x) => typeof x === "string"));
  return v as string[];
}

function principalSpec(v: unknown, g: Grammar): PrincipalSpec | undefined {
  if (v === undefined) return undefined;
  if (v === "*") return "*";
  syntax(isObject(v) && (!g.strict || Object.keys(v).length > 0));
  const spec: Exclude<PrincipalSpec, "*"> = {};
  for (const [type, ids] of Object.entries(v as Record<string, unknown>)) {
    syntax(PRINCIPAL_TYPES.has(type));
    const list = stringList(ids)!;
    if (g.strict) {
      syntax(list.length > 0);
      if (type === "AWS" && !list.every(isAwsPrincipal)) fail({ code: "principalUnsupported" });
      if (type === "Service" && !list.every(isServicePrincipal)) fail({ code: "servicePrincipalInvalid" });
      if (type === "Federated" || type === "CanonicalUser") fail({ code: "principalUnsupported" });
    }
    spec[type as keyof typeof spec] = list;
  }
  return spec;
}

function conditionValue(v: unknown): string[] {
  const scalar = (x: unknown) =>
    typeof x === "string" || typeof x === "boolean" || typeof x === "number" ? String(x) : fail({ code: "syntax" });
  return Array.isArray(v) ? v.map(scalar) : [scalar(v)];
}

/** Splits "ForAnyValue:StringLikeIfExists" into its parts; undefined for an unknown operator. */
function splitOperator(operator: string): Omit<ConditionClause, "key" | "values"> | undefined {
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

function conditions(v: unknown, g: Grammar): ConditionClause[] {
  if (v === undefined) return [];
  syntax(isObject(v));
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(v as Record<string, unknown>)) {
    syntax(isObject(block));
    const entries = Object.entries(block as Record<string, unknown>);
    // Resource-based policies refuse an empty operator block outright.
    syntax(!g.strict || entries.length > 0);
    const parts = splitOperator(operator);
    // IAM accepts an unknown operator only with an empty block (which then says nothing); with keys it is a syntax error.
    if (!parts) {
      syntax(entries.length === 0);
      continue;
    }
    for (const [key, raw] of entries) {
      const values = conditionValue(raw);
      if (parts.base.startsWith("Date")) {
        for (const value of values) if (Number.isNaN(toEpochMs(value))) fail({ code: "legacy" });
      }
      clauses.push({ ...parts, key, values });
    }
  }
  return clauses;
}

type Parsed = Statement & { rawEffect: string };

function statement(raw: unknown, index: number, g: Grammar): Parsed {
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
    principal: principalSpec(s.Principal, g),
    notPrincipal: principalSpec(s.NotPrincipal, g),
    conditions: conditions(s.Condition, g),
  };
}

/** IAM's resource-ARN checks: the first fault a resource gives, if any. */
function resourceFault(resource: string, g: Grammar): PolicyFault | undefined {
  if (resource === "*") return undefined;
  const parts = resource.split(":");
  if (parts.length < 2 || (g.strict && parts[0] !== "arn")) return { code: "resourceFormat", resource };
  const partition = parts[1];
  if (!/^aws(-[a-z]+)*$/.test(partition)) {
    const seg = (i: number) => (parts[i] === undefined || (parts[i] === "" && i === parts.length - 1) ? "*" : parts[i]);
    const tail = parts.length > 5 ? parts.slice(5).join(":") : "*";
    return { code: "partition", partition, resource: `arn:${partition}:${seg(2)}:${seg(3)}:${seg(4)}:${tail}` };
  }
  return undefined;
}

function checkAction(action: string, g: Grammar): void {
  if (action === "*") return;
  const parts = action.split(":");
  if (parts.length === 1) fail({ code: "vendorMissing" });
  if (parts.length > 2) fail({ code: "oneColon" });
  if (/[^a-zA-Z0-9\-.]/.test(parts[0])) fail({ code: "vendorInvalid", vendor: parts[0] });
  if (g.strict && !isStrictAction(action)) fail({ code: "syntax" });
}

const actionsOf = (s: Statement) => s.action ?? s.notAction;
const resourcesOf = (s: Statement) => s.resource ?? s.notResource;

function validate(json: unknown, kind: PolicyKind): PolicyDocument {
  const g = GRAMMARS[kind];
  syntax(isObject(json));
  const doc = json as Record<string, unknown>;
  for (const key of Object.keys(doc)) syntax(TOP_ELEMENTS.has(key));
  if (doc.Version !== undefined && doc.Version !== "2012-10-17" && doc.Version !== "2008-10-17") fail({ code: "unknownVersion" });
  syntax(doc.Id === undefined || typeof doc.Id === "string");
  syntax(isObject(doc.Statement) || (Array.isArray(doc.Statement) && doc.Statement.length > 0));
  const rawStatements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const statements = rawStatements.map((raw, i) => statement(raw, i, g));

  // In a 2008-10-17 document (a resource policy without Version) ${...} is literal text.
  if (g.currentVersionOnly && doc.Version !== "2012-10-17") fail({ code: "version" });
  for (const s of statements) {
    if (s.rawEffect !== "Allow" && s.rawEffect !== "Deny") fail({ code: "legacy" });
    for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
      const parts = r.split(":");
      if (r !== "*" && ((r.includes("::") && parts.length < 6) || parts[2] === "")) fail({ code: "legacy" });
    }
  }
  if (g.uniqueSids) {
    const sids = new Set<string>();
    for (const s of statements) {
      if (!s.sid) continue;
      if (sids.has(s.sid)) fail({ code: "sidUnique" });
      sids.add(s.sid);
    }
  }
  for (const s of statements) {
    if (g.principal === "forbidden" && (s.principal || s.notPrincipal)) fail({ code: "principalInIdentity" });
    if (g.principal === "required" && !s.principal && !s.notPrincipal) fail({ code: "principalMissing" });
  }
  const complete = (s: Statement) => !!actionsOf(s)?.length && (g.resource === "forbidden" || !!resourcesOf(s)?.length);
  if (!g.incompleteStatementsInert) {
    for (const s of statements) if (!actionsOf(s)?.length) fail({ code: "actions" });
    for (const s of statements) {
      if (g.resource === "forbidden" && (s.resource !== undefined || s.notResource !== undefined)) fail({ code: "resourceInTrust" });
      if (g.resource === "required" && !resourcesOf(s)?.length) fail({ code: "resources" });
    }
  }
  for (const s of statements) {
    for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
      const fault = resourceFault(r, g);
      if (fault) fail(fault);
    }
  }
  for (const s of statements) for (const a of [...(s.action ?? []), ...(s.notAction ?? [])]) checkAction(a, g);

  const policy: PolicyDocument = {
    version: doc.Version === "2012-10-17" ? "2012-10-17" : "2008-10-17",
    // A statement KMS accepts without Action or Resource has no effect: the evaluator never sees it.
    statements: statements.filter(complete).map(({ rawEffect: _, ...s }) => s),
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
        fail({ code: "syntax" });
      }
    }
    return { ok: true, policy: validate(json, kind) };
  } catch (err) {
    if (err instanceof Malformed) return { ok: false, fault: err.fault, error: new ServiceError(MALFORMED, iamMessage(err.fault)) };
    throw err;
  }
}
