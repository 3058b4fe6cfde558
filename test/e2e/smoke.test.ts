// The first thing a newcomer does: create a secret, read it back, in two Regions that do not see
// each other's secrets.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  DescribeSecretCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";

let m: TestServer;
before(async () => {
  m = await startMeridian();
});
after(() => m.stop());

test("create and read a secret through the AWS SDK", async () => {
  const sm = m.secrets("eu-west-1");
  const created = await sm.send(new CreateSecretCommand({ Name: "app/db", SecretString: "hunter2" }));
  assert.match(created.ARN!, new RegExp(`^arn:aws:secretsmanager:eu-west-1:${ACCOUNT_ID}:secret:app/db-[A-Za-z0-9]{6}$`));
  const read = await sm.send(new GetSecretValueCommand({ SecretId: "app/db" }));
  assert.equal(read.SecretString, "hunter2");
  assert.equal(read.VersionId, created.VersionId);
  assert.deepEqual(read.VersionStages, ["AWSCURRENT"]);
  const byArn = await sm.send(new DescribeSecretCommand({ SecretId: created.ARN }));
  assert.equal(byArn.Name, "app/db");
});

test("Regions are isolated from each other", async () => {
  const name = `only-here-${randomUUID()}`;
  await m.secrets("us-west-2").send(new CreateSecretCommand({ Name: name, SecretString: "x" }));
  await assert.rejects(
    m.secrets("eu-central-1").send(new GetSecretValueCommand({ SecretId: name })),
    (e: unknown) => e instanceof ResourceNotFoundException && e.message === "Secrets Manager can't find the specified secret.",
  );
});

test("GovCloud and China partitions use their own ARN prefix", async () => {
  const gov = await m.secrets("us-gov-west-1").send(new CreateSecretCommand({ Name: "gov", SecretString: "x" }));
  assert.match(gov.ARN!, /^arn:aws-us-gov:secretsmanager:us-gov-west-1:/);
  const cn = await m.secrets("cn-north-1").send(new CreateSecretCommand({ Name: "cn", SecretString: "x" }));
  assert.match(cn.ARN!, /^arn:aws-cn:secretsmanager:cn-north-1:/);
});
