// The Account API's front end (API Gateway) checks the body against a JSON schema made from the
// model before any operation runs, and answers with the json-schema-validator's words, every
// problem in one ValidationException without reason or fieldList, e.g.
//   [instance value ("enabled") not found in enum (possible values: ["ENABLED",...])]
// (that one recorded against AWS; the other wordings are the validator's for the same keywords).

import type { ServiceModel, ShapeDescriptor } from "../contract/model-types.js";
import { ServiceError } from "../contract/service-error.js";

export function validateAccountRequest(model: ServiceModel, shapeName: string, input: unknown): void {
  const problems: string[] = [];
  check(model, shapeOf(model, shapeName), input, problems);
  if (problems.length > 0) throw new ServiceError("ValidationException", `[${problems.join(", ")}]`, 400);
}

function shapeOf(model: ServiceModel, name: string): ShapeDescriptor {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`model ${model.metadata.serviceId} has no shape ${name}`);
  return shape;
}

const JSON_TYPE: Partial<Record<ShapeDescriptor["type"], string>> = {
  structure: "object",
  map: "object",
  list: "array",
  string: "string",
  blob: "string",
  timestamp: "string",
  boolean: "boolean",
  integer: "integer",
  long: "integer",
  float: "number",
  double: "number",
};

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const quote = (s: string) => JSON.stringify(s);

function check(model: ServiceModel, shape: ShapeDescriptor, value: unknown, problems: string[]): void {
  const wanted = JSON_TYPE[shape.type] ?? "string";
  const actual = jsonTypeOf(value);
  if (actual !== wanted && !(wanted === "number" && actual === "integer")) {
    problems.push(`instance type (${actual}) does not match any allowed primitive type (allowed: [${quote(wanted)}])`);
    return;
  }
  if (shape.type === "structure") {
    const object = value as Record<string, unknown>;
    const missing = (shape.required ?? []).filter((name) => !Object.hasOwn(object, name));
    if (missing.length > 0) problems.push(`object has missing required properties (${JSON.stringify([...missing].sort())})`);
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (ref.location !== undefined || !Object.hasOwn(object, name)) continue;
      check(model, shapeOf(model, ref.shape), object[name], problems);
    }
  } else if (shape.type === "list") {
    const list = value as unknown[];
    if (shape.min !== undefined && list.length < shape.min) {
      problems.push(`array is too short: must have at least ${shape.min} elements but instance has ${list.length} elements`);
    }
    if (shape.max !== undefined && list.length > shape.max) {
      problems.push(`array is too long: must have at most ${shape.max} elements but instance has ${list.length} elements`);
    }
    for (const item of list) check(model, shapeOf(model, shape.member!.shape), item, problems);
  } else if (shape.type === "string") {
    checkString(shape, value as string, problems);
  } else if (typeof value === "number") {
    if (shape.min !== undefined && value < shape.min) {
      problems.push(`numeric instance is lower than the required minimum (minimum: ${shape.min}, found: ${value})`);
    }
    if (shape.max !== undefined && value > shape.max) {
      problems.push(`numeric instance is greater than the required maximum (maximum: ${shape.max}, found: ${value})`);
    }
  }
}

function checkString(shape: ShapeDescriptor, value: string, problems: string[]): void {
  // The validator quotes the value; a sensitive one is not repeated.
  const shown = shape.sensitive ? '"***"' : quote(value);
  if (shape.enum && !shape.enum.includes(value)) {
    problems.push(`instance value (${shown}) not found in enum (possible values: ${JSON.stringify(shape.enum)})`);
  }
  const length = [...value].length;
  if (shape.min !== undefined && length < shape.min) {
    problems.push(`string ${shown} is too short (length: ${length}, required minimum: ${shape.min})`);
  }
  if (shape.max !== undefined && length > shape.max) {
    problems.push(`string ${shown} is too long (length: ${length}, maximum allowed: ${shape.max})`);
  }
  if (shape.pattern !== undefined) {
    const anchored = `${shape.pattern.startsWith("^") ? "" : "^"}${shape.pattern}${shape.pattern.endsWith("$") ? "" : "$"}`;
    if (!compile(shape.pattern).test(value)) problems.push(`ECMA 262 regex "${anchored}" does not match input string ${shown}`);
  }
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, "u");
  } catch {
    return new RegExp(`^(?:${pattern})$`);
  }
}
