// BatchGetSecretValue fails closed: with no way to decide each secret on the caller's behalf (a
// context nothing authorizes), it refuses instead of reading.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readOps } from "./reads.js";
import type { SecretsCore } from "../secrets-core.js";
import type { CallContext } from "../../contract/call-context.js";
import { ServiceError } from "../../contract/service-error.js";
import type { BatchGetSecretValueRequest } from "../../generated/secretsmanager-api.js";

test("without authorizeAs the batch refuses, by ids and by filters, and reads nothing", async () => {
  const touched: string[] = [];
  const core = new Proxy({}, { get: (_, name) => { touched.push(String(name)); throw new Error(`core.${String(name)} was used`); } }) as SecretsCore;
  const ctx: CallContext = { accountId: "111111111111", region: "us-east-1", partition: "aws", requestId: "r", principalArn: "arn:aws:iam::111111111111:user/u" };
  const batch = readOps(core).BatchGetSecretValue!;
  const inputs: BatchGetSecretValueRequest[] = [{ SecretIdList: ["a"] }, { Filters: [{ Key: "name", Values: ["a"] }] }];
  for (const input of inputs) {
    await assert.rejects(batch(ctx, input), (e: unknown) => e instanceof ServiceError && e.code === "AccessDeniedException");
  }
  assert.deepEqual(touched, []);
});
