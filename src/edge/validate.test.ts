import { test } from "node:test";
import assert from "node:assert/strict";
import { compileJavaPattern, validateInput } from "./validate.js";
import { ServiceError } from "../contract/service-error.js";
import type { ServiceModel, ShapeDescriptor } from "../contract/model-types.js";
import { model as sm } from "../generated/secretsmanager-model.js";
import { model as kms } from "../generated/kms-model.js";
import { model as account } from "../generated/account-model.js";

/** The error validateInput throws for this input, or undefined when it accepts it. */
function errorOf(model: ServiceModel, shape: string, input: unknown): ServiceError | undefined {
  try {
    validateInput(model, shape, input);
    return undefined;
  } catch (err) {
    if (err instanceof ServiceError) return err;
    throw err;
  }
}

function assertValidation(model: ServiceModel, shape: string, input: unknown, ...violations: string[]) {
  const err = errorOf(model, shape, input);
  const n = violations.length;
  assert.deepEqual(
    { code: err?.code, status: err?.status, message: err?.message },
    {
      code: "ValidationException",
      status: 400,
      message: `${n} validation error${n === 1 ? "" : "s"} detected: ${violations.join("; ")}`,
    },
  );
}

function assertSerialization(model: ServiceModel, shape: string, input: unknown, message: string) {
  const err = errorOf(model, shape, input);
  assert.deepEqual({ code: err?.code, status: err?.status, message: err?.message }, {
    code: "SerializationException",
    status: 400,
    message,
  });
}

const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString("base64");

test("a valid request passes and unknown members are ignored", () => {
  assert.equal(validateInput(sm, "GetSecretValueRequest", { SecretId: "db", VersionStage: "AWSCURRENT" }), undefined);
  assert.equal(errorOf(sm, "GetSecretValueRequest", { SecretId: "db", Bogus: [1, { x: null }], secretId: 5 }), undefined);
  assert.equal(errorOf(kms, "EncryptRequest", { KeyId: "alias/a", Plaintext: b64(4096), EncryptionContext: { a: "b" } }), undefined);
  assert.equal(errorOf(account, "PutAccountNameRequest", { AccountName: "Prod" }), undefined);
});

test("missing or null required members: 'Value null ... Member must not be null'", () => {
  const msg = "Value null at 'secretId' failed to satisfy constraint: Member must not be null";
  assertValidation(sm, "GetSecretValueRequest", {}, msg);
  assertValidation(sm, "GetSecretValueRequest", { SecretId: null }, msg);
  // An empty body reaches the validator as {} and a JSON null body as null: both are "no members".
  assertValidation(sm, "GetSecretValueRequest", null, msg);
  assertValidation(
    kms,
    "CreateGrantRequest",
    {},
    "Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    "Value null at 'granteePrincipal' failed to satisfy constraint: Member must not be null",
    "Value null at 'operations' failed to satisfy constraint: Member must not be null",
  );
});

test("string length, numeric range, enum and pattern constraints", () => {
  assertValidation(
    sm,
    "GetSecretValueRequest",
    { SecretId: "", VersionStage: "s".repeat(257) },
    "Value '' at 'secretId' failed to satisfy constraint: Member must have length greater than or equal to 1",
    `Value '${"s".repeat(257)}' at 'versionStage' failed to satisfy constraint: Member must have length less than or equal to 256`,
  );
  assertValidation(
    sm,
    "ListSecretsRequest",
    { MaxResults: 101, SortOrder: "up" },
    "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    "Value 'up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]",
  );
  assertValidation(
    kms,
    "GenerateDataKeyRequest",
    { KeyId: "k", NumberOfBytes: 0, KeySpec: "AES_512" },
    "Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    "Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
  );
  assertValidation(
    kms,
    "CreateAliasRequest",
    { AliasName: "alias/has space", TargetKeyId: "k" },
    "Value 'alias/has space' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
  );
  // Both a pattern and a length failure on one member are reported, pattern first.
  assertValidation(
    kms,
    "CreateAliasRequest",
    { AliasName: "", TargetKeyId: "k" },
    "Value '' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    "Value '' at 'aliasName' failed to satisfy constraint: Member must have length greater than or equal to 1",
  );
});

test("patterns match the whole value, as Java's Pattern.matches does", () => {
  // DurationType is "[0-9]+h" with no anchors in the model.
  const rotate = (Duration: string) => ({ SecretId: "s", RotationRules: { Duration } });
  assert.equal(errorOf(sm, "RotateSecretRequest", rotate("3h")), undefined);
  assertValidation(
    sm,
    "RotateSecretRequest",
    rotate("x3h"),
    "Value 'x3h' at 'rotationRules.duration' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+h",
  );
});

test("nested structures and list elements get Coral's dotted paths; map values are type-checked", () => {
  assertValidation(
    sm,
    "ListSecretsRequest",
    { Filters: [{ Key: "name", Values: ["ok"] }, { Key: "colour", Values: ["fine", "bad^"] }] },
    "Value 'colour' at 'filters.2.member.key' failed to satisfy constraint: Member must satisfy enum value set: [description, name, tag-key, tag-value, primary-region, owning-service, all]",
    "Value 'bad^' at 'filters.2.member.values.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$",
  );
  assertValidation(
    kms,
    "TagResourceRequest",
    { KeyId: "k", Tags: [{ TagKey: "a", TagValue: "b" }, { TagValue: "c" }] },
    "Value null at 'tags.2.member.tagKey' failed to satisfy constraint: Member must not be null",
  );
  assertValidation(
    sm,
    "CreateSecretRequest",
    { Name: "n", Tags: [null] },
    "Value null at 'tags.1.member' failed to satisfy constraint: Member must not be null",
  );
  assertSerialization(kms, "EncryptRequest", { KeyId: "k", Plaintext: "AA==", EncryptionContext: { a: 1 } },
    "class java.lang.Short can not be converted to an String");
});

test("list and blob lengths; blob length counts decoded bytes", () => {
  assertValidation(
    kms,
    "DecryptRequest",
    { CiphertextBlob: b64(16), GrantTokens: Array(11).fill("t") },
    "Value '[t, t, t, t, t, t, t, t, t, t, t]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10",
  );
  assertValidation(
    sm,
    "BatchGetSecretValueRequest",
    { SecretIdList: [] },
    "Value '[]' at 'secretIdList' failed to satisfy constraint: Member must have length greater than or equal to 1",
  );
  // 4096 bytes is about 5.5k base64 characters: the limit is on the bytes.
  assert.equal(errorOf(kms, "EncryptRequest", { KeyId: "k", Plaintext: b64(4096) }), undefined);
  assertValidation(
    kms,
    "EncryptRequest",
    { KeyId: "k", Plaintext: b64(4097) },
    "Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
  );
  // Blobs are never printed, sensitive or not (AWS: "Value at 'ciphertextBlob' ...").
  assertValidation(
    kms,
    "DecryptRequest",
    { CiphertextBlob: "" },
    "Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length greater than or equal to 1",
  );
});

test("sensitive values never appear in messages", () => {
  const secret = "hunter2-" + "x".repeat(65536);
  const err = errorOf(sm, "PutSecretValueRequest", { SecretId: "s", SecretString: secret, RotationToken: "not a token!".padEnd(40, "-") });
  assert.equal(
    err?.message,
    "2 validation errors detected: " +
      "Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536; " +
      "Value at 'rotationToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\-]+$",
  );
  assertValidation(
    account,
    "PutAccountNameRequest",
    {},
    "Value at 'accountName' failed to satisfy constraint: Member must not be null",
  );
  const badBlob = errorOf(sm, "PutSecretValueRequest", { SecretId: "s", SecretBinary: "c2VjcmV0!" });
  assert.equal(badBlob?.code, "SerializationException");
  assert.ok(!badBlob.message.includes("c2VjcmV0"), badBlob.message);
});

test("at most ten violations are reported, in member order", () => {
  const tags = Array.from({ length: 12 }, () => ({}));
  const err = errorOf(kms, "CreateKeyRequest", { Tags: tags });
  const expected = Array.from({ length: 5 }, (_, i) => [
    `Value null at 'tags.${i + 1}.member.tagKey' failed to satisfy constraint: Member must not be null`,
    `Value null at 'tags.${i + 1}.member.tagValue' failed to satisfy constraint: Member must not be null`,
  ]).flat();
  assert.equal(err?.message, `10 validation errors detected: ${expected.join("; ")}`);
});

test("JSON values of the wrong kind are SerializationExceptions with Coral's messages", () => {
  const cases: Array<[string, unknown, string]> = [
    ["NextToken", true, "class java.lang.Boolean can not be converted to an String"],
    ["NextToken", 23, "class java.lang.Short can not be converted to an String"],
    ["NextToken", -2147483648, "class java.lang.Integer can not be converted to an String"],
    ["NextToken", 2147483648, "class java.lang.Long can not be converted to an String"],
    ["NextToken", 34.56, "class java.lang.Double can not be converted to an String"],
    ["NextToken", [], "Start of list found where not expected"],
    ["NextToken", {}, "Start of structure or map found where not expected."],
    ["MaxResults", "23", "class java.lang.String can not be converted to an Integer"],
    ["MaxResults", true, "class java.lang.Boolean can not be converted to an Integer"],
    ["MaxResults", [], "Start of list found where not expected"],
    ["IncludePlannedDeletion", "23", "'23' can not be converted to an Boolean"],
    ["IncludePlannedDeletion", "yes", "'YES' can not be converted to an Boolean"],
    ["IncludePlannedDeletion", 23, "class java.lang.Short can not be converted to an Boolean"],
    ["IncludePlannedDeletion", {}, "Start of structure or map found where not expected."],
    ["Filters", "23", "Expected list or null"],
    ["Filters", 23, "Expected list or null"],
    ["Filters", {}, "Start of structure or map found where not expected."],
    ["Filters", ["name"], "Expected null"],
    ["Filters", [[]], "Start of list found where not expected"],
  ];
  for (const [member, value, message] of cases) {
    assertSerialization(sm, "ListSecretsRequest", { [member]: value }, message);
  }
  assertSerialization(sm, "ListSecretsRequest", [], "Start of list found where not expected");
  assertSerialization(sm, "ListSecretsRequest", "{}", "Expected null");
  assertSerialization(kms, "EncryptRequest", { KeyId: "k", Plaintext: "AA==", EncryptionContext: [] },
    "Start of list found where not expected");
  assertSerialization(kms, "EncryptRequest", { KeyId: "k", Plaintext: "AA==", EncryptionContext: "a=b" },
    "Expected map or null");
  // A type error wins over constraint violations found before it.
  assertSerialization(sm, "ListSecretsRequest", { MaxResults: 0, SortOrder: 1 },
    "class java.lang.Short can not be converted to an String");
});

test("blobs must be canonical, padded base64", () => {
  const blob = (Plaintext: unknown) => ({ KeyId: "k", Plaintext });
  // Plaintext is sensitive, so the offending text is not echoed; CiphertextBlob is not.
  assertSerialization(kms, "EncryptRequest", blob("23456"),
    "Value can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5");
  assertSerialization(kms, "DecryptRequest", { CiphertextBlob: "=+/=" },
    "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='");
  assertSerialization(kms, "DecryptRequest", { CiphertextBlob: "+/+=" },
    "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected");
  assertSerialization(kms, "DecryptRequest", { CiphertextBlob: 23 }, "class java.lang.Short can not be converted to a Blob");
  assertSerialization(kms, "DecryptRequest", { CiphertextBlob: true }, "class java.lang.Boolean can not be converted to a Blob");
});

test("every pattern in the three models compiles with its Java meaning", () => {
  for (const model of [sm, kms, account]) {
    for (const [name, shape] of Object.entries(model.shapes)) {
      if (shape.pattern !== undefined) {
        assert.ok(compileJavaPattern(shape.pattern), `${model.metadata.serviceId} ${name}: ${shape.pattern}`);
      }
    }
  }
});

test("Java-only regex syntax is skipped rather than misread", () => {
  for (const javaOnly of ["\\p{Alpha}+", "[a-z&&[^b]]+", "\\Aabc\\Z", "[\\w]++", "\\Qa.b\\E"]) {
    assert.equal(compileJavaPattern(javaOnly), undefined, javaOnly);
  }
  assert.ok(compileJavaPattern("[\\p{L}\\p{N}]+")?.test("Ünïcode9"));
  assert.equal(compileJavaPattern("[\\p{L}\\p{N}]+")?.test("a b"), false);
});

// ---- fuzz ----------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ["", "a", "AWSCURRENT", "AAAA", "=+/=", "ab=c", "true", "\u0000", "😀", "__proto__", "x".repeat(300)];
const NUMBERS = [0, -1, 1, 7, 23, 1.5, -0.5, 2147483648, -2147483649, 1e300, Number.MAX_SAFE_INTEGER];

function randomJson(rnd: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const r = rnd();
  if (r < 0.1) return null;
  if (r < 0.2) return rnd() < 0.5;
  if (r < 0.4) return pick(NUMBERS);
  if (r < 0.6 || depth <= 0) return pick(STRINGS);
  if (r < 0.8) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomJson(rnd, depth - 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick(STRINGS), randomJson(rnd, depth - 1)]));
}

/** Mostly well-shaped input for a shape, with random JSON mixed in at every level. */
function shapedJson(model: ServiceModel, shape: ShapeDescriptor, rnd: () => number, depth: number): unknown {
  if (rnd() < 0.15 || depth <= 0) return randomJson(rnd, 2);
  const child = (name: string) => shapedJson(model, model.shapes[name]!, rnd, depth - 1);
  switch (shape.type) {
    case "structure":
      return Object.fromEntries(
        Object.entries(shape.members ?? {}).filter(() => rnd() < 0.6).map(([n, ref]) => [n, child(ref.shape)]),
      );
    case "list":
      return Array.from({ length: Math.floor(rnd() * 4) }, () => child(shape.member!.shape));
    case "map":
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 3) }, (_, i) => [`k${i}`, child(shape.value!.shape)]));
    case "string":
      return shape.enum && rnd() < 0.5 ? shape.enum[0] : STRINGS[Math.floor(rnd() * STRINGS.length)];
    case "blob":
      return rnd() < 0.7 ? b64(Math.floor(rnd() * 8)) : "abc";
    case "boolean":
      return rnd() < 0.5;
    default:
      return NUMBERS[Math.floor(rnd() * NUMBERS.length)];
  }
}

/** Independent statement of the promise handlers rely on: accepted input has modelled JSON types. */
function conforms(model: ServiceModel, shape: ShapeDescriptor, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const at = (name: string, v: unknown) => conforms(model, model.shapes[name]!, v);
  switch (shape.type) {
    case "structure":
      return typeof value === "object" && !Array.isArray(value) &&
        Object.entries(shape.members ?? {}).every(([n, ref]) => at(ref.shape, (value as Record<string, unknown>)[n]));
    case "list":
      return Array.isArray(value) && value.every((v) => v !== null && at(shape.member!.shape, v));
    case "map":
      return typeof value === "object" && !Array.isArray(value) && Object.values(value).every((v) => at(shape.value!.shape, v));
    case "string":
    case "blob":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
    case "long":
      return Number.isInteger(value);
    default:
      return typeof value === "number";
  }
}

test("fuzz: any JSON gets a 400 SerializationException or ValidationException, or is well-typed", () => {
  const rnd = prng(20171017);
  const outcomes = new Map<string, number>();
  for (const model of [sm, kms]) {
    const inputs = Object.values(model.operations).flatMap((op) => (op.input ? [op.input] : []));
    for (let i = 0; i < 4000; i++) {
      const shapeName = inputs[i % inputs.length]!;
      const input = i % 5 === 0 ? randomJson(rnd, 4) : shapedJson(model, model.shapes[shapeName]!, rnd, 6);
      let outcome = "accepted";
      try {
        validateInput(model, shapeName, input);
        assert.ok(conforms(model, model.shapes[shapeName]!, input), `${shapeName} accepted ${JSON.stringify(input)}`);
      } catch (err) {
        assert.ok(err instanceof ServiceError, `${shapeName} ${JSON.stringify(input)}: ${String(err)}`);
        assert.ok(["SerializationException", "ValidationException"].includes(err.code));
        assert.equal(err.status, 400);
        assert.ok(err.message.length > 0);
        outcome = err.code;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  }
  // The fuzz reached all three outcomes, so it exercised more than the type checks.
  assert.deepEqual([...outcomes.keys()].sort(), ["SerializationException", "ValidationException", "accepted"]);
});
