// A stack's parameter values: given, kept from the previous template (UsePreviousValue), or the
// default; checked against the declaration (type, AllowedValues, AllowedPattern, lengths, bounds)
// with CloudFormation's messages. NoEcho values are the caller's secret: shown as ****.

import { validationError } from "./template-errors.js";
import type { ParameterDecl, Template } from "./template-types.js";

export interface GivenParameter {
  ParameterKey?: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

export const MASK = "****";

export const isNoEcho = (p: ParameterDecl | undefined) => p?.NoEcho === true || String(p?.NoEcho).toLowerCase() === "true";

/** The string values of the parameters (lists stay comma-separated here; `typedValue` splits them). */
export function resolveParameters(template: Template, given: GivenParameter[] = [], previous: Record<string, string> = {}): Record<string, string> {
  const unknown = given.map((g) => g.ParameterKey ?? "").filter((k) => !Object.hasOwn(template.Parameters, k));
  if (unknown.length) throw validationError(`Parameters: [${unknown.join(", ")}] do not exist in the template`);
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, decl] of Object.entries(template.Parameters)) {
    const g = given.find((p) => p.ParameterKey === name);
    let value: string | undefined;
    if (g?.UsePreviousValue) {
      if (!Object.hasOwn(previous, name)) throw validationError(`Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`);
      value = previous[name];
    } else if (g?.ParameterValue !== undefined) value = g.ParameterValue;
    else if (decl.Default !== undefined) value = Array.isArray(decl.Default) ? decl.Default.join(",") : String(decl.Default);
    if (value === undefined) missing.push(name);
    else out[name] = checkParameter(name, decl, value);
  }
  if (missing.length) throw validationError(`Parameters: [${missing.join(", ")}] must have values`);
  return out;
}

function checkParameter(name: string, decl: ParameterDecl, value: string): string {
  const fail = (what: string) => {
    throw validationError(decl.ConstraintDescription ? `Parameter '${name}' failed to satisfy constraint: ${decl.ConstraintDescription}` : `Parameter '${name}' ${what}`);
  };
  const type = decl.Type;
  if (type.startsWith("AWS::SSM::Parameter")) throw validationError(`Parameter '${name}': Meridian does not serve SSM parameters (type ${type}).`);
  const items = type === "CommaDelimitedList" || type.startsWith("List<") ? value.split(",") : [value];
  for (const item of items) {
    if (type === "Number" || type === "List<Number>") {
      if (item.trim() === "" || !Number.isFinite(Number(item))) fail("must be a number");
      if (decl.MinValue !== undefined && Number(item) < Number(decl.MinValue)) fail(`must be a number not less than ${decl.MinValue}`);
      if (decl.MaxValue !== undefined && Number(item) > Number(decl.MaxValue)) fail(`must be a number not greater than ${decl.MaxValue}`);
    }
    if (decl.AllowedValues && !decl.AllowedValues.map(String).includes(item)) fail("must be one of AllowedValues");
    if (decl.AllowedPattern !== undefined && !new RegExp(`^(?:${decl.AllowedPattern})$`).test(item)) fail(`must match pattern ${decl.AllowedPattern}`);
  }
  if (decl.MinLength !== undefined && value.length < Number(decl.MinLength)) fail(`must contain at least ${decl.MinLength} characters`);
  if (decl.MaxLength !== undefined && value.length > Number(decl.MaxLength)) fail(`cannot be longer than ${decl.MaxLength} characters`);
  return value;
}

/** The value templates see: lists as lists. */
export function typedValue(decl: ParameterDecl, value: string): unknown {
  return decl.Type === "CommaDelimitedList" || decl.Type.startsWith("List<") ? value.split(",") : value;
}
