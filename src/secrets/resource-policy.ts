// Static checks on a secret's resource policy: the grammar PutResourcePolicy insists on (the shared
// one, with Secrets Manager's messages), the "broad access" test behind BlockPublicPolicy, and the
// report ValidateResourcePolicy returns.
// Evaluation of the policy against a caller is the policy engine's (src/policy, src/authz).

import { validation } from "../contract/service-error.js";
import { secretsError } from "./secret-errors.js";
import { parsePolicyCached } from "../policy/policy-cache.js";
import type { PolicyFault } from "../policy/policy-grammar.js";
import type { ConditionClause, PrincipalSpec } from "../contract/policy-types.js";
import { secretsManagerActions, type ValidateResourcePolicyResponse, type ValidationErrorsEntry } from "../generated/secretsmanager-api.js";

const MAX_POLICY_LENGTH = 20480;

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

/** Actions that act on a secret: every operation in the model except the account-level ones. */
const ACCOUNT_LEVEL = new Set(["GetRandomPassword", "ListSecrets"]);
const SECRET_ACTIONS = secretsManagerActions.filter((a) => !ACCOUNT_LEVEL.has(a)).map((a) => `secretsmanager:${a}`);

// Condition keys that pin a request to fixed callers or networks: a public principal limited
// by one of these (with a fixed value) is not broad access.
const LIMITING_KEYS = new Set([
  "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip",
  "aws:sourceorgid", "aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:userid",
]);
const POSITIVE_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"]);
const NEGATED_OPERATORS = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike", "notipaddress"]);

type Conditions = Record<string, Record<string, string[]>>;

interface Statement {
  effect: "Allow" | "Deny";
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  action?: string[];
  notAction?: string[];
  condition: Conditions;
}

/** Throws MalformedPolicyDocumentException (or ValidationException for size) unless the policy is well formed. */
export function checkPolicyGrammar(policy: string): void {
  parsePolicy(policy);
}

/** PutResourcePolicy's error when BlockPublicPolicy is set and isPublicPolicy() holds. */
export const publicPolicyError = () => secretsError("PublicPolicyException", MSG_PUBLIC_POLICY);

/**
 * ValidateResourcePolicy's answer. A policy that does not parse is an error, as for
 * PutResourcePolicy; broad access and lock-out are reported as validation errors.
 */
export function validateResourcePolicy(policy: string): ValidateResourcePolicyResponse {
  const statements = parsePolicy(policy);
  const errors: ValidationErrorsEntry[] = [];
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

const syntaxError = (message = MSG_SYNTAX_ERROR) => secretsError("MalformedPolicyDocumentException", message);

/** Secrets Manager's message for a fault of the shared grammar. */
function secretsMessage(fault: PolicyFault): string {
  if (fault.code === "unknownVersion") return MSG_INVALID_VERSION;
  if (fault.code === "principalUnsupported") return MSG_UNSUPPORTED_PRINCIPAL;
  if (fault.code === "servicePrincipalInvalid") return MSG_INVALID_SERVICE_PRINCIPAL;
  return MSG_SYNTAX_ERROR;
}

/** The conditions of a parsed statement by operator (as written) and key. */
function byOperator(clauses: ConditionClause[]): Conditions {
  const out: Conditions = {};
  for (const c of clauses) (out[c.operator] ??= {})[c.key] = c.values;
  return out;
}

/**
 * The statements of a policy Secrets Manager accepts: the shared grammar for a secret's resource
 * policy (src/policy), the one the evaluator reads the stored policy with on every request.
 */
function parsePolicy(policy: string): Statement[] {
  if (policy.length > MAX_POLICY_LENGTH) {
    throw validation(
      `1 validation error detected: Value '${policy}' at 'resourcePolicy' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_LENGTH}`,
    );
  }
  const parsed = parsePolicyCached(policy, "resource");
  if (!parsed.ok) throw syntaxError(secretsMessage(parsed.fault));
  return parsed.policy.statements.map((s) => ({
    effect: s.effect,
    principal: s.principal,
    notPrincipal: s.notPrincipal,
    action: s.action,
    notAction: s.notAction,
    condition: byOperator(s.conditions),
  }));
}
