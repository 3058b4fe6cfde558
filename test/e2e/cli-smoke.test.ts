// The unchanged `aws` CLI against Meridian: endpoint and credentials from the environment only, as
// a user would set them. Skips when `aws` is not on PATH.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { awsCliMissing, emptyAwsHome, run, type AwsHome } from "../support/aws-cli.js";
import type {
  CreateSecretResponse,
  DeleteSecretResponse,
  DescribeSecretResponse,
  GetSecretValueResponse,
  ListSecretsResponse,
  PutSecretValueResponse,
} from "../../src/generated/secretsmanager-api.js";

const REGION = "eu-west-1";
const skip = awsCliMissing();

let m: TestServer;
let home: AwsHome;

before(async () => {
  if (skip) return;
  m = await startMeridian({ regions: [REGION] });
  home = emptyAwsHome(m.url, REGION);
});

after(async () => {
  if (skip) return;
  await m.stop();
  home.remove();
});

/** The CLI prints timestamps as numbers or strings, not as the SDK's Date. */
interface DescribedDeletion {
  DeletedDate?: number | string;
}

/** `aws secretsmanager <args>` as parsed JSON, typed by the caller as the response it reads. */
async function sm<T>(...args: string[]): Promise<T> {
  const r = await run(["secretsmanager", ...args, "--output", "json"], home.env);
  assert.equal(r.code, 0, `aws secretsmanager ${args.join(" ")} exited with ${r.code}: ${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

test("aws secretsmanager: create, read, put, list, describe, delete", { skip }, async () => {
  const created = await sm<CreateSecretResponse>("create-secret", "--name", "cli/app", "--secret-string", "first", "--description", "from the CLI");
  assert.match(created.ARN!, new RegExp(`^arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:cli/app-[A-Za-z0-9]{6}$`));
  assert.equal(created.Name, "cli/app");

  const read = await sm<GetSecretValueResponse>("get-secret-value", "--secret-id", "cli/app");
  assert.equal(read.SecretString, "first");
  assert.equal(read.VersionId, created.VersionId);
  assert.deepEqual(read.VersionStages, ["AWSCURRENT"]);

  const put = await sm<PutSecretValueResponse>("put-secret-value", "--secret-id", created.ARN!, "--secret-string", "second");
  assert.notEqual(put.VersionId, created.VersionId);
  assert.deepEqual(put.VersionStages, ["AWSCURRENT"]);

  // Independent reads run side by side: each `aws` start costs half a second.
  const [reread, listed, described] = await Promise.all([
    sm<GetSecretValueResponse>("get-secret-value", "--secret-id", "cli/app"),
    sm<ListSecretsResponse>("list-secrets"),
    sm<DescribeSecretResponse>("describe-secret", "--secret-id", "cli/app"),
  ]);
  assert.equal(reread.SecretString, "second");
  assert.deepEqual(
    listed.SecretList!.map((s) => s.Name),
    ["cli/app"],
  );
  assert.equal(described.Description, "from the CLI");
  assert.deepEqual(described.VersionIdsToStages, { [created.VersionId!]: ["AWSPREVIOUS"], [put.VersionId!]: ["AWSCURRENT"] });

  const deleted = await sm<DeleteSecretResponse>("delete-secret", "--secret-id", "cli/app", "--recovery-window-in-days", "7");
  assert.equal(deleted.ARN, created.ARN);
  const [deletedSecret, listedAfter] = await Promise.all([sm<DescribedDeletion>("describe-secret", "--secret-id", "cli/app"), sm<ListSecretsResponse>("list-secrets")]);
  assert.ok(deletedSecret.DeletedDate, "a deleted secret shows its DeletedDate");
  assert.deepEqual(listedAfter.SecretList, []);
});

test("aws secretsmanager: a missing secret fails with the AWS error code", { skip }, async () => {
  const r = await run(["secretsmanager", "get-secret-value", "--secret-id", "no/such/secret", "--output", "json"], home.env);
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}`);
  assert.match(r.stderr, /ResourceNotFoundException/);
  assert.match(r.stderr, /Secrets Manager can't find the specified secret\./);
  assert.equal(r.stdout, "");
});
