// What DescribeSecret tells about a secret besides its value, through the AWS SDK: tags (the
// sequence recorded against AWS in test_secret_tags), the dates and their resolution, resource
// policies, and GetRandomPassword. The clock is frozen and moved by hand.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  ValidateResourcePolicyCommand,
  type GetRandomPasswordCommandInput,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";
import { signAtClock } from "../support/sign-at-clock.js";

const HOUR = 3_600_000;
const clock = { t: Date.UTC(2024, 2, 10, 15, 30), now: () => clock.t };
let m: TestServer;
let sm: SecretsManagerClient;
before(async () => {
  m = await startMeridian({ clock, regions: ["us-east-1"] });
  sm = signAtClock(m.secrets("us-east-1"), clock);
});
after(() => m.stop());

const describe = (id: string) => sm.send(new DescribeSecretCommand({ SecretId: id }));
const newName = () => `meta-${randomUUID()}`;

test("tags: absent until set, then listed in order, and an empty list once all are removed", async () => {
  const { ARN } = await sm.send(new CreateSecretCommand({ Name: newName() }));
  const id = ARN!;
  assert.equal((await describe(id)).Tags, undefined);
  await sm.send(new TagResourceCommand({ SecretId: id, Tags: [{ Key: "tag1", Value: "value1" }] }));
  assert.deepEqual((await describe(id)).Tags, [{ Key: "tag1", Value: "value1" }]);
  await sm.send(new TagResourceCommand({ SecretId: id, Tags: [{ Key: "tag2", Value: "value2" }] }));
  assert.deepEqual((await describe(id)).Tags, [{ Key: "tag1", Value: "value1" }, { Key: "tag2", Value: "value2" }]);
  await sm.send(new UntagResourceCommand({ SecretId: id, TagKeys: ["tag1"] }));
  assert.deepEqual((await describe(id)).Tags, [{ Key: "tag2", Value: "value2" }]);
  await sm.send(new UntagResourceCommand({ SecretId: id, TagKeys: ["tag2"] }));
  assert.deepEqual((await describe(id)).Tags, []);
  await sm.send(new TagResourceCommand({ SecretId: id, Tags: [{ Key: "tag3", Value: "value3" }, { Key: "tag4", Value: "value4" }] }));
  assert.deepEqual((await describe(id)).Tags, [{ Key: "tag3", Value: "value3" }, { Key: "tag4", Value: "value4" }]);
  await sm.send(new UntagResourceCommand({ SecretId: id, TagKeys: ["tag3", "tag4"] }));
  assert.deepEqual((await describe(id)).Tags, []);
});

test("tagging a key again replaces its value; tags given at creation are shown", async () => {
  const name = newName();
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", Tags: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "a" }] }));
  assert.deepEqual((await describe(name)).Tags, [{ Key: "env", Value: "dev" }, { Key: "team", Value: "a" }]);
  await sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "env", Value: "prod" }] }));
  assert.deepEqual((await describe(name)).Tags, [{ Key: "env", Value: "prod" }, { Key: "team", Value: "a" }]);
  await sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: ["absent"] }));
  assert.deepEqual((await describe(name)).Tags, [{ Key: "env", Value: "prod" }, { Key: "team", Value: "a" }]);
  // Key is optional in the API model; a tag without one is refused, not an internal error.
  await rejects(
    sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Value: "orphan" }] })),
    "InvalidParameterException",
    "You must specify a key for every tag.",
  );
  await rejects(
    sm.send(new TagResourceCommand({ SecretId: `missing-${randomUUID()}`, Tags: [{ Key: "k", Value: "v" }] })),
    "ResourceNotFoundException",
    "Secrets Manager can't find the specified secret.",
  );
});

test("a tag given without a value, at creation or later, is kept with an empty one, which a tag-value filter reads", async () => {
  const name = newName();
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", Tags: [{ Key: "bare" }] }));
  assert.deepEqual((await describe(name)).Tags, [{ Key: "bare", Value: "" }]);
  await sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "later" }] }));
  assert.deepEqual((await describe(name)).Tags, [{ Key: "bare", Value: "" }, { Key: "later", Value: "" }]);
  const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: [name] }, { Key: "tag-value", Values: ["!x"] }] }));
  assert.deepEqual(listed.SecretList?.map((s) => s.Name), [name]);
});

test("CreatedDate and LastChangedDate to the millisecond, LastAccessedDate to the day (UTC)", async () => {
  const name = newName();
  const created = clock.t;
  const { VersionId: v1 } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "one" }));
  let d = await describe(name);
  assert.deepEqual([d.CreatedDate, d.LastChangedDate, d.LastAccessedDate], [new Date(created), new Date(created), undefined]);

  clock.t += HOUR;
  const read = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  assert.deepEqual(read.CreatedDate, new Date(created));
  const day1 = new Date(Date.UTC(2024, 2, 10));
  d = await describe(name);
  assert.deepEqual([d.LastAccessedDate, d.LastChangedDate], [day1, new Date(created)]);

  clock.t = Date.UTC(2024, 2, 11, 1, 0);
  const changed = clock.t;
  const { VersionId: v2 } = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two" }));
  d = await describe(name);
  assert.deepEqual([d.CreatedDate, d.LastChangedDate, d.LastAccessedDate], [new Date(created), new Date(changed), day1]);
  const versions = Object.fromEntries(
    (await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions!.map((v) => [v.VersionId!, v]),
  );
  assert.deepEqual([versions[v1!]!.CreatedDate, versions[v1!]!.LastAccessedDate], [new Date(created), day1]);
  assert.deepEqual([versions[v2!]!.CreatedDate, versions[v2!]!.LastAccessedDate], [new Date(changed), undefined]);

  clock.t += 5 * HOUR;
  await sm.send(new GetSecretValueCommand({ SecretId: name }));
  assert.deepEqual((await describe(name)).LastAccessedDate, new Date(Date.UTC(2024, 2, 11)));

  clock.t += HOUR;
  await sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "k", Value: "v" }] }));
  assert.deepEqual((await describe(name)).LastChangedDate, new Date(clock.t));
  clock.t += HOUR;
  await sm.send(new UpdateSecretCommand({ SecretId: name, Description: "new" }));
  d = await describe(name);
  assert.deepEqual([d.LastChangedDate, d.CreatedDate], [new Date(clock.t), new Date(created)]);
});

const policy = (principal: unknown) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: principal, Action: "secretsmanager:GetSecretValue", Resource: "*" }],
  });
const ACCOUNT_POLICY = policy({ AWS: `arn:aws:iam::${ACCOUNT_ID}:root` });
const PUBLIC_POLICY = policy("*");

test("resource policies: put, get, delete", async () => {
  const name = newName();
  const { ARN } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "my_secret" }));
  const empty = await sm.send(new GetResourcePolicyCommand({ SecretId: name }));
  assert.deepEqual([empty.ARN, empty.Name, empty.ResourcePolicy], [ARN, name, undefined]);

  // Without BlockPublicPolicy even a policy open to everyone is accepted (recorded against AWS).
  const put = await sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: PUBLIC_POLICY }));
  assert.deepEqual([put.ARN, put.Name], [ARN, name]);
  assert.deepEqual(JSON.parse((await sm.send(new GetResourcePolicyCommand({ SecretId: ARN }))).ResourcePolicy!), JSON.parse(PUBLIC_POLICY));

  await sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: ACCOUNT_POLICY, BlockPublicPolicy: true }));
  assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy, ACCOUNT_POLICY);

  const deleted = await sm.send(new DeleteResourcePolicyCommand({ SecretId: name }));
  assert.deepEqual([deleted.ARN, deleted.Name], [ARN, name]);
  assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy, undefined);
  await sm.send(new DeleteResourcePolicyCommand({ SecretId: name }));
});

test("resource policies: BlockPublicPolicy, malformed documents, ValidateResourcePolicy", async () => {
  const name = newName();
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "x" }));
  await rejects(
    sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: PUBLIC_POLICY, BlockPublicPolicy: true })),
    "PublicPolicyException",
    "You can't attach a resource-based policy that allows broad access to the secret.",
  );
  assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy, undefined);
  await rejects(
    sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: "{not json" })),
    "MalformedPolicyDocumentException",
    "This resource policy contains a syntax error.",
  );

  const passed = await sm.send(new ValidateResourcePolicyCommand({ SecretId: name, ResourcePolicy: ACCOUNT_POLICY }));
  assert.deepEqual([passed.PolicyValidationPassed, passed.ValidationErrors], [true, []]);
  const broad = await sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: PUBLIC_POLICY }));
  assert.equal(broad.PolicyValidationPassed, false);
  assert.deepEqual(broad.ValidationErrors!.map((e) => e.CheckName), ["BroadAccessCheck"]);
  await rejects(
    sm.send(new ValidateResourcePolicyCommand({ SecretId: `missing-${randomUUID()}`, ResourcePolicy: ACCOUNT_POLICY })),
    "ResourceNotFoundException",
    "Secrets Manager can't find the specified secret.",
  );
});

const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const DIGIT = /[0-9]/;
const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const password = async (input: GetRandomPasswordCommandInput) =>
  (await sm.send(new GetRandomPasswordCommand(input))).RandomPassword!;

test("GetRandomPassword: 32 characters of every type by default", async () => {
  const p = await password({});
  assert.equal(p.length, 32);
  for (const type of [UPPER, LOWER, DIGIT, PUNCT]) assert.match(p, type);
  assert.doesNotMatch(p, / /);
});

test("GetRandomPassword: lengths, exclusions, spaces", async () => {
  assert.equal((await password({ PasswordLength: 4096 })).length, 4096);
  assert.equal((await password({ PasswordLength: 4 })).length, 4);
  const excluded = await password({ PasswordLength: 120, ExcludeCharacters: "xyzDje@?!." });
  assert.equal(excluded.length, 120);
  assert.doesNotMatch(excluded, /[xyzDje@?!.]/);

  const lettersOnly = await password({ PasswordLength: 64, ExcludeNumbers: true, ExcludePunctuation: true });
  assert.match(lettersOnly, /^[A-Za-z]{64}$/);
  assert.match(lettersOnly, UPPER);
  assert.match(lettersOnly, LOWER);
  assert.match(await password({ PasswordLength: 50, ExcludeUppercase: true, ExcludeLowercase: true, ExcludePunctuation: true }), /^[0-9]{50}$/);
  assert.match(await password({ PasswordLength: 50, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true, IncludeSpace: true }), /^[a-z ]{50}$/);
  assert.match(await password({ PasswordLength: 1, RequireEachIncludedType: false }), /^.$/);
});

test("GetRandomPassword: refusals", async () => {
  await rejects(
    password({ PasswordLength: 4097 }),
    "ValidationException",
    "1 validation error detected: Value '4097' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096",
  );
  await rejects(
    password({ PasswordLength: 0 }),
    "ValidationException",
    "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: Member must have value greater than or equal to 1",
  );
  await rejects(password({ PasswordLength: 3 }), "InvalidParameterException", "Password length is too short based on the required types.");
});
