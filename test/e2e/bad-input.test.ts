// Malformed requests sent as raw HTTP, each with the exact status, __type and message Meridian gives
// (AWS's where known; see the notes on each group). None may change stored state, crash or hang the
// server, leak a stack trace, or go without x-amzn-RequestId.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, ADMIN, type TestServer } from "../support/meridian.js";
import { rawRequest, type RawRequest, type RawResponse } from "../support/raw-request.js";
import { SIGNATURE_MISMATCH } from "../../src/edge/sigv4.js";

// A fixed server clock, so the clock-skew messages are exact; the SDK signs with the real clock,
// which stays well within 15 minutes of it while this file runs.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const MIN = 60_000;
const basic = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");

const FIXTURE = "bad-input/fixture";
const VALUE = "the-value-before-the-table";
const putFixture = { SecretId: FIXTURE, SecretString: "overwritten!", ClientRequestToken: "c".repeat(32) };

interface Row {
  name: string;
  request: RawRequest;
  status: number;
  /** the JSON body expected exactly (AWS JSON errors) */
  json?: Record<string, unknown>;
  /** or a __type and a message pattern, when the message holds parts only known at run time */
  type?: string;
  message?: RegExp;
  /** or the raw body expected exactly, with no Content-Type (AWS's front-end refusals) */
  raw?: string;
  /** more to check on a success */
  check?: (json: Record<string, unknown>) => void;
}

const validation = (violation: string) => ({ __type: "ValidationException", message: `1 validation error detected: ${violation}` });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const CANNOT_AUTHORIZE =
  "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n";

const rows: Row[] = [
  // ---- the body: AWS's Coral front end answers a body that is not JSON, or not an object, with a
  // bare SerializationException (no message member); a list where a structure belongs is named.
  {
    name: "malformed JSON",
    request: { target: "secretsmanager.PutSecretValue", body: `{"SecretId": "${FIXTURE}", "SecretString": ` },
    status: 400,
    json: { __type: "SerializationException" },
  },
  {
    name: "body is a JSON array",
    request: { target: "secretsmanager.PutSecretValue", body: [putFixture] },
    status: 400,
    json: { __type: "SerializationException", message: "Start of list found where not expected" },
  },
  { name: "body is a JSON string", request: { target: "secretsmanager.PutSecretValue", body: `"${FIXTURE}"` }, status: 400, json: { __type: "SerializationException" } },
  { name: "body is a JSON number", request: { target: "secretsmanager.PutSecretValue", body: "42" }, status: 400, json: { __type: "SerializationException" } },
  { name: "body is JSON null", request: { target: "secretsmanager.PutSecretValue", body: "null" }, status: 400, json: { __type: "SerializationException" } },

  // ---- required members, lengths, enums: Coral's ValidationException wording.
  {
    name: "CreateSecret without Name",
    request: { target: "secretsmanager.CreateSecret", body: { SecretString: "x" } },
    status: 400,
    json: validation("Value null at 'name' failed to satisfy constraint: Member must not be null"),
  },
  {
    name: "GetSecretValue without SecretId",
    request: { target: "secretsmanager.GetSecretValue", body: {} },
    status: 400,
    json: validation("Value null at 'secretId' failed to satisfy constraint: Member must not be null"),
  },
  {
    name: "PutSecretValue without SecretId",
    request: { target: "secretsmanager.PutSecretValue", body: { SecretString: "overwritten!" } },
    status: 400,
    json: validation("Value null at 'secretId' failed to satisfy constraint: Member must not be null"),
  },
  {
    name: "Name of 513 characters",
    request: { target: "secretsmanager.CreateSecret", body: { Name: "n".repeat(513), SecretString: "x" } },
    status: 400,
    json: validation(`Value '${"n".repeat(513)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512`),
  },
  {
    name: 'SecretId ""',
    request: { target: "secretsmanager.GetSecretValue", body: { SecretId: "" } },
    status: 400,
    json: validation("Value '' at 'secretId' failed to satisfy constraint: Member must have length greater than or equal to 1"),
  },
  {
    name: "ClientRequestToken of 31 characters",
    request: { target: "secretsmanager.PutSecretValue", body: { ...putFixture, ClientRequestToken: "t".repeat(31) } },
    status: 400,
    json: validation(`Value '${"t".repeat(31)}' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32`),
  },
  {
    // SecretString is sensitive: AWS names the member but never shows the value.
    name: "SecretString of 65,537 characters",
    request: { target: "secretsmanager.PutSecretValue", body: { ...putFixture, SecretString: "s".repeat(65_537) } },
    status: 400,
    json: validation("Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536"),
  },
  {
    name: 'ListSecrets Filters Key "bogus"',
    request: { target: "secretsmanager.ListSecrets", body: { Filters: [{ Key: "bogus", Values: ["x"] }] } },
    status: 400,
    json: validation(
      "Value 'bogus' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: " +
        "[description, name, tag-key, tag-value, primary-region, owning-service, all]",
    ),
  },
  {
    name: 'ListSecrets SortOrder "up"',
    request: { target: "secretsmanager.ListSecrets", body: { SortOrder: "up" } },
    status: 400,
    json: validation("Value 'up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]"),
  },

  // ---- wrong JSON types: Coral's deserializer messages, the first one wins.
  {
    name: "Name: 5",
    request: { target: "secretsmanager.CreateSecret", body: { Name: 5 } },
    status: 400,
    json: { __type: "SerializationException", message: "class java.lang.Short can not be converted to an String" },
  },
  {
    name: 'Tags: "x"',
    request: { target: "secretsmanager.TagResource", body: { SecretId: FIXTURE, Tags: "x" } },
    status: 400,
    json: { __type: "SerializationException", message: "Expected list or null" },
  },
  {
    name: "Filters: {}",
    request: { target: "secretsmanager.ListSecrets", body: { Filters: {} } },
    status: 400,
    json: { __type: "SerializationException", message: "Start of structure or map found where not expected." },
  },

  // ---- size: beyond 1 MiB the body is refused before it is read to the end (Meridian's limit).
  {
    name: "body over 1 MiB",
    request: { target: "secretsmanager.PutSecretValue", body: { ...putFixture, SecretString: "b".repeat(1024 * 1024 + 1) } },
    status: 413,
    json: { __type: "SerializationException", message: "Request body must be at most 1048576 bytes." },
  },

  // ---- the operation and the protocol.
  { name: "unknown operation secretsmanager.Bogus", request: { target: "secretsmanager.Bogus", body: {} }, status: 400, json: { __type: "UnknownOperationException" } },
  {
    name: "an operation named like an Object property",
    request: { target: "secretsmanager.constructor", body: {} },
    status: 400,
    json: { __type: "UnknownOperationException" },
  },
  { name: "no X-Amz-Target", request: { target: null, body: putFixture }, status: 400, json: { __type: "UnknownOperationException" } },
  {
    // AWS's front end: a Service.Operation target under a content type it does not speak.
    name: "Content-Type text/plain",
    request: { target: "secretsmanager.PutSecretValue", contentType: "text/plain", body: putFixture },
    status: 404,
    raw: "<UnknownOperationException/>\n",
  },
  {
    name: "no Content-Type and no X-Amz-Target",
    request: { target: null, contentType: null, body: putFixture },
    status: 403,
    raw: CANNOT_AUTHORIZE,
  },
  { name: "GET instead of POST", request: { method: "GET", target: "secretsmanager.ListSecrets" }, status: 403, raw: CANNOT_AUTHORIZE },

  // ---- authentication: every row would overwrite the fixture if it got through.
  {
    name: "no Authorization header",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, sign: false },
    status: 400,
    json: { __type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" },
  },
  {
    name: "an Authorization header without Signature and SignedHeaders",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, sign: false, headers: { authorization: "AWS4-HMAC-SHA256 Credential=x", "x-amz-date": basic(NOW) } },
    status: 400,
    type: "IncompleteSignatureException",
    message: /^Authorization header requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\. \(Hashed with SHA-256 and encoded with Base64\) Authorization=\S+$/,
  },
  {
    name: "an access key nobody issued",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: ADMIN.secretAccessKey } },
    status: 400,
    json: { __type: "UnrecognizedClientException", message: "The security token included in the request is invalid." },
  },
  {
    // Secrets Manager appends the canonical request and string to sign it computed.
    name: "the wrong secret access key",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, credentials: { ...ADMIN, secretAccessKey: "not-the-secret" } },
    status: 400,
    type: "InvalidSignatureException",
    message: new RegExp(
      `^${escape(SIGNATURE_MISMATCH)}\\n\\nThe Canonical String for this request should have been\\n'POST\\n/\\n\\n` +
        `[^']*x-amz-target:secretsmanager\\.PutSecretValue\\n[^']*\\n[0-9a-f]{64}'\\n\\n` +
        `The String-to-Sign should have been\\n'AWS4-HMAC-SHA256\\n\\d{8}T\\d{6}Z\\n\\d{8}/us-east-1/secretsmanager/aws4_request\\n[0-9a-f]{64}'\\n$`,
    ),
  },
  {
    name: "signed 20 minutes ago",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, signedAt: new Date(NOW - 20 * MIN) },
    status: 400,
    json: {
      __type: "InvalidSignatureException",
      message: `Signature expired: ${basic(NOW - 20 * MIN)} is now earlier than ${basic(NOW - 15 * MIN)} (${basic(NOW)} - 15 min.)`,
    },
  },
  {
    name: "signed 20 minutes ahead",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, signedAt: new Date(NOW + 20 * MIN) },
    status: 400,
    json: {
      __type: "InvalidSignatureException",
      message: `Signature not yet current: ${basic(NOW + 20 * MIN)} is still later than ${basic(NOW + 15 * MIN)} (${basic(NOW)} + 15 min.)`,
    },
  },
  {
    name: "a Region this server does not host",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, region: "xx-fake-1" },
    status: 400,
    json: { __type: "InvalidSignatureException", message: "Credential should be scoped to a valid region. " },
  },
  {
    name: "an opt-in Region the account has not enabled",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, region: "af-south-1" },
    status: 400,
    json: { __type: "UnrecognizedClientException", message: "The security token included in the request is invalid." },
  },
  {
    name: "a credential scoped to another service",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, service: "kms" },
    status: 400,
    json: { __type: "InvalidSignatureException", message: "Credential should be scoped to correct service: 'secretsmanager'. " },
  },
  {
    name: "the wrong Region and the wrong service, reported together",
    request: { target: "secretsmanager.PutSecretValue", body: putFixture, region: "xx-fake-1", service: "s3" },
    status: 400,
    json: {
      __type: "InvalidSignatureException",
      message: "Credential should be scoped to a valid region. Credential should be scoped to correct service: 'secretsmanager'. ",
    },
  },

  // ---- members the model does not know are ignored, as AWS ignores them.
  {
    name: "unknown members are ignored",
    request: { target: "secretsmanager.GetSecretValue", body: { SecretId: FIXTURE, NotAMember: true, Nested: { Deep: [1, 2] } } },
    status: 200,
    check: (json) => assert.equal(json.SecretString, VALUE),
  },
];

let m: TestServer;
let initial: Awaited<ReturnType<typeof snapshot>>;

async function snapshot() {
  const sm = m.secrets();
  const current = await sm.send(new GetSecretValueCommand({ SecretId: FIXTURE }));
  const previous = await sm.send(new GetSecretValueCommand({ SecretId: FIXTURE, VersionStage: "AWSPREVIOUS" }));
  const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: FIXTURE }));
  const described = await sm.send(new DescribeSecretCommand({ SecretId: FIXTURE }));
  return {
    current: [current.VersionId, current.SecretString, current.VersionStages],
    previous: [previous.VersionId, previous.SecretString, previous.VersionStages],
    versions: (versions.Versions ?? []).map((v) => [v.VersionId, v.VersionStages]).sort(),
    description: described.Description,
    tags: described.Tags,
    versionIdsToStages: described.VersionIdsToStages,
    lastChangedDate: described.LastChangedDate,
  };
}

before(async () => {
  m = await startMeridian({ clock: { now: () => NOW } });
  const sm = m.secrets();
  await sm.send(
    new CreateSecretCommand({ Name: FIXTURE, SecretString: "first", Description: "left alone", Tags: [{ Key: "team", Value: "edge" }] }),
  );
  await sm.send(new PutSecretValueCommand({ SecretId: FIXTURE, SecretString: VALUE }));
  initial = await snapshot();
});
after(() => m.stop());

function assertWellFormed(res: RawResponse): void {
  assert.match(String(res.headers["x-amzn-requestid"]), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  // No stack frame, file path or internal error text ever reaches a client.
  assert.doesNotMatch(res.text, /\n\s+at |\.[jt]s:\d+|node:internal|InternalServiceError|TypeError|ReferenceError/);
}

for (const row of rows) {
  test(row.name, async () => {
    const res = await rawRequest(m.url, { credentials: ADMIN, ...row.request });
    assertWellFormed(res);
    assert.equal(res.status, row.status, res.text);
    if (row.raw !== undefined) {
      assert.equal(res.text, row.raw);
      assert.equal(res.headers["content-type"], undefined);
      return;
    }
    assert.equal(res.headers["content-type"], "application/x-amz-json-1.1");
    if (row.json) assert.deepEqual(res.json, row.json);
    if (row.type) {
      assert.equal(res.json?.__type, row.type);
      assert.match(String(res.json?.message), row.message!);
      assert.deepEqual(Object.keys(res.json!), ["__type", "message"]);
    }
    row.check?.(res.json!);
  });
}

/** Bytes written straight to a socket, and everything the server answers before it closes. */
function overSocket(url: string, bytes: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => socket.write(bytes));
    let text = "";
    socket.setTimeout(10_000, () => socket.destroy(new Error("no answer within 10 s")));
    socket.on("data", (c: Buffer) => (text += c.toString("latin1")));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}

const REQUEST_ID_HEADER = /\r\nx-amzn-requestid: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\r\n/i;

test("bytes that are not HTTP: 400, with a request id", async () => {
  const answer = await overSocket(m.url, "HELLO THERE\r\n\r\n");
  assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(answer, REQUEST_ID_HEADER);
});

test("headers beyond the server's limit: 431, with a request id", async () => {
  const u = new URL(m.url);
  const answer = await overSocket(m.url, `POST / HTTP/1.1\r\nHost: ${u.host}\r\nX-Padding: ${"p".repeat(64 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`);
  assert.match(answer, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  assert.match(answer, REQUEST_ID_HEADER);
});

test("after the table: the stored secret is as it was and the server still answers", async () => {
  assert.deepEqual(await snapshot(), initial);
  // Nothing the table sent created a secret either.
  const list = await rawRequest(m.url, { credentials: ADMIN, target: "secretsmanager.ListSecrets", body: {} });
  assert.equal(list.status, 200);
  assert.deepEqual((list.json?.SecretList as { Name: string }[]).map((s) => s.Name), [FIXTURE]);
  // No request of the table was an internal error.
  assert.deepEqual(m.logs.filter((l) => JSON.parse(l).level === "error"), []);
});
