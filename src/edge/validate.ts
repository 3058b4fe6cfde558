// Input validation the way AWS JSON services (Coral) do it, before any handler runs. A JSON type
// that does not fit the model is a SerializationException (the first one wins, as Coral's
// deserializer stops there); constraint violations (required, length, range, pattern, enum) are
// collected in member order, at most ten, into one ValidationException. Unknown members are
// ignored, as AWS ignores them. When it returns, every modelled member present has its modelled
// JSON type, so handlers need not re-check types. Values of sensitive shapes never reach a message.

import type { ServiceModel, ShapeDescriptor } from "../contract/model-types.js";
import { ServiceError } from "../contract/service-error.js";

/** Coral reports at most this many violations, and counts only those it reports. */
const MAX_REPORTED = 10;

export function validateInput(model: ServiceModel, shapeName: string, input: unknown): void {
  const violations: string[] = [];
  const walker = new Walker(model, violations);
  // An empty or `null` body is an input with no members, which the required checks then judge.
  walker.value(walker.shape(shapeName), input ?? {}, "", false);
  if (violations.length > 0) {
    const n = violations.length;
    throw new ServiceError(
      "ValidationException",
      `${n} validation error${n === 1 ? "" : "s"} detected: ${violations.join("; ")}`,
      400,
    );
  }
}

const serialization = (message: string) => new ServiceError("SerializationException", message, 400);

class Walker {
  constructor(
    private readonly model: ServiceModel,
    private readonly violations: string[],
  ) {}

  shape(name: string): ShapeDescriptor {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`model ${this.model.metadata.serviceId} has no shape ${name}`);
    return shape;
  }

  /** Checks a non-null value against its shape; `redact` is set below any sensitive shape. */
  value(shape: ShapeDescriptor, value: unknown, path: string, redact: boolean): void {
    redact ||= shape.sensitive === true;
    switch (shape.type) {
      case "structure":
        return this.structure(shape, value, path, redact);
      case "list":
        return this.list(shape, value, path, redact);
      case "map":
        return this.map(shape, value, path, redact);
      case "string":
        return this.string(shape, value, path, redact);
      case "blob":
        return this.blob(shape, value, path, redact);
      case "boolean":
        return checkBoolean(value, redact);
      case "integer":
      case "long":
      case "float":
      case "double":
        return this.number(shape, value, path, redact);
      case "timestamp":
        return checkTimestamp(value);
    }
  }

  private structure(shape: ShapeDescriptor, value: unknown, path: string, redact: boolean): void {
    if (Array.isArray(value)) throw serialization("Start of list found where not expected");
    if (!isObject(value)) throw serialization("Expected null");
    const required = shape.required ?? [];
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const key = ref.locationName !== undefined && ref.location === undefined ? ref.locationName : name;
      const member = Object.hasOwn(value, key) ? value[key] : undefined;
      const memberShape = this.shape(ref.shape);
      const memberPath = (path ? path + "." : "") + lowerFirst(name);
      if (member === undefined || member === null) {
        if (required.includes(name)) this.violate(memberPath, memberShape, null, redact, "Member must not be null");
        continue;
      }
      this.value(memberShape, member, memberPath, redact);
    }
  }

  private list(shape: ShapeDescriptor, value: unknown, path: string, redact: boolean): void {
    if (isObject(value)) throw serialization("Start of structure or map found where not expected.");
    if (!Array.isArray(value)) throw serialization("Expected list or null");
    this.length(shape, value.length, value, path, redact);
    const element = this.shape(shape.member!.shape);
    value.forEach((item, i) => {
      const itemPath = `${path}.${i + 1}.member`;
      if (item === null) this.violate(itemPath, element, null, redact, "Member must not be null");
      else this.value(element, item, itemPath, redact);
    });
  }

  private map(shape: ShapeDescriptor, value: unknown, path: string, redact: boolean): void {
    if (Array.isArray(value)) throw serialization("Start of list found where not expected");
    if (!isObject(value)) throw serialization("Expected map or null");
    const entries = Object.entries(value);
    this.length(shape, entries.length, value, path, redact);
    const keyShape = this.shape(shape.key!.shape);
    const valueShape = this.shape(shape.value!.shape);
    // Coral names the map, not the key, and lists every constraint on the key shape.
    if (entries.some(([k]) => stringFailures(keyShape, k).length > 0)) {
      const all = stringConstraints(keyShape).join(", ");
      this.violate(path, shape, value, redact, `Map keys must satisfy constraint: [${all}]`);
    }
    for (const [k, v] of entries) {
      const entryPath = `${path}.${k}.member`;
      if (v === null) this.violate(entryPath, valueShape, null, redact, "Member must not be null");
      else this.value(valueShape, v, entryPath, redact);
    }
  }

  private string(shape: ShapeDescriptor, value: unknown, path: string, redact: boolean): void {
    if (typeof value !== "string") throw serialization(notConvertible(value, "an String"));
    for (const failure of stringFailures(shape, value)) this.violate(path, shape, value, redact, failure);
  }

  private blob(shape: ShapeDescriptor, value: unknown, path: string, redact: boolean): void {
    if (typeof value !== "string") throw serialization(notConvertible(value, "a Blob"));
    const problem = base64Problem(value);
    if (problem) throw serialization(`${quoted(value, redact)} can not be converted to a Blob: ${problem}`);
    this.length(shape, Buffer.from(value, "base64").length, value, path, redact);
  }

  private number(shape: ShapeDescriptor, value: unknown, path: string, redact: boolean): void {
    const javaType = JAVA_NUMBER[shape.type as keyof typeof JAVA_NUMBER];
    if (typeof value !== "number") throw serialization(notConvertible(value, "an " + javaType));
    if (shape.type === "integer" || shape.type === "long") {
      // Coral would truncate a fraction; refusing it keeps the "handlers get modelled types" promise.
      if (!Number.isInteger(value)) throw serialization(`class java.lang.Double can not be converted to an ${javaType}`);
      const bits = shape.type === "integer" ? 31 : 63;
      if (value < -(2 ** bits) || value >= 2 ** bits) {
        throw serialization(`Numeric value (${value}) out of range of ${shape.type === "integer" ? "int" : "long"}`);
      }
    }
    if (shape.min !== undefined && value < shape.min) {
      this.violate(path, shape, value, redact, `Member must have value greater than or equal to ${shape.min}`);
    }
    if (shape.max !== undefined && value > shape.max) {
      this.violate(path, shape, value, redact, `Member must have value less than or equal to ${shape.max}`);
    }
  }

  private length(shape: ShapeDescriptor, length: number, value: unknown, path: string, redact: boolean): void {
    if (shape.min !== undefined && length < shape.min) {
      this.violate(path, shape, value, redact, `Member must have length greater than or equal to ${shape.min}`);
    }
    if (shape.max !== undefined && length > shape.max) {
      this.violate(path, shape, value, redact, `Member must have length less than or equal to ${shape.max}`);
    }
  }

  private violate(path: string, shape: ShapeDescriptor, value: unknown, redact: boolean, constraint: string): void {
    if (this.violations.length >= MAX_REPORTED) return;
    const shown = redact || shape.sensitive ? undefined : value === null ? null : this.show(shape, value);
    const prefix = shown === undefined ? "Value" : shown === null ? "Value null" : `Value '${shown}'`;
    this.violations.push(`${prefix} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  /**
   * A value roughly as Java's toString prints it, or undefined when it must not be shown: it is
   * or holds a sensitive shape, or it is a blob (AWS prints "Value at 'ciphertextBlob'" for
   * those). Children may not be type-checked yet, so anything unexpected is simply not shown.
   */
  private show(shape: ShapeDescriptor, value: unknown): string | undefined {
    if (value === null) return "null";
    if (shape.sensitive || shape.type === "blob") return undefined;
    if (shape.type === "list" && Array.isArray(value)) {
      const element = this.shape(shape.member!.shape);
      return joined(value.map((v) => this.show(element, v)), "[", "]");
    }
    if (shape.type === "map" && isObject(value)) {
      const [k, v] = [this.shape(shape.key!.shape), this.shape(shape.value!.shape)];
      if (k.sensitive) return undefined;
      return joined(Object.entries(value).map(([key, item]) => prefixed(key, this.show(v, item))), "{", "}");
    }
    if (shape.type === "structure" && isObject(value)) {
      const members = Object.entries(shape.members ?? {}).filter(([name]) => value[name] != null);
      return joined(members.map(([name, ref]) => prefixed(name, this.show(this.shape(ref.shape), value[name]))), "{", "}");
    }
    return Array.isArray(value) || isObject(value) ? undefined : String(value);
  }
}

const JAVA_NUMBER = { integer: "Integer", long: "Long", float: "Float", double: "Double" } as const;

function checkBoolean(value: unknown, redact: boolean): void {
  if (typeof value === "boolean") return;
  if (typeof value === "string") {
    throw serialization(`${quoted(value.toUpperCase(), redact)} can not be converted to an Boolean`);
  }
  throw serialization(notConvertible(value, "an Boolean"));
}

function checkTimestamp(value: unknown): void {
  // JSON 1.x sends epoch seconds; the SDKs never send a string here.
  if (typeof value !== "number") throw serialization(notConvertible(value, "a Date"));
}

/** The messages Coral's Jackson-based deserializer gives for a JSON value of the wrong kind. */
function notConvertible(value: unknown, target: string): string {
  if (Array.isArray(value)) return "Start of list found where not expected";
  if (isObject(value)) return "Start of structure or map found where not expected.";
  return `class java.lang.${javaClass(value)} can not be converted to ${target}`;
}

function javaClass(value: unknown): string {
  if (typeof value === "boolean") return "Boolean";
  if (typeof value === "string") return "String";
  const n = value as number;
  if (!Number.isInteger(n)) return "Double";
  if (n >= -32768 && n <= 32767) return "Short";
  if (n >= -2147483648 && n <= 2147483647) return "Integer";
  return "Long";
}

/** Why a string is not canonical, padded base64 (Coral's messages, typo included), or undefined. */
function base64Problem(s: string): string | undefined {
  if (s.length % 4 !== 0) return `Base64 encoded length is expected a multiple of 4 bytes but found: ${s.length}`;
  const bad = /[^A-Za-z0-9+/=]|=[^=]/.exec(s);
  if (bad) return `Invalid Base64 character: '${bad[0][0]}'`;
  if (Buffer.from(s, "base64").toString("base64") !== s) return "Invalid last non-pad Base64 character dectected";
  return undefined;
}

/** Constraint failures of a string against its shape, pattern first as Coral usually lists it. */
function stringFailures(shape: ShapeDescriptor, value: string): string[] {
  const failures: string[] = [];
  if (shape.pattern !== undefined && compileJavaPattern(shape.pattern)?.test(value) === false) {
    failures.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  }
  // Java's String.length(): UTF-16 code units, which is what JavaScript counts too.
  if (shape.min !== undefined && value.length < shape.min) {
    failures.push(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && value.length > shape.max) {
    failures.push(`Member must have length less than or equal to ${shape.max}`);
  }
  if (shape.enum !== undefined && !shape.enum.includes(value)) {
    failures.push(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
  }
  return failures;
}

/** Every constraint on a string shape, in the order AWS lists them for map keys. */
function stringConstraints(shape: ShapeDescriptor): string[] {
  const all: string[] = [];
  if (shape.max !== undefined) all.push(`Member must have length less than or equal to ${shape.max}`);
  if (shape.min !== undefined) all.push(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.pattern !== undefined) all.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (shape.enum !== undefined) all.push(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
  return all;
}

function joined(parts: Array<string | undefined>, open: string, close: string): string | undefined {
  return parts.every((p) => p !== undefined) ? open + parts.join(", ") + close : undefined;
}

const prefixed = (key: string, shown: string | undefined) => (shown === undefined ? undefined : `${key}=${shown}`);

const quoted = (value: string, redact: boolean) => (redact ? "Value" : `'${value}'`);

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---- Java regular expressions -------------------------------------------------------------

const patternCache = new Map<string, RegExp | null>();

/**
 * The JavaScript equivalent of Java's `Pattern.matches(pattern, s)` (whole-string match), compiled
 * once, or undefined when the pattern uses Java syntax JavaScript would misread or reject.
 */
export function compileJavaPattern(pattern: string): RegExp | undefined {
  let compiled = patternCache.get(pattern);
  if (compiled === undefined) {
    compiled = tryCompile(pattern, "u") ?? tryCompile(pattern, "");
    patternCache.set(pattern, compiled);
  }
  return compiled ?? undefined;
}

function tryCompile(pattern: string, flags: "u" | ""): RegExp | null {
  if (!sameMeaningInJs(pattern, flags === "u")) return null;
  try {
    return new RegExp(`^(?:${pattern})$`, flags);
  } catch {
    return null;
  }
}

// Unicode general categories: the only \p{..} names Java and JavaScript read the same way.
const GENERAL_CATEGORY = /^(?:L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfson]?)$/;
const PLAIN_ESCAPES = new Set("dDwWsSbBtnrfv0123456789");

/**
 * False when the pattern holds Java syntax that compiles in JavaScript with another meaning:
 * class intersection (&&), nested classes, POSIX/Java \p classes, or (without the u flag, where
 * JavaScript reads an unknown escape as the letter itself) escapes such as \A, \Z, \Q, \h.
 */
function sameMeaningInJs(pattern: string, unicode: boolean): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (next === "p" || next === "P") {
        const m = /^\{([^}]*)\}/.exec(pattern.slice(i + 2));
        if (!unicode || !m || !GENERAL_CATEGORY.test(m[1]!)) return false;
      } else if (/[A-Za-z]/.test(next) && !PLAIN_ESCAPES.has(next)) {
        const hex = next === "u" ? /^[0-9A-Fa-f]{4}/ : next === "x" ? /^[0-9A-Fa-f]{2}/ : null;
        if (!hex || !hex.test(pattern.slice(i + 2))) return false;
      }
      i++;
    } else if (c === "[") {
      if (inClass) return false;
      inClass = true;
      if (pattern[i + 1] === "^") i++;
      if (pattern[i + 1] === "]") return false; // Java reads a leading ] as a literal, JavaScript as an empty class
    } else if (c === "]") {
      inClass = false;
    } else if (c === "&" && inClass && pattern[i + 1] === "&") {
      return false;
    }
  }
  return true;
}
