// Verifies AWS Signature Version 4 on an incoming request the way AWS JSON-protocol services
// (Secrets Manager, KMS) do, with their error codes and messages. Pure: the edge passes the secret
// lookup, the clock and the hosted-Region test; every failure is a ServiceError. In two phases, so
// that a request without a well-formed signature from a known key is refused before its body is
// read: precheckSigV4 (everything but the body), then verify(body) (the HMAC).

import { createHmac, hash, timingSafeEqual } from "node:crypto";
import { ServiceError } from "../contract/service-error.js";
import { ALGORITHM, parse, parseQuery, parseRequestDate, type Credential, type ParsedAuth, type QueryPair, type RequestHead } from "./sigv4-parse.js";
import { TERMINATOR, checkExpiry, checkHeadersSigned, checkHostSigned, checkScope, checkSkew } from "./sigv4-rules.js";

export type { Credential, RequestHead } from "./sigv4-parse.js";

export interface SignedRequest extends RequestHead {
  body: Buffer;
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
  service: string;
  signedAt: Date;
  sessionToken?: string;
}

export interface VerifyOptions {
  /** the secret of a key (of a temporary one, with the session token the request carries); may throw a ServiceError */
  secretFor(accessKeyId: string, region: string, sessionToken: string | undefined): string | undefined;
  now: Date;
  /** false = permissive mode: the header must still be well formed, but the secret, signature, signed headers and clock are not checked. */
  checkSignature: boolean;
  isHostedRegion(region: string): boolean;
  /** The service the request addresses (from X-Amz-Target or the route), when the edge knows it. */
  expectedService?: string;
}

/** A request whose signature passed every check that needs no body; `verify` finishes with the body. */
export interface PrecheckedSignature {
  /** who the request says it is from; not yet proven until `verify` returns */
  readonly claimed: VerifiedCaller;
  /** the HMAC over the request with this body; throws the signature mismatch */
  verify(body: Buffer): VerifiedCaller;
}

export const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/**
 * The full mismatch message: like Secrets Manager, it shows the canonical request and the string to
 * sign the server computed (only what the client sent and hashes of it, never the secret), which is
 * what lets a client author find the difference.
 */
function signatureMismatch(canonicalRequest: string, stringToSign: string): string {
  return (
    `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
    `The String-to-Sign should have been\n'${stringToSign}'\n`
  );
}

const unrecognizedClient = () =>
  new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.", 400);

export function parseAuthorization(req: RequestHead): {
  credential: Credential;
  signedHeaders: string[];
  signature: string;
} {
  const { credential, signedHeaders, signature } = parse(req, parseQuery(req.query));
  return { credential, signedHeaders, signature };
}

/**
 * Everything that needs no body: the Authorization header or presigned query, the headers that must
 * be signed, X-Amz-Expires, the date and clock, the credential scope and (strict mode) the key's
 * secret, looked up once here and kept for `verify`.
 */
export function precheckSigV4(req: RequestHead, opts: VerifyOptions): PrecheckedSignature {
  const query = parseQuery(req.query);
  const auth = parse(req, query);
  checkHostSigned(auth);
  if (opts.checkSignature) checkHeadersSigned(req, auth);
  const { at: signedAt, basic } = parseRequestDate(auth.rawDate);
  if (opts.checkSignature) {
    checkSkew(signedAt, opts.now, auth.fromQuery);
    if (auth.expiresSeconds !== undefined) checkExpiry(signedAt, auth.expiresSeconds, opts.now);
  }
  checkScope(auth, basic, opts);

  const { accessKeyId, region, service } = auth.credential;
  const claimed: VerifiedCaller = { accessKeyId, region, service, signedAt };
  if (auth.sessionToken !== undefined) claimed.sessionToken = auth.sessionToken;
  if (!opts.checkSignature) return { claimed, verify: () => claimed };

  const secret = opts.secretFor(accessKeyId, region, auth.sessionToken);
  if (secret === undefined) throw unrecognizedClient();
  return {
    claimed,
    verify(body: Buffer): VerifiedCaller {
      const expected = computeSignature(req, body, query, auth, basic, secret);
      const given = Buffer.from(auth.signature, "utf8");
      const wanted = Buffer.from(expected.signature, "utf8");
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
        throw invalidSignature(signatureMismatch(expected.canonicalRequest, expected.stringToSign));
      }
      return claimed;
    },
  };
}

export function verifySigV4(req: SignedRequest, opts: VerifyOptions): VerifiedCaller {
  return precheckSigV4(req, opts).verify(req.body);
}

/**
 * The signature `req` must carry when signed with `secret`: what `verify` compares the given one
 * with, over the same scope, signed headers and date the request names. Lets a test hold it to a
 * published value rather than only see it accepted.
 */
export function expectedSignature(req: SignedRequest, secret: string): string {
  const query = parseQuery(req.query);
  const auth = parse(req, query);
  return computeSignature(req, req.body, query, auth, parseRequestDate(auth.rawDate).basic, secret).signature;
}

const invalidSignature = (message: string) => new ServiceError("InvalidSignatureException", message, 400);

// ---- the signature itself ----

interface Computed {
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
}

function computeSignature(req: RequestHead, body: Buffer, query: QueryPair[], auth: ParsedAuth, signedAt: string, secret: string): Computed {
  const { date, region, service } = auth.credential;
  // The body the server received is what was signed, whatever x-amz-content-sha256 claims:
  // AWS's JSON services do the same and treat UNSIGNED-PAYLOAD as an ordinary mismatch.
  const payloadHash = sha256Hex(body);
  const canonicalRequest = [
    req.method,
    canonicalUri(req.path),
    canonicalQuery(auth.fromQuery ? query.filter(([k]) => k !== "X-Amz-Signature") : query),
    auth.signedHeaders.map((name) => `${name}:${headerValue(req, name.toLowerCase())}\n`).join(""),
    auth.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/${service}/${auth.terminator}`;
  const stringToSign = `${ALGORITHM}\n${signedAt}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac("sha256", signingKey(secret, date, region, service)).update(stringToSign, "utf8").digest("hex");
  return { signature, canonicalRequest, stringToSign };
}

// Non-S3 services sign the path normalised (no empty, '.' or '..' segments) and encoded once more
// than it travels on the wire: that is what the AWS SDK v3, botocore and the CRT all send.
function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const lead = rawPath.startsWith("/") || segments.length === 0 ? "/" : "";
  const trail = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  return lead + segments.map(uriEncode).join("/") + trail;
}

function canonicalQuery(pairs: QueryPair[]): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

// the one-shot crypto.hash costs about a third of a Hash object, and SigV4 hashes twice per request
const sha256Hex = (data: string | Buffer) => hash("sha256", data, "hex");

function headerValue(req: RequestHead, name: string): string {
  const value = req.headers[name] ?? (name === "host" ? req.headers[":authority"] : undefined);
  if (value === undefined) return "";
  const trimAll = (s: string) => s.trim().replace(/\s+/g, " ");
  // A repeated header (node's headersDistinct) is signed as its values joined with a bare comma.
  return Array.isArray(value) ? value.map(trimAll).join(",") : trimAll(value);
}

// Signing keys change once a day per (secret, Region, service); deriving one costs four HMACs.
const SIGNING_KEY_CACHE_SIZE = 1000;
const signingKeys = new Map<string, Buffer>();

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}/${region}/${service}/${secret}`; // the scope parts hold no '/', so this is unambiguous
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = [date, region, service, TERMINATOR].reduce<Buffer>(
      (k, part) => createHmac("sha256", k).update(part, "utf8").digest(),
      Buffer.from(`AWS4${secret}`, "utf8"),
    );
    if (signingKeys.size >= SIGNING_KEY_CACHE_SIZE) signingKeys.delete(signingKeys.keys().next().value!);
    signingKeys.set(id, key);
  }
  return key;
}

// ---- small helpers ----

const ALL_UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 3986 percent-encoding of everything but unreserved characters, as SigV4 requires. */
function uriEncode(s: string): string {
  if (ALL_UNRESERVED.test(s)) return s;
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

