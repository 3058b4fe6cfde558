// The intrinsic functions (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If,
// Fn::FindInMap, Fn::Base64, Fn::GetAZs, Fn::ImportValue, the condition functions) evaluated over
// a value of the template, and AWS::NoValue removed where it lands. Resources' values come from the
// caller (`ref`, `getAtt`): the engine gives those of resources already made.

import { formatError, validationError } from "./template-errors.js";
import type { Template } from "./template-types.js";

/** What AWS::NoValue evaluates to: the property (or list element) it lands on is left out. */
export const NO_VALUE = Symbol("AWS::NoValue");

export interface EvalContext {
  /** parameter values and pseudo parameters (AWS::Region …) by name */
  params: Readonly<Record<string, unknown>>;
  conditions: Readonly<Record<string, boolean>>;
  mappings: Template["Mappings"];
  /** the value `Ref` gives a resource; throws if the resource is not made */
  ref(logicalId: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  importValue(name: string): unknown;
  region: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The intrinsic function a value is, if it is one: an object of one key naming one. */
export function intrinsicOf(v: unknown): [string, unknown] | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  return k === "Ref" || k.startsWith("Fn::") || k === "Condition" ? [k, v[k]] : undefined;
}

const str = (v: unknown, fn: string): string => {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw formatError(`Template error: every ${fn} object requires string parameters`);
};

const list = (v: unknown, fn: string): unknown[] => {
  if (!Array.isArray(v)) throw formatError(`Template error: ${fn} requires a list argument`);
  return v;
};

/** `${Name}`, `${Resource.Attribute}`, `${!Literal}` in a Fn::Sub string. */
const SUB_VARIABLE = /\$\{([^}]*)\}/g;

export function subVariables(text: string): string[] {
  return [...text.matchAll(SUB_VARIABLE)].map((m) => m[1]!).filter((name) => !name.startsWith("!"));
}

export function evaluate(value: unknown, ctx: EvalContext): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluate(v, ctx)).filter((v) => v !== NO_VALUE);
  const fn = intrinsicOf(value);
  if (fn) return evaluateFunction(fn[0], fn[1], ctx);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const e = evaluate(v, ctx);
      if (e !== NO_VALUE) out[k] = e;
    }
    return out;
  }
  return value;
}

function ref(name: unknown, ctx: EvalContext): unknown {
  if (typeof name !== "string") throw formatError("Template error: every Ref object must have a single String value.");
  if (name === "AWS::NoValue") return NO_VALUE;
  if (Object.hasOwn(ctx.params, name)) return ctx.params[name];
  return ctx.ref(name);
}

function evaluateFunction(name: string, arg: unknown, ctx: EvalContext): unknown {
  switch (name) {
    case "Ref":
      return ref(arg, ctx);
    case "Condition":
      return conditionValue(str(arg, "Condition"), ctx);
    case "Fn::GetAtt": {
      const parts = typeof arg === "string" ? arg.split(".") : list(evaluateArgs(arg, ctx), name);
      if (parts.length < 2) throw formatError("Template error: every Fn::GetAtt object requires two non-empty parameters");
      return ctx.getAtt(str(parts[0], name), parts.slice(1).map((p) => str(p, name)).join("."));
    }
    case "Fn::Sub":
      return sub(arg, ctx);
    case "Fn::Join": {
      const [delimiter, items] = list(arg, name);
      const values = list(evaluate(items, ctx), name);
      return values.map((v) => str(v, name)).join(str(delimiter, name));
    }
    case "Fn::Select": {
      const [index, items] = list(arg, name).map((v) => evaluate(v, ctx));
      const values = list(items, name);
      const i = Number(index);
      if (!Number.isInteger(i) || i < 0 || i >= values.length) throw validationError("Template error: Fn::Select cannot select nonexistent value at index " + String(index));
      return values[i];
    }
    case "Fn::Split": {
      const [delimiter, source] = list(arg, name).map((v) => evaluate(v, ctx));
      return str(source, name).split(str(delimiter, name));
    }
    case "Fn::If": {
      const [condition, whenTrue, whenFalse] = list(arg, name);
      return evaluate(conditionValue(str(condition, name), ctx) ? whenTrue : whenFalse, ctx);
    }
    case "Fn::FindInMap": {
      const [map, top, second] = list(arg, name).map((v) => str(evaluate(v, ctx), name));
      const found = ctx.mappings[map!]?.[top!]?.[second!];
      if (found === undefined) throw validationError(`Template error: Unable to get mapping for ${map}::${top}::${second}`);
      return found;
    }
    case "Fn::Base64":
      return Buffer.from(str(evaluate(arg, ctx), name), "utf8").toString("base64");
    case "Fn::GetAZs": {
      const region = str(evaluate(arg, ctx), name) || ctx.region;
      return ["a", "b", "c"].map((z) => `${region}${z}`);
    }
    case "Fn::ImportValue":
      return ctx.importValue(str(evaluate(arg, ctx), name));
    case "Fn::Equals": {
      const [a, b] = list(arg, name).map((v) => evaluate(v, ctx));
      return JSON.stringify(a) === JSON.stringify(b) || (a !== undefined && b !== undefined && String(a) === String(b));
    }
    case "Fn::And":
      return list(arg, name).every((c) => evaluate(c, ctx) === true);
    case "Fn::Or":
      return list(arg, name).some((c) => evaluate(c, ctx) === true);
    case "Fn::Not":
      return evaluate(list(arg, name)[0], ctx) !== true;
    default:
      throw formatError(`Unrecognized function ${name}`);
  }
}

function evaluateArgs(arg: unknown, ctx: EvalContext): unknown {
  return evaluate(arg, ctx);
}

function conditionValue(name: string, ctx: EvalContext): boolean {
  const v = ctx.conditions[name];
  if (v === undefined) throw formatError(`Unresolved condition dependency ${name}`);
  return v;
}

function sub(arg: unknown, ctx: EvalContext): string {
  const [template, variables] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, {}];
  const text = str(template, "Fn::Sub");
  const local = isObject(variables) ? (evaluate(variables, ctx) as Record<string, unknown>) : {};
  return text.replace(SUB_VARIABLE, (_whole, name: string) => {
    if (name.startsWith("!")) return "${" + name.slice(1) + "}";
    if (Object.hasOwn(local, name)) return str(local[name], "Fn::Sub");
    const dot = name.indexOf(".");
    if (dot > 0 && !Object.hasOwn(ctx.params, name)) return str(ctx.getAtt(name.slice(0, dot), name.slice(dot + 1)), "Fn::Sub");
    return str(ref(name, ctx), "Fn::Sub");
  });
}

/** Every condition's value, each evaluated once, in any order they refer to each other. */
export function evaluateConditions(template: Template, base: Omit<EvalContext, "conditions">): Record<string, boolean> {
  const values: Record<string, boolean> = {};
  const visiting = new Set<string>();
  const ctx: EvalContext = {
    ...base,
    conditions: new Proxy(values, {
      get(target, name: string) {
        if (!(name in target) && Object.hasOwn(template.Conditions, name)) compute(name);
        return target[name];
      },
    }),
  };
  function compute(name: string): void {
    if (visiting.has(name)) throw formatError(`Circular dependency between conditions: [${[...visiting].join(", ")}]`);
    visiting.add(name);
    const v = evaluate(template.Conditions[name], ctx);
    if (typeof v !== "boolean") throw formatError(`Template error: condition ${name} must evaluate to a boolean`);
    values[name] = v;
    visiting.delete(name);
  }
  for (const name of Object.keys(template.Conditions)) if (!(name in values)) compute(name);
  return values;
}
