// BatchGetSecretValue through the AWS SDK: by a list of ids (names, ARNs, partial ARNs), with an
// Errors entry for each one that cannot be read, and by filters with paging.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  PutSecretValueCommand,
  paginateBatchGetSecretValue,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";

let m: TestServer;
let sm: SecretsManagerClient;
before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
  sm = m.secrets("us-east-1");
});
after(() => m.stop());

test("by ids: one value per secret found, one error per id that is not", async () => {
  const prefix = `batch-${randomUUID()}`;
  const a = await sm.send(new CreateSecretCommand({ Name: `${prefix}/a`, SecretString: "value-a" }));
  const b = await sm.send(new CreateSecretCommand({ Name: `${prefix}/b`, SecretBinary: Buffer.from([1, 2, 3]) }));
  await sm.send(new PutSecretValueCommand({ SecretId: b.ARN, SecretBinary: Buffer.from([4, 5]) }));
  const empty = await sm.send(new CreateSecretCommand({ Name: `${prefix}/empty` }));
  const missing = `${prefix}/missing`;

  const out = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [`${prefix}/a`, b.ARN!.slice(0, -7), missing, empty.ARN!] }));
  const values = out.SecretValues!;
  assert.equal(values.length, 2);
  const [first, second] = values;
  assert.deepEqual([first!.ARN, first!.Name, first!.SecretString, first!.VersionId, first!.VersionStages], [a.ARN, `${prefix}/a`, "value-a", a.VersionId, ["AWSCURRENT"]]);
  assert.ok(first!.CreatedDate instanceof Date);
  assert.deepEqual([second!.ARN, second!.Name, [...second!.SecretBinary!], second!.SecretString], [b.ARN, `${prefix}/b`, [4, 5], undefined]);
  assert.deepEqual(out.Errors, [
    { SecretId: missing, ErrorCode: "ResourceNotFoundException", Message: "Secrets Manager can't find the specified secret." },
    {
      SecretId: empty.ARN,
      ErrorCode: "ResourceNotFoundException",
      Message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    },
  ]);
  assert.equal(out.NextToken, undefined);
});

test("by filters, page by page", async () => {
  const prefix = `batchf-${randomUUID()}`;
  const expected: Record<string, string> = {};
  for (let i = 0; i < 5; i++) {
    await sm.send(new CreateSecretCommand({ Name: `${prefix}/${i}`, SecretString: `v${i}`, Tags: [{ Key: "group", Value: prefix }] }));
    expected[`${prefix}/${i}`] = `v${i}`;
  }
  await sm.send(new CreateSecretCommand({ Name: `other-${prefix}`, SecretString: "not me" }));

  const first = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: "name", Values: [`${prefix}/`] }], MaxResults: 2 }));
  assert.equal(first.SecretValues!.length, 2);
  assert.ok(first.NextToken);

  const seen: Record<string, string> = {};
  for await (const page of paginateBatchGetSecretValue({ client: sm, pageSize: 2 }, { Filters: [{ Key: "tag-value", Values: [prefix] }] })) {
    assert.ok(page.SecretValues!.length <= 2);
    for (const v of page.SecretValues!) seen[v.Name!] = v.SecretString!;
  }
  assert.deepEqual(seen, expected);

  const none = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: "name", Values: [`nothing-${prefix}`] }] }));
  assert.deepEqual(none.SecretValues, []);
});

test("refusals: ids and filters together, MaxResults with ids", async () => {
  await rejects(
    sm.send(new BatchGetSecretValueCommand({ SecretIdList: ["x"], Filters: [{ Key: "name", Values: ["x"] }] })),
    "InvalidParameterException",
    "Either 'SecretIdList' or 'Filters' must be provided, but not both.",
  );
  await rejects(
    sm.send(new BatchGetSecretValueCommand({ SecretIdList: ["x"], MaxResults: 5 })),
    "InvalidParameterException",
    "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
  );
  await rejects(
    sm.send(new BatchGetSecretValueCommand({ SecretIdList: Array.from({ length: 21 }, (_, i) => `s${i}`) })),
    "ValidationException",
    `1 validation error detected: Value '[${Array.from({ length: 21 }, (_, i) => `s${i}`).join(", ")}]' at 'secretIdList' failed to satisfy constraint: Member must have length less than or equal to 20`,
  );
});
