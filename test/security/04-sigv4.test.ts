// Issue 10, item 4: SigV4 gaps, against a real server. A header that selects the operation, carries
// the credentials or dates the request must be signed, or a captured GetSecretValue could be sent
// on as a DeleteSecret; a presigned request lives X-Amz-Expires seconds (1 s to 7 days), no longer.
// Requests are signed by hand (test/support/hand-sign.ts) to leave headers out of the signature;
// the server's clock is injected, so expiry is tested without waiting.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { startMeridian, ADMIN, type TestServer } from "../support/meridian.js";
import { rawRequest, type RawResponse } from "../support/raw-request.js";
import { handSign, type HandSignInput } from "../support/hand-sign.js";
import { Sha256 } from "../../src/util/sign-request.js";

const SECRET_ID = "sigv4/victim";
const VALUE = "the victim's value";
const BODY = JSON.stringify({ SecretId: SECRET_ID });
const JSON_TYPE = "application/x-amz-json-1.1";
const GET = "secretsmanager.GetSecretValue";
const DELETE = "secretsmanager.DeleteSecret";
const ALL_SIGNED = ["content-type", "host", "x-amz-date", "x-amz-target"];
const MIN = 60_000;

// The server's clock: real time (the SDK clients sign with it) unless a test moves it.
const clockMs = Date.now();
const clock = { now: () => clockMs };
let m: TestServer;

before(async () => {
  m = await startMeridian({ clock });
  await m.secrets().send(new CreateSecretCommand({ Name: SECRET_ID, SecretString: VALUE }));
});
after(() => m.stop());

const atSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

/** Sends a hand-signed request; `after` changes headers once the signature is made, as an attacker would. */
function send(input: Partial<HandSignInput> & { after?: Record<string, string> }): Promise<RawResponse> {
  const signed = handSign({
    url: m.url,
    headers: { "content-type": JSON_TYPE, "x-amz-target": GET },
    signedHeaders: ALL_SIGNED,
    body: BODY,
    credentials: ADMIN,
    at: atSecond(clockMs),
    ...input,
  });
  return rawRequest(m.url, {
    path: signed.path,
    body: input.body ?? BODY,
    sign: false,
    target: null,
    contentType: null,
    headers: { ...signed.headers, ...input.after },
  });
}

const UNSIGNED = { __type: "AccessDeniedException", message: "There were headers present in the request which were not signed" };

function assertRefused(res: RawResponse, status: number, json: Record<string, unknown>): void {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, json);
}

function assertValue(res: RawResponse): void {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json?.["SecretString"], VALUE);
}

async function assertNotDeleted(): Promise<void> {
  const described = await m.secrets().send(new DescribeSecretCommand({ SecretId: SECRET_ID }));
  assert.equal(described.DeletedDate, undefined, "the secret was scheduled for deletion");
}

test("the hand signer signs as the AWS SDK does (header and query-string authentication)", async () => {
  const at = new Date("2024-01-01T00:00:00Z");
  const url = new URL(m.url);
  const request = () =>
    new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      headers: { host: url.host, "content-type": JSON_TYPE, "x-amz-target": GET },
      body: BODY,
    });
  // applyChecksum: false, or the SDK adds (and signs) an x-amz-content-sha256 header of its own
  const signer = new SignatureV4({ credentials: ADMIN, region: "us-east-1", service: "secretsmanager", sha256: Sha256, applyChecksum: false });
  const sdk = await signer.sign(request(), { signingDate: at });
  const mine = handSign({ url: m.url, headers: { "content-type": JSON_TYPE, "x-amz-target": GET }, signedHeaders: ALL_SIGNED, body: BODY, credentials: ADMIN, at });
  assert.equal(mine.headers["authorization"], sdk.headers["authorization"]);

  const presigned = await signer.presign(request(), { signingDate: at, expiresIn: 3600, unhoistableHeaders: new Set(["x-amz-target"]) });
  const minePresigned = handSign({
    url: m.url,
    headers: { "content-type": JSON_TYPE, "x-amz-target": GET },
    signedHeaders: ["content-type", "host", "x-amz-target"],
    body: BODY,
    credentials: ADMIN,
    at,
    presignExpires: "3600",
  });
  assert.equal(minePresigned.signature, presigned.query!["X-Amz-Signature"]);
});

test("a fully signed request is served (the control for the refusals below)", async () => {
  assertValue(await send({}));
  // x-amzn-* is not x-amz-*: the trace id the SDKs never sign may travel unsigned.
  assertValue(await send({ after: { "x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793" } }));
});

test("x-amz-target left out of the signature: a captured GetSecretValue cannot be sent on as DeleteSecret", async () => {
  const signedHeaders = ["content-type", "host", "x-amz-date"];
  assertRefused(await send({ signedHeaders, after: { "x-amz-target": DELETE } }), 403, UNSIGNED);
  await assertNotDeleted();
  // nor as the GetSecretValue it was signed for
  assertRefused(await send({ signedHeaders }), 403, UNSIGNED);
});

test("x-amz-security-token left out of the signature is refused", async () => {
  const sts = new STSClient({ endpoint: m.url, region: "us-east-1", credentials: ADMIN, maxAttempts: 1 });
  const issued = (await sts.send(new GetSessionTokenCommand({}))).Credentials!;
  sts.destroy();
  const credentials = { accessKeyId: issued.AccessKeyId!, secretAccessKey: issued.SecretAccessKey!, sessionToken: issued.SessionToken! };
  const headers = { "content-type": JSON_TYPE, "x-amz-target": GET, "x-amz-security-token": credentials.sessionToken };
  assertValue(await send({ credentials, headers, signedHeaders: [...ALL_SIGNED, "x-amz-security-token"] }));
  assertRefused(await send({ credentials, headers, signedHeaders: ALL_SIGNED }), 403, UNSIGNED);
});

test("x-amz-date left out of the signature is refused", async () => {
  assertRefused(await send({ signedHeaders: ["content-type", "host", "x-amz-target"] }), 403, UNSIGNED);
});

test("content-type left out of the signature is refused", async () => {
  assertRefused(await send({ signedHeaders: ["host", "x-amz-date", "x-amz-target"] }), 403, UNSIGNED);
});

test("any other x-amz-* header left out of the signature is refused", async () => {
  assertRefused(await send({ after: { "x-amz-meta-note": "added in transit" } }), 403, UNSIGNED);
});

// ---- presigned requests (query-string authentication) ----

const PRESIGNED_HEADERS = ["content-type", "host", "x-amz-target"];

/** A presigned GetSecretValue signed `ageMs` before the server's clock. */
const presigned = (expires: string | null, ageMs = 0, over: Partial<HandSignInput> & { after?: Record<string, string> } = {}) =>
  send({ signedHeaders: PRESIGNED_HEADERS, presignExpires: expires, at: atSecond(clockMs - ageMs), ...over });

const incomplete = (message: string) => ({ __type: "IncompleteSignatureException", message });

test("a presigned request is served within X-Amz-Expires, even past the 15 minutes of clock skew", async () => {
  assertValue(await presigned("3600", 30 * MIN));
  assertValue(await presigned("60", 59_000));
  assertValue(await presigned("604800", 6 * 24 * 60 * MIN));
});

test("a presigned request past X-Amz-Date + X-Amz-Expires is refused", async () => {
  const expired = { __type: "AccessDeniedException", message: "Request has expired" };
  assertRefused(await presigned("60", 60_000), 403, expired);
  assertRefused(await presigned("60", 61_000), 403, expired);
  assertRefused(await presigned("900", 16 * MIN), 403, expired);
  assertRefused(await presigned("1", 5_000), 403, expired);
});

test("X-Amz-Expires over a week, not a number, negative or missing is refused", async () => {
  assertRefused(
    await presigned("604801"),
    400,
    incomplete("X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"),
  );
  assertRefused(await presigned("abc"), 400, incomplete("X-Amz-Expires should be a number"));
  assertRefused(await presigned("60.5"), 400, incomplete("X-Amz-Expires should be a number"));
  assertRefused(await presigned("-1"), 400, incomplete("X-Amz-Expires must be non-negative"));
  assertRefused(
    await presigned(null),
    400,
    incomplete("AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string parameters."),
  );
});

test("a presigned request with an x-amz-* header outside its signature is refused", async () => {
  // presigned for GetSecretValue with only host and content-type signed; the target set afterwards
  assertRefused(await presigned("3600", 0, { signedHeaders: ["content-type", "host"], after: { "x-amz-target": DELETE } }), 403, UNSIGNED);
  await assertNotDeleted();
});
