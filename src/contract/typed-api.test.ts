// The operation tables are typed against the generated API: these lines compile only because the
// types reject them (tsc fails the build on an unused @ts-expect-error), so the test is the build.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { OperationTable } from "./call-context.js";
import type { SecretsManagerOperations } from "../generated/secretsmanager-api.js";
import { secretsManagerActions } from "../generated/secretsmanager-api.js";

test("a misspelt operation, member or output field does not compile", () => {
  const table: OperationTable<SecretsManagerOperations> = {
    GetRandomPassword: async (_ctx, input) => ({ RandomPassword: String(input.PasswordLength ?? 32) }),
    // @ts-expect-error: no such operation in the model
    GetSecretValues: async () => ({}),
  };
  const wrongInput: OperationTable<SecretsManagerOperations> = {
    // @ts-expect-error: the input has no member SecretName
    DescribeSecret: async (_ctx, input) => ({ Name: input.SecretName }),
  };
  const wrongOutput: OperationTable<SecretsManagerOperations> = {
    // @ts-expect-error: the output has no member Secret
    DescribeSecret: async (_ctx, input) => ({ Secret: input.SecretId }),
  };
  assert.ok(table.GetRandomPassword && wrongInput.DescribeSecret && wrongOutput.DescribeSecret);
});

test("the list of actions is the model's operations", () => {
  assert.equal(secretsManagerActions.length, 23);
  assert.ok(secretsManagerActions.includes("BatchGetSecretValue"));
});
