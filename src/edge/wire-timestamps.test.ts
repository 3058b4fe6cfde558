import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeInputTimestamps, encodeJsonOutput } from "./wire-timestamps.js";
import { model as secretsmanager } from "../generated/secretsmanager-model.js";
import { model as kms } from "../generated/kms-model.js";
import type { ServiceModel } from "../contract/model-types.js";

test("output timestamps become epoch seconds, milliseconds as the fraction, however deep", () => {
  const created = new Date(Date.UTC(2026, 11, 4, 18, 0, 0, 250));
  const text = encodeJsonOutput(secretsmanager, "ListSecretsResponse", {
    SecretList: [{ Name: "a", CreatedDate: created, SecretVersionsToStages: { v1: ["AWSCURRENT"] }, LastAccessedDate: undefined }],
  });
  assert.deepEqual(JSON.parse(text), { SecretList: [{ Name: "a", CreatedDate: created.getTime() / 1000, SecretVersionsToStages: { v1: ["AWSCURRENT"] } }] });
});

test("a shape the model formats as ISO 8601 is written so", () => {
  const model: ServiceModel = {
    metadata: secretsmanager.metadata,
    operations: {},
    shapes: { Out: { type: "structure", members: { At: { shape: "Iso" } } }, Iso: { type: "timestamp", timestampFormat: "iso8601" } },
  };
  assert.equal(encodeJsonOutput(model, "Out", { At: new Date(Date.UTC(2026, 0, 2)) }), '{"At":"2026-01-02T00:00:00.000Z"}');
});

test("an output without timestamps is written as given; no output shape is an empty object", () => {
  assert.equal(encodeJsonOutput(secretsmanager, "GetRandomPasswordResponse", { RandomPassword: "x" }), '{"RandomPassword":"x"}');
  assert.equal(encodeJsonOutput(secretsmanager, undefined, undefined), "{}");
});

test("input timestamps (KMS ImportKeyMaterial ValidTo) reach the handler as Dates", () => {
  const input = decodeInputTimestamps(kms, "ImportKeyMaterialRequest", { KeyId: "k", ValidTo: 1_800_000_000.5 }) as { ValidTo: Date; KeyId: string };
  assert.ok(input.ValidTo instanceof Date);
  assert.equal(input.ValidTo.getTime(), 1_800_000_000_500);
  assert.equal(input.KeyId, "k");
});
