// Versions of a secret through the AWS SDK: PutSecretValue and UpdateSecret, ClientRequestToken
// idempotency, deprecated versions, the 100-version quota, and reading a version by id or label.
// The clock is frozen and moved by hand; the client signs with that clock (see signAtClock).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";
import { signAtClock } from "../support/sign-at-clock.js";

const clock = { t: Date.UTC(2024, 2, 10, 15, 30), now: () => clock.t };
let m: TestServer;
let sm: SecretsManagerClient;
before(async () => {
  m = await startMeridian({ clock, regions: ["us-east-1"] });
  sm = signAtClock(m.secrets("us-east-1"), clock);
});
after(() => m.stop());

const advance = (ms: number) => (clock.t += ms);

const newName = () => `versions-${randomUUID()}`;

async function versions(name: string, includeDeprecated = false) {
  const { Versions } = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: includeDeprecated }));
  return Object.fromEntries(Versions!.map((v) => [v.VersionId!, v.VersionStages ?? null]));
}

test("PutSecretValue with the same token and value is answered with the same version and changes nothing", async () => {
  const name = newName();
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "v0" }));
  const token = randomUUID();
  const first = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v1", ClientRequestToken: token }));
  assert.equal(first.VersionId, token);
  assert.deepEqual(first.VersionStages, ["AWSCURRENT"]);
  const again = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v1", ClientRequestToken: token }));
  assert.equal(again.ARN, first.ARN);
  assert.equal(again.VersionId, token);
  assert.deepEqual(again.VersionStages, ["AWSCURRENT"]);
  assert.deepEqual(await versions(name, true), { [created.VersionId!]: ["AWSPREVIOUS"], [token]: ["AWSCURRENT"] });
});

test("the same token with another value is refused, whatever the operation", async () => {
  const name = newName();
  const token = randomUUID();
  const { ARN } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "first", ClientRequestToken: token }));
  // AWS's wording (issue 12 item 13, from a suite verified against AWS): the token and the secret's ARN.
  const refusal = `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${ARN}.`;
  await rejects(
    sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "second", ClientRequestToken: token })),
    "ResourceExistsException",
    refusal,
  );
  await rejects(sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: "second", ClientRequestToken: token })), "ResourceExistsException", refusal);
  // The same bytes as binary are another value.
  await rejects(
    sm.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: Buffer.from("first"), ClientRequestToken: token })),
    "ResourceExistsException",
    refusal,
  );
  const read = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  assert.equal(read.SecretString, "first");
  assert.equal(read.VersionId, token);
});

test("CreateSecret retried with its token and value answers as the first time", async () => {
  const name = newName();
  const token = randomUUID();
  const first = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", ClientRequestToken: token }));
  const retry = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "x", ClientRequestToken: token }));
  assert.equal(retry.ARN, first.ARN);
  assert.equal(retry.VersionId, token);
  assert.deepEqual(await versions(name, true), { [token]: ["AWSCURRENT"] });
});

test("UpdateSecret with a value adds an AWSCURRENT version; with only a description it adds none", async () => {
  const name = newName();
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "secret_string_v0" }));
  const updated = await sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: "secret_string_v1" }));
  assert.equal(updated.ARN, created.ARN);
  assert.equal(updated.Name, name);
  assert.ok(updated.VersionId && updated.VersionId !== created.VersionId);
  assert.deepEqual(await versions(name), { [created.VersionId!]: ["AWSPREVIOUS"], [updated.VersionId!]: ["AWSCURRENT"] });

  const described = await sm.send(new UpdateSecretCommand({ SecretId: name, Description: "MyDescription" }));
  assert.equal(described.VersionId, undefined);
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Description, "MyDescription");
  const nothing = await sm.send(new UpdateSecretCommand({ SecretId: name }));
  assert.deepEqual([nothing.ARN, nothing.Name, nothing.VersionId], [created.ARN, name, undefined]);
  assert.equal(Object.keys(await versions(name, true)).length, 2);
});

test("versions without labels are deprecated: listed only with IncludeDeprecated, still readable by id", async () => {
  const name = newName();
  const v1 = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: "original" }))).VersionId!;
  const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "update1" }))).VersionId!;
  const v3 = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "update2" }))).VersionId!;
  assert.deepEqual(await versions(name), { [v2]: ["AWSPREVIOUS"], [v3]: ["AWSCURRENT"] });
  assert.deepEqual(await versions(name, true), { [v1]: null, [v2]: ["AWSPREVIOUS"], [v3]: ["AWSCURRENT"] });
  const v4 = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "update3" }))).VersionId!;
  assert.deepEqual(await versions(name, true), { [v1]: null, [v2]: null, [v3]: ["AWSPREVIOUS"], [v4]: ["AWSCURRENT"] });
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 }))).SecretString, "original");
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" }))).SecretString, "update2");
});

test("GetSecretValue names what it could not find", async () => {
  const name = newName();
  const { VersionId } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "test" }));
  await rejects(
    sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" })),
    "ResourceNotFoundException",
    "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
  );
  await rejects(
    sm.send(new GetSecretValueCommand({ SecretId: name, VersionId, VersionStage: "AWSPREVIOUS" })),
    "InvalidRequestException",
    "You provided a VersionStage that is not associated to the provided VersionId.",
  );
  const unknown = randomUUID();
  await rejects(
    sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: unknown })),
    "ResourceNotFoundException",
    `Secrets Manager can't find the specified secret value for VersionId: ${unknown}`,
  );
  const both = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId, VersionStage: "AWSCURRENT" }));
  assert.equal(both.SecretString, "test");

  const empty = newName();
  await sm.send(new CreateSecretCommand({ Name: empty }));
  await rejects(
    sm.send(new GetSecretValueCommand({ SecretId: empty })),
    "ResourceNotFoundException",
    "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
  );
  await rejects(
    sm.send(new GetSecretValueCommand({ SecretId: empty, VersionStage: "AWSPENDING" })),
    "ResourceNotFoundException",
    "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
  );
});

test("the first value of a secret created empty is AWSCURRENT, even when put with other labels", async () => {
  const name = newName();
  const created = await sm.send(new CreateSecretCommand({ Name: name, Description: "" }));
  assert.equal(created.VersionId, undefined);
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages, undefined);
  const put = await sm.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: "first", VersionStages: ["AWSPENDING"] }));
  assert.deepEqual(put.VersionStages, ["AWSCURRENT", "AWSPENDING"]);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "first");
});

test("binary values come back byte for byte", async () => {
  const name = newName();
  await sm.send(new CreateSecretCommand({ Name: name, SecretBinary: Buffer.from("initial") }));
  for (const bytes of [[0x00, 0x01, 0x02, 0xff], [0xfe, 0xfd]]) {
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: Uint8Array.from(bytes) }));
    const read = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.deepEqual([...read.SecretBinary!], bytes);
    assert.equal(read.SecretString, undefined);
  }
  const previous = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" }));
  assert.deepEqual([...previous.SecretBinary!], [0x00, 0x01, 0x02, 0xff]);
});

test("a secret holds 100 versions; unlabeled ones go oldest first, but only once they are a day old", async () => {
  const name = newName();
  const first = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: "v0" }))).VersionId!;
  const second = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v1" }))).VersionId!;
  for (let i = 2; i < 100; i++) await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${i}` }));
  assert.equal(Object.keys(await versions(name, true)).length, 100);

  await rejects(
    sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v100" })),
    "LimitExceededException",
    "A secret can have at most 100 versions. Secrets Manager removes versions without staging labels once they are more than 24 hours old.",
  );
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "v99");

  advance(24 * 3600_000 + 1);
  const latest = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v100" }));
  const all = await versions(name, true);
  assert.equal(Object.keys(all).length, 100);
  assert.equal(first in all, false);
  assert.equal(all[second], null);
  assert.deepEqual(all[latest.VersionId!], ["AWSCURRENT"]);
  assert.equal(Object.values(all).filter((s) => s !== null).length, 2);
  await rejects(
    sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: first })),
    "ResourceNotFoundException",
    `Secrets Manager can't find the specified secret value for VersionId: ${first}`,
  );
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: second }))).SecretString, "v1");
});

test("labeled versions are never dropped to make room", async () => {
  const name = newName();
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "start" }));
  const keep = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "keep", VersionStages: ["KEEP"] }))).VersionId!;
  for (let i = 0; i < 98; i++) await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: `n${i}` }));
  advance(2 * 24 * 3600_000);
  for (let i = 0; i < 3; i++) await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: `late${i}` }));
  const all = await versions(name, true);
  assert.equal(Object.keys(all).length, 100);
  assert.deepEqual(all[keep], ["KEEP"]);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "KEEP" }))).SecretString, "keep");
});

/** Run a send with ClientRequestToken taken out of the body the SDK serialized (it always fills one in). */
async function withoutToken<T>(send: () => Promise<T>): Promise<T> {
  sm.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { body: string; headers: Record<string, string> };
      const body = JSON.parse(request.body);
      delete body.ClientRequestToken;
      request.body = JSON.stringify(body);
      request.headers["content-length"] = String(Buffer.byteLength(request.body));
      return next(args);
    },
    { step: "build", priority: "low", name: "dropClientRequestToken" },
  );
  try {
    return await send();
  } finally {
    sm.middlewareStack.remove("dropClientRequestToken");
  }
}

test("writing a value without a ClientRequestToken is refused (the SDKs always send one)", async () => {
  const name = newName();
  const missing = "You must provide a ClientRequestToken value. We recommend a UUID-type value.";
  await rejects(withoutToken(() => sm.send(new CreateSecretCommand({ Name: name, SecretString: "s" }))), "InvalidRequestException", missing);
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "s" }));
  await rejects(withoutToken(() => sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "t" }))), "InvalidRequestException", missing);
  await rejects(withoutToken(() => sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: "t", Description: "d" }))), "InvalidRequestException", missing);
  // Without a value there is no version to name.
  await withoutToken(() => sm.send(new UpdateSecretCommand({ SecretId: name, Description: "d" })));
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Description, "d");
});

test("a token must be 32 to 64 characters; PutSecretValue needs a value", async () => {
  const name = newName();
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: "s" }));
  await rejects(
    sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "t", ClientRequestToken: "too-short" })),
    "ValidationException",
    "1 validation error detected: Value 'too-short' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32",
  );
  await rejects(
    sm.send(new PutSecretValueCommand({ SecretId: name })),
    "InvalidRequestException",
    "You must provide either SecretString or SecretBinary.",
  );
});

test("concurrent PutSecretValue calls each add a version; one ends up AWSCURRENT, one AWSPREVIOUS", async () => {
  const name = newName();
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "start" }));
  // Eight writers: a commit that loses a race is retried up to eight times, so each gets through.
  const puts = await Promise.all(
    Array.from({ length: 8 }, (_, i) => sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: `p${i}` }))),
  );
  const all = await versions(name, true);
  assert.deepEqual(Object.keys(all).sort(), [created.VersionId!, ...puts.map((p) => p.VersionId!)].sort());
  const labeled = Object.entries(all).filter(([, stages]) => stages !== null);
  assert.deepEqual(labeled.map(([, stages]) => stages).sort(), [["AWSCURRENT"], ["AWSPREVIOUS"]]);
  const current = await sm.send(new GetSecretValueCommand({ SecretId: name }));
  assert.equal(current.VersionId, labeled.find(([, s]) => s![0] === "AWSCURRENT")![0]);
});
