// CreateSecret and finding a secret again, through the AWS SDK: names, ARNs (full and partial),
// the size limits of a value, and the errors AWS gives (aws-recorded/secretsmanager.snapshot.json:
// test_create_and_update_secret, test_invalid_secret_name, test_secret_exists_snapshots).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";
import { signAtClock } from "../support/sign-at-clock.js";

const clock = { t: Date.UTC(2024, 0, 15, 12, 0, 0, 250), now: () => clock.t };
let m: TestServer;
let sm: SecretsManagerClient;
before(async () => {
  m = await startMeridian({ clock, regions: ["us-east-1", "eu-west-1"] });
  sm = client("us-east-1");
});
after(() => m.stop());

/** A client signing at the server's clock. */
const client = (region: string) => signAtClock(m.secrets(region), clock);

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const INVALID_NAME = "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!";
const value = async (secretId: string) => (await sm.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;

test("CreateSecret answers with the ARN, name and version, and DescribeSecret shows only what is set", async () => {
  const name = `create-${randomUUID()}`;
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "my_secret", Description: "Testing secret creation." }));
  assert.match(created.ARN!, new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:${name}-[A-Za-z0-9]{6}$`));
  assert.equal(created.Name, name);
  assert.match(created.VersionId!, /^[0-9a-f-]{36}$/);

  const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
  assert.deepEqual(
    { ...described, $metadata: undefined },
    {
      $metadata: undefined,
      ARN: created.ARN,
      Name: name,
      Description: "Testing secret creation.",
      CreatedDate: new Date(clock.t),
      LastChangedDate: new Date(clock.t),
      VersionIdsToStages: { [created.VersionId!]: ["AWSCURRENT"] },
    },
  );
});

test("a second secret of the same name is refused", async () => {
  const name = `exists-${randomUUID()}`;
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "one" }));
  await rejects(
    sm.send(new CreateSecretCommand({ Name: name, SecretString: "two" })),
    "ResourceExistsException",
    `The operation failed because the secret ${name} already exists.`,
  );
  assert.equal(await value(name), "one");
  // The same name is free in another Region.
  const elsewhere = await client("eu-west-1").send(new CreateSecretCommand({ Name: name, SecretString: "three" }));
  assert.match(elsewhere.ARN!, /^arn:aws:secretsmanager:eu-west-1:/);
});

test("names may hold letters, digits and /_+=.@- and nothing else", async () => {
  for (const name of ["Valid/_+=.@-Name", "Valid/_+=.@-Name-a1b2", "Valid/_+=.@-Name-a1b2c3-", "s-c64bdc03", "/leading/slash"]) {
    const unique = `${name}${randomUUID().slice(0, 8)}`;
    const created = await sm.send(new CreateSecretCommand({ Name: unique, SecretString: "v" }));
    assert.equal(created.Name, unique);
    assert.equal(await value(unique), "v");
  }
  for (const name of ["Inv Name", " Inv Name", " Inv*Name? ", " Inv *?!]Name\\-", "tab\tname", "ümlaut"]) {
    await rejects(sm.send(new CreateSecretCommand({ Name: name, SecretString: "MySecretString" })), "ValidationException", INVALID_NAME);
  }
});

test("a name is 1 to 512 characters", async () => {
  const longest = "n".repeat(500) + randomUUID().slice(0, 12);
  assert.equal((await sm.send(new CreateSecretCommand({ Name: longest, SecretString: "v" }))).Name, longest);
  const tooLong = "n".repeat(513);
  await rejects(
    sm.send(new CreateSecretCommand({ Name: tooLong, SecretString: "v" })),
    "ValidationException",
    `1 validation error detected: Value '${tooLong}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512`,
  );
});

test("a secret is found by name, full ARN and partial ARN, in its own Region only", async () => {
  const name = `lookup/${randomUUID()}`;
  const { ARN } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "found" }));
  const arn = ARN!;
  assert.equal(await value(name), "found");
  assert.equal(await value(arn), "found");
  assert.equal(await value(arn.slice(0, -7)), "found");
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: arn.slice(0, -7) }))).ARN, arn);

  const wrongSuffix = arn.slice(0, -6) + (arn.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: wrongSuffix })), "ResourceNotFoundException", NOT_FOUND);
  const otherRegion = arn.replace(":us-east-1:", ":eu-west-1:");
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: otherRegion })), "ResourceNotFoundException", NOT_FOUND);
  const otherAccount = arn.replace(`:${ACCOUNT_ID}:`, ":222222222222:");
  // Another account's ARN is decided by its resource policy first: there is none, so access is denied.
  await rejects(
    sm.send(new GetSecretValueCommand({ SecretId: otherAccount })),
    "AccessDeniedException",
    `User: arn:aws:iam::${ACCOUNT_ID}:root is not authorized to perform: secretsmanager:GetSecretValue on resource: ${otherAccount} because no resource-based policy allows the secretsmanager:GetSecretValue action`,
  );
  await rejects(client("eu-west-1").send(new GetSecretValueCommand({ SecretId: name })), "ResourceNotFoundException", NOT_FOUND);
});

test("a name ending in a hyphen and six characters has no partial ARN", async () => {
  const name = `Invalid/_+=.@-Name-${randomUUID().slice(0, 4)}-a1b2c3`;
  const { ARN } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "my_secret" }));
  assert.equal(await value(name), "my_secret");
  assert.equal(await value(ARN!), "my_secret");
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: ARN!.slice(0, -7) })), "ResourceNotFoundException", NOT_FOUND);
});

test("SecretString and SecretBinary together are refused", async () => {
  const name = `both-${randomUUID()}`;
  const both = "You can't specify both a binary secret value and a string secret value in the same secret.";
  await rejects(
    sm.send(new CreateSecretCommand({ Name: name, SecretString: "s", SecretBinary: Buffer.from("b") })),
    "InvalidParameterException",
    both,
  );
  await rejects(sm.send(new DescribeSecretCommand({ SecretId: name })), "ResourceNotFoundException", NOT_FOUND);
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "s" }));
  await rejects(
    sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "s", SecretBinary: Buffer.from("b") })),
    "InvalidParameterException",
    both,
  );
});

test("a value is at most 65,536 bytes, as a string or as binary", async () => {
  const name = `size-${randomUUID()}`;
  const largest = "x".repeat(65_536);
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: largest }));
  assert.equal(await value(name), largest);
  const bytes = Buffer.alloc(65_536, 0xab);
  await sm.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: bytes }));
  assert.ok(Buffer.from((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretBinary!).equals(bytes));

  await rejects(
    sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: largest + "x" })),
    "ValidationException",
    "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
  );
  await rejects(
    sm.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: Buffer.alloc(65_537) })),
    "ValidationException",
    "1 validation error detected: Value at 'secretBinary' failed to satisfy constraint: Member must have length less than or equal to 65536",
  );
  await rejects(
    sm.send(new CreateSecretCommand({ Name: `${name}-2`, SecretString: largest + "x" })),
    "ValidationException",
    "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
  );
  assert.ok(Buffer.from((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretBinary!).equals(bytes));
});

test("an empty SecretString is refused", async () => {
  await rejects(
    sm.send(new CreateSecretCommand({ Name: `empty-${randomUUID()}`, SecretString: "" })),
    "ValidationException",
    "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length greater than or equal to 1",
  );
});
