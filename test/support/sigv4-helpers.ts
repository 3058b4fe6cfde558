// Shared by the SigV4 tests: requests signed by the AWS SDK v3 signer at a fixed instant, the
// verifier's options for them, and assertions on AWS's refusals.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { ServiceError } from "../../src/contract/service-error.js";
import { Sha256 } from "../../src/util/sign-request.js";
import { SIGNATURE_MISMATCH, verifySigV4, type SignedRequest, type VerifyOptions } from "../../src/edge/sigv4.js";

// ---- signing with the AWS SDK v3 signer ----

export const ACCESS_KEY = "AKIAMERIDIANTEST0001";
export const SECRET = "meridian/Secret+Key/0001";
export const SIGNED_AT = new Date("2024-01-01T00:00:00Z");

export interface SignInput {
  method?: string;
  hostname?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  service?: string;
  region?: string;
  at?: Date;
  secret?: string;
  sessionToken?: string;
  presign?: boolean;
  /** presigned: X-Amz-Expires (the SDK's default is 3600) */
  expiresIn?: number;
}

// The SDK builds the wire query the way @smithy/querystring-builder does.
const escapeUri = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
export const wireQuery = (query: Record<string, string | string[]>) =>
  Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${escapeUri(k)}=${escapeUri(x)}`))
    .join("&");

export async function sdkSign(input: SignInput = {}): Promise<SignedRequest> {
  const service = input.service ?? "secretsmanager";
  const region = input.region ?? "eu-west-1";
  const hostname = input.hostname ?? `${service}.${region}.amazonaws.com`;
  const body = input.body ?? '{"SecretId":"prod/db"}';
  const request = new HttpRequest({
    method: input.method ?? "POST",
    protocol: "https:",
    hostname,
    path: input.path ?? "/",
    query: input.query ?? {},
    headers: {
      host: hostname,
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "secretsmanager.GetSecretValue",
      ...input.headers,
    },
    body,
  });
  const signer = new SignatureV4({
    service,
    region,
    sha256: Sha256,
    credentials: {
      accessKeyId: ACCESS_KEY,
      secretAccessKey: input.secret ?? SECRET,
      ...(input.sessionToken === undefined ? {} : { sessionToken: input.sessionToken }),
    },
  });
  const signed = input.presign
    ? await signer.presign(request, { signingDate: input.at ?? SIGNED_AT, ...(input.expiresIn === undefined ? {} : { expiresIn: input.expiresIn }) })
    : await signer.sign(request, { signingDate: input.at ?? SIGNED_AT });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  return {
    method: signed.method,
    path: signed.path,
    query: wireQuery(signed.query as Record<string, string | string[]>),
    headers,
    body: Buffer.from(body, "utf8"),
  };
}

const HOSTED = new Set(["eu-west-1", "us-east-1"]);
export const options = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({
  secretFor: (id) => (id === ACCESS_KEY ? SECRET : undefined),
  now: SIGNED_AT,
  checkSignature: true,
  isHostedRegion: (r) => HOSTED.has(r),
  ...over,
});

export function refuses(req: SignedRequest, opts: VerifyOptions, code: string, message: string | RegExp, status = 400): void {
  assert.throws(
    () => verifySigV4(req, opts),
    (e: unknown) => {
      assert.ok(e instanceof ServiceError, `expected a ServiceError, got ${String(e)}`);
      assert.equal(e.code, code);
      if (typeof message === "string") assert.equal(e.message, message);
      else assert.match(e.message, message);
      assert.equal(e.status, status);
      return true;
    },
  );
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// The mismatch message goes on with the canonical request and string to sign the server computed.
export const MISMATCH = new RegExp(
  `^${escapeRegExp(SIGNATURE_MISMATCH)}\\n\\nThe Canonical String for this request should have been\\n'[^']*'\\n\\n` +
    `The String-to-Sign should have been\\n'AWS4-HMAC-SHA256\\n\\d{8}T\\d{6}Z\\n\\d{8}/[a-z0-9-]+/[a-z]+/aws4_request\\n[0-9a-f]{64}'\\n$`,
);

/** The request with one presigned query parameter's value replaced (the signature is then stale). */
export const withQueryParam = (req: SignedRequest, name: string, value: string | undefined): SignedRequest => {
  const pairs = req.query.split("&").filter((p) => !p.startsWith(`${name}=`));
  return { ...req, query: [...pairs, ...(value === undefined ? [] : [`${name}=${encodeURIComponent(value)}`])].join("&") };
};

export const withHeaders = (req: SignedRequest, headers: Record<string, string | string[] | undefined>): SignedRequest => ({
  ...req,
  headers: { ...req.headers, ...headers },
});
export const b64sha256 = (s: string) => createHash("sha256").update(s).digest("base64");

/**
 * What the AWS SDK v3 signer (@smithy/signature-v4) computes for a request as it travels: an
 * independent second opinion on a vector's signature, so a test of the verifier does not take
 * the expected value from the verifier. Signs exactly the headers the request carries (no
 * authorization) with the given scope and instant.
 */
export async function smithySignature(
  req: SignedRequest,
  scope: { accessKeyId: string; secret: string; region: string; service: string; at: Date; sessionToken?: string },
): Promise<string> {
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "authorization")) as Record<string, string>;
  const query: Record<string, string | string[]> = {};
  for (const pair of req.query === "" ? [] : req.query.split("&")) {
    const [k, v = ""] = pair.split("=").map((x) => decodeURIComponent(x));
    const had = query[k!];
    query[k!] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
  }
  const signer = new SignatureV4({
    service: scope.service,
    region: scope.region,
    sha256: Sha256,
    applyChecksum: false, // the vectors sign no x-amz-content-sha256
    credentials: { accessKeyId: scope.accessKeyId, secretAccessKey: scope.secret, ...(scope.sessionToken ? { sessionToken: scope.sessionToken } : {}) },
  });
  const request = new HttpRequest({ method: req.method, protocol: "https:", hostname: headers.host, path: req.path, query, headers, body: req.body });
  const signed = await signer.sign(request, { signingDate: scope.at });
  return signatureIn(signed.headers.authorization ?? "");
}

/** The Signature= value of an Authorization header. */
export const signatureIn = (authorization: string) => /Signature=([0-9a-f]{64})/.exec(authorization)?.[1] ?? assert.fail(`no signature in ${authorization}`);
