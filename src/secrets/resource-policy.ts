// Static checks on a secret's resource policy: the grammar PutResourcePolicy insists on, the
// "broad access" test behind BlockPublicPolicy, and the report ValidateResourcePolicy returns.
// Evaluation of the policy against a caller is the policy engine's (src/policy, src/authz).

import { ServiceError, validation } from "../edge/service-error.js";
import { parsePolicy as parseForEvaluation } from "../policy/parse-policy.js";

export const MAX_POLICY_LENGTH = 20480;
export const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"];

export const MSG_SYNTAX_ERROR = "This resource policy contains a syntax error.";
export const MSG_INVALID_VERSION = "This policy has invalid syntax.";
export const MSG_UNSUPPORTED_PRINCIPAL = "This resource policy contains an unsupported principal.";
export const MSG_INVALID_SERVICE_PRINCIPAL = "This resource policy contains an invalid service principal.";
export const MSG_PUBLIC_POLICY = "You can't attach a resource-based policy that allows broad access to the secret.";
export const MSG_BROAD_ACCESS =
  "This resource policy grants broad access to your secret. Secrets Manager does not allow creating and applying such policies in the console.";
export const MSG_LOCKOUT = "Your requested changes will not allow you to manage this secret in the future.";
export const CHECK_BROAD_ACCESS = "BroadAccessCheck";
export const CHECK_LOCKOUT = "LockoutCheck";

/** Actions that act on a secret (every operation in the model except the two account-level ones). */
export const SECRET_ACTIONS = [
  "BatchGetSecretValue", "CancelRotateSecret", "CreateSecret", "DeleteResourcePolicy", "DeleteSecret",
  "DescribeSecret", "GetResourcePolicy", "GetSecretValue", "ListSecretVersionIds", "PutResourcePolicy",
  "PutSecretValue", "RemoveRegionsFromReplication", "ReplicateSecretToRegions", "RestoreSecret", "RotateSecret",
  "StopReplicationToReplica", "TagResource", "UntagResource", "UpdateSecret", "UpdateSecretVersionStage",
  "ValidateResourcePolicy",
].map((a) => `secretsmanager:${a}`);

// Condition keys that pin a request to fixed callers or networks: a public principal limited
// by one of these (with a fixed value) is not broad access.
const LIMITING_KEYS = new Set([
  "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip",
  "aws:sourceorgid", "aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:userid",
]);
const POSITIVE_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"]);
const NEGATED_OPERATORS = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike", "notipaddress"]);

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]);
const PRINCIPAL_TYPES = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);

type Principal = "*" | Record<string, string[]>;
type Conditions = Record<string, Record<string, string[]>>;

interface Statement {
  effect: "Allow" | "Deny";
  principal?: Principal;
  notPrincipal?: Principal;
  action?: string[];
  notAction?: string[];
  condition: Conditions;
}

/** Throws MalformedPolicyDocumentException (or ValidationException for size) unless the policy is well formed. */
export function checkPolicyGrammar(policy: string): void {
  parsePolicy(policy);
}

/** PutResourcePolicy's error when BlockPublicPolicy is set and isPublicPolicy() holds. */
export const publicPolicyError = () => new ServiceError("PublicPolicyException", MSG_PUBLIC_POLICY);

/**
 * ValidateResourcePolicy's answer. A policy that does not parse is an error, as for
 * PutResourcePolicy; broad access and lock-out are reported as validation errors.
 */
export function validateResourcePolicy(policy: string): {
  PolicyValidationPassed: boolean;
  ValidationErrors: { CheckName: string; ErrorMessage: string }[];
} {
  const statements = parsePolicy(policy);
  const errors: { CheckName: string; ErrorMessage: string }[] = [];
  if (grantsPublicAccess(statements)) errors.push({ CheckName: CHECK_BROAD_ACCESS, ErrorMessage: MSG_BROAD_ACCESS });
  if (locksOut(statements)) errors.push({ CheckName: CHECK_LOCKOUT, ErrorMessage: MSG_LOCKOUT });
  return { PolicyValidationPassed: errors.length === 0, ValidationErrors: errors };
}

/**
 * True when some Allow reaches the secret for a wildcard principal (or via NotPrincipal)
 * without a fixed-value condition on the caller's account, organization, ARN or network,
 * and no Deny for everyone outside such a boundary takes it back. The owning account does
 * not change the answer: a named principal, even in another account, is never "broad".
 */
export function isPublicPolicy(policy: string, accountId: string): boolean {
  void accountId;
  return grantsPublicAccess(parsePolicy(policy));
}

function grantsPublicAccess(statements: Statement[]): boolean {
  const fences = statements.filter(
    (s) => s.effect === "Deny" && isEveryone(s) && coversAll(s, SECRET_ACTIONS) && isNegatedBoundary(s.condition),
  );
  return statements.some(
    (s) => s.effect === "Allow" && (isEveryone(s) || s.notPrincipal !== undefined) &&
      reachesSecret(s) && !hasLimitingCondition(s.condition) && fences.length === 0,
  );
}

function locksOut(statements: Statement[]): boolean {
  const manage = ["secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy"];
  return statements.some((s) => s.effect === "Deny" && isEveryone(s) && Object.keys(s.condition).length === 0 && coversAll(s, manage));
}

function isEveryone(s: Statement): boolean {
  const p = s.principal;
  return p === "*" || (p !== undefined && (p["AWS"] ?? []).includes("*"));
}

function actionMatches(pattern: string, action: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(action);
}

function allows(s: Statement, action: string): boolean {
  if (s.action) return s.action.some((p) => actionMatches(p, action));
  return !(s.notAction ?? []).some((p) => actionMatches(p, action));
}

const reachesSecret = (s: Statement) => SECRET_ACTIONS.some((a) => allows(s, a));
const coversAll = (s: Statement, actions: string[]) => actions.every((a) => allows(s, a));

function splitOperator(operator: string): { base: string; forAll: boolean; ifExists: boolean } {
  let base = operator.toLowerCase();
  const forAll = base.startsWith("forallvalues:");
  base = base.replace(/^(forallvalues|foranyvalue):/, "");
  const ifExists = base.endsWith("ifexists");
  return { base: ifExists ? base.slice(0, -"ifexists".length) : base, forAll, ifExists };
}

/** A fixed value names one account/org/network: no bare wildcard, no wildcard account in an ARN. */
function isFixedValue(key: string, value: string): boolean {
  if (value === "" || value.includes("${")) return false;
  if (key === "aws:sourceip") {
    const prefix = value.split("/")[1];
    return prefix === undefined || Number(prefix) > 0;
  }
  if (value.startsWith("arn:")) return /^\d{12}$/.test(value.split(":")[4] ?? "");
  return !/[*?]/.test(value);
}

function conditionPins(operator: string, key: string, values: string[], operators: Set<string>): boolean {
  const { base, forAll, ifExists } = splitOperator(operator);
  if (forAll || ifExists || !operators.has(base)) return false;
  const k = key.toLowerCase();
  if ((base === "ipaddress" || base === "notipaddress") !== (k === "aws:sourceip")) return false;
  return LIMITING_KEYS.has(k) && values.length > 0 && values.every((v) => isFixedValue(k, v));
}

function hasLimitingCondition(condition: Conditions): boolean {
  return Object.entries(condition).some(([op, keys]) =>
    Object.entries(keys).some(([key, values]) => conditionPins(op, key, values, POSITIVE_OPERATORS)),
  );
}

/** A Deny with no condition, or "deny everyone whose account/org/network is not X" (one negated, fixed condition). */
function isNegatedBoundary(condition: Conditions): boolean {
  const pairs = Object.entries(condition).flatMap(([op, keys]) => Object.entries(keys).map(([k, v]) => [op, k, v] as const));
  if (pairs.length === 0) return true;
  return pairs.length === 1 && conditionPins(pairs[0]![0], pairs[0]![1], pairs[0]![2], NEGATED_OPERATORS);
}

// ---- grammar ----

const syntaxError = (message = MSG_SYNTAX_ERROR) => new ServiceError("MalformedPolicyDocumentException", message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The statements of a policy Secrets Manager accepts, and which the policy engine can then evaluate
 * on every request: what the engine cannot read (an unknown condition operator, say) is refused
 * here as a syntax error rather than stored and silently ignored.
 */
function parsePolicy(policy: string): Statement[] {
  const statements = parseGrammar(policy);
  if (!parseForEvaluation(policy, "resource").ok) throw syntaxError();
  return statements;
}

function parseGrammar(policy: string): Statement[] {
  if (policy.length > MAX_POLICY_LENGTH) {
    throw validation(
      `1 validation error detected: Value '${policy}' at 'resourcePolicy' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_LENGTH}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw syntaxError();
  }
  if (!isObject(doc)) throw syntaxError();
  for (const key of Object.keys(doc)) if (!["Version", "Id", "Statement"].includes(key)) throw syntaxError();
  if (doc["Version"] !== undefined && !POLICY_VERSIONS.includes(doc["Version"] as string)) throw syntaxError(MSG_INVALID_VERSION);
  if (doc["Id"] !== undefined && typeof doc["Id"] !== "string") throw syntaxError();
  const raw = doc["Statement"];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) throw syntaxError();
  return list.map(parseStatement);
}

function parseStatement(raw: unknown): Statement {
  if (!isObject(raw)) throw syntaxError();
  for (const key of Object.keys(raw)) if (!STATEMENT_KEYS.has(key)) throw syntaxError();
  const effect = raw["Effect"];
  if (effect !== "Allow" && effect !== "Deny") throw syntaxError();
  if (raw["Sid"] !== undefined && typeof raw["Sid"] !== "string") throw syntaxError();
  const [principal, notPrincipal] = exactlyOne(raw, "Principal", "NotPrincipal").map((v) => (v === undefined ? undefined : parsePrincipal(v)));
  const [action, notAction] = exactlyOne(raw, "Action", "NotAction").map((v) => (v === undefined ? undefined : stringList(v, isAction)));
  if (raw["Resource"] !== undefined && raw["NotResource"] !== undefined) throw syntaxError();
  for (const r of [raw["Resource"], raw["NotResource"]]) if (r !== undefined) stringList(r, (s) => s === "*" || s.startsWith("arn:"));
  return { effect, principal, notPrincipal, action, notAction, condition: parseCondition(raw["Condition"]) };
}

function exactlyOne(raw: Record<string, unknown>, a: string, b: string): [unknown, unknown] {
  if ((raw[a] === undefined) === (raw[b] === undefined)) throw syntaxError();
  return [raw[a], raw[b]];
}

function stringList(v: unknown, valid: (s: string) => boolean = () => true): string[] {
  const list = typeof v === "string" ? [v] : Array.isArray(v) ? v : undefined;
  if (!list || list.length === 0 || !list.every((s): s is string => typeof s === "string" && valid(s))) throw syntaxError();
  return list;
}

const isAction = (s: string) => s === "*" || /^[a-zA-Z0-9*?-]+:[a-zA-Z0-9*?]+$/.test(s);

function parsePrincipal(v: unknown): Principal {
  if (v === "*") return "*";
  if (!isObject(v) || Object.keys(v).length === 0) throw syntaxError();
  const out: Record<string, string[]> = {};
  for (const [type, values] of Object.entries(v)) {
    if (!PRINCIPAL_TYPES.has(type)) throw syntaxError();
    const list = stringList(values);
    if (type === "AWS" && !list.every(isAwsPrincipal)) throw syntaxError(MSG_UNSUPPORTED_PRINCIPAL);
    if (type === "Service" && !list.every((s) => /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/.test(s))) {
      throw syntaxError(MSG_INVALID_SERVICE_PRINCIPAL);
    }
    if (type === "Federated" || type === "CanonicalUser") throw syntaxError(MSG_UNSUPPORTED_PRINCIPAL);
    out[type] = list;
  }
  return out;
}

/** "*", a 12-digit account, or an IAM/STS ARN in a 12-digit account. */
function isAwsPrincipal(s: string): boolean {
  return s === "*" || /^\d{12}$/.test(s) || /^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/.test(s);
}

function parseCondition(v: unknown): Conditions {
  if (v === undefined) return {};
  if (!isObject(v)) throw syntaxError();
  const out: Conditions = {};
  for (const [op, keys] of Object.entries(v)) {
    if (!isObject(keys) || Object.keys(keys).length === 0) throw syntaxError();
    out[op] = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      if (!list.every((x) => ["string", "number", "boolean"].includes(typeof x))) throw syntaxError();
      out[op]![key] = list.map(String);
    }
  }
  return out;
}
