// Verifies AWS Signature Version 4 on an incoming request the way AWS JSON-protocol services
// (Secrets Manager, KMS) do, with their error codes and messages. Pure: the edge passes the secret
// lookup, the clock and the hosted-Region test; every failure is a ServiceError.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ServiceError } from "./service-error.js";

export interface SignedRequest {
  method: string;
  path: string; // raw path without query, exactly as received (still percent-encoded)
  query: string; // raw query string without '?'
  headers: Record<string, string | string[] | undefined>; // lower-cased names, as node gives them
  body: Buffer;
}

export interface Credential {
  accessKeyId: string;
  date: string; // YYYYMMDD
  region: string;
  service: string;
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
  service: string;
  signedAt: Date;
  sessionToken?: string;
}

export interface VerifyOptions {
  /** the secret access key of `accessKeyId` in the partition of `region` */
  /** the secret of a key (of a temporary one, with the session token the request carries); may throw a ServiceError */
  secretFor(accessKeyId: string, region: string, sessionToken: string | undefined): string | undefined;
  now: Date;
  /** false = permissive mode: the header must still be well formed, but the secret, signature and clock are not checked. */
  checkSignature: boolean;
  isHostedRegion(region: string): boolean;
  /** The service the request addresses (from X-Amz-Target or the route), when the edge knows it. */
  expectedService?: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const TERMINATOR = "aws4_request";
const MAX_SKEW_MS = 15 * 60_000; // DESIGN §6
// Recent AWS names the Authorization header by its hash instead of echoing it (it holds the signature).
const HASHED = "(Hashed with SHA-256 and encoded with Base64)";
const HASHED_LOWER = "(hashed with SHA-256 and encoded with Base64)";

const incomplete = (message: string) => new ServiceError("IncompleteSignatureException", message, 400);
const invalidSignature = (message: string) => new ServiceError("InvalidSignatureException", message, 400);
// Secrets Manager's wording (DynamoDB's older front end says "Request is missing Authentication Token").
const missingToken = () => new ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", 400);

export const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/**
 * The full mismatch message: like Secrets Manager, it shows the canonical request and the string to
 * sign the server computed (only what the client sent and hashes of it, never the secret), which is
 * what lets a client author find the difference.
 */
export function signatureMismatch(canonicalRequest: string, stringToSign: string): string {
  return (
    `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
    `The String-to-Sign should have been\n'${stringToSign}'\n`
  );
}

interface ParsedAuth {
  credential: Credential;
  terminator: string;
  signedHeaders: string[];
  signature: string;
  rawDate: string; // X-Amz-Date (header or query) or, failing that, the Date header
  sessionToken?: string;
  fromQuery: boolean; // presigned: X-Amz-Signature is left out of the canonical query
}

type QueryPair = [key: string, value: string];

export function parseAuthorization(req: SignedRequest): {
  credential: Credential;
  signedHeaders: string[];
  signature: string;
} {
  const { credential, signedHeaders, signature } = parse(req, parseQuery(req.query));
  return { credential, signedHeaders, signature };
}

export function verifySigV4(req: SignedRequest, opts: VerifyOptions): VerifiedCaller {
  const query = parseQuery(req.query);
  const auth = parse(req, query);
  if (!auth.signedHeaders.some((h) => h.toLowerCase() === "host" || h === ":authority")) {
    throw invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const { at: signedAt, basic } = parseRequestDate(auth.rawDate);
  if (opts.checkSignature) checkSkew(signedAt, opts.now);
  checkScope(auth, basic, opts);

  const { accessKeyId, region, service } = auth.credential;
  const caller: VerifiedCaller = { accessKeyId, region, service, signedAt };
  if (auth.sessionToken !== undefined) caller.sessionToken = auth.sessionToken;
  if (!opts.checkSignature) return caller;

  const secret = opts.secretFor(accessKeyId, region, auth.sessionToken);
  if (secret === undefined) {
    throw new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.", 400);
  }
  const expected = computeSignature(req, query, auth, basic, secret);
  const given = Buffer.from(auth.signature, "utf8");
  const wanted = Buffer.from(expected.signature, "utf8");
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw invalidSignature(signatureMismatch(expected.canonicalRequest, expected.stringToSign));
  }
  return caller;
}

// ---- parsing the Authorization header or the presigned query ----

function parse(req: SignedRequest, query: QueryPair[]): ParsedAuth {
  const header = first(req.headers["authorization"]);
  if (header !== undefined && header.trim() !== "") return parseHeader(header, req);
  if (query.some(([k]) => k === "X-Amz-Algorithm")) return parsePresigned(query);
  throw missingToken();
}

function parseHeader(header: string, req: SignedRequest): ParsedAuth {
  const text = header.trim();
  const space = text.search(/\s/);
  const scheme = space < 0 ? text : text.slice(0, space);
  if (scheme !== ALGORITHM && scheme.startsWith("AWS4-")) throw incomplete(`Unsupported AWS 'algorithm': '${scheme}'.`);

  const params = new Map<string, string>();
  for (const part of (space < 0 ? "" : text.slice(space + 1)).split(",")) {
    const pair = part.trim();
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    if (eq < 0) {
      throw incomplete(`Invalid key=value pair (missing equal-sign) in Authorization header ${HASHED_LOWER}: '${hashOf(header)}'.`);
    }
    params.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  const rawDate = first(req.headers["x-amz-date"]) ?? first(req.headers["date"]);
  const missing = ["Credential", "Signature", "SignedHeaders"]
    .filter((name) => !params.get(name))
    .map((name) => `Authorization header requires '${name}' parameter.`);
  if (rawDate === undefined) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (missing.length > 0) throw incomplete(`${missing.join(" ")} ${HASHED} Authorization=${hashOf(header)}`);
  // A complete header under a scheme that is not AWS's: the request carries no AWS token at all.
  if (scheme !== ALGORITHM) throw missingToken();

  const { credential, terminator } = parseCredential(params.get("Credential")!);
  const token = first(req.headers["x-amz-security-token"]);
  return {
    credential,
    terminator,
    signedHeaders: params.get("SignedHeaders")!.split(";"),
    signature: params.get("Signature")!,
    rawDate: rawDate!,
    ...(token === undefined ? {} : { sessionToken: token }),
    fromQuery: false,
  };
}

function parsePresigned(query: QueryPair[]): ParsedAuth {
  const get = (name: string) => query.find(([k]) => k === name)?.[1];
  const required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"];
  const missing = required.filter((name) => !get(name));
  if (missing.length > 0) {
    throw incomplete(
      missing.map((name) => `AWS query-string parameters must include '${name}'. `).join("") +
        "Re-examine the query-string parameters.",
    );
  }
  const algorithm = get("X-Amz-Algorithm")!;
  if (algorithm !== ALGORITHM) throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  const { credential, terminator } = parseCredential(get("X-Amz-Credential")!);
  const token = get("X-Amz-Security-Token");
  return {
    credential,
    terminator,
    signedHeaders: get("X-Amz-SignedHeaders")!.split(";"),
    signature: get("X-Amz-Signature")!,
    rawDate: get("X-Amz-Date")!,
    ...(token === undefined ? {} : { sessionToken: token }),
    fromQuery: true,
  };
}

function parseCredential(value: string): { credential: Credential; terminator: string } {
  const parts = value.split("/");
  if (parts.length !== 5) {
    throw incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${value}'`);
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { credential: { accessKeyId, date, region, service }, terminator };
}

// ---- date, clock skew and credential scope ----

const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** The signing time, and as ISO 8601 basic format (what the string to sign and the scope use). */
interface RequestDate {
  at: Date;
  basic: string;
}

// Requests signed in the same second carry the same date: the last one parsed is kept.
let lastDate: { raw: string; parsed: RequestDate } | undefined;

function parseRequestDate(raw: string): RequestDate {
  if (lastDate?.raw === raw) return lastDate.parsed;
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(raw);
  let ms = Number.NaN;
  if (basic) {
    const [y, mo, d, h, mi, s] = basic.slice(1).map(Number) as [number, number, number, number, number, number];
    ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const t = new Date(ms);
    // Date.UTC rolls 20150231T… over into March: such a date is not one
    const exact = t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
    if (!exact) ms = Number.NaN;
  } else if (HTTP_DATE.test(raw)) {
    ms = Date.parse(raw); // a Date header, which AWS accepts when there is no X-Amz-Date
  }
  if (Number.isNaN(ms)) throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${raw}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  const at = new Date(ms);
  const parsed = { at, basic: basic ? raw : formatBasic(at) };
  lastDate = { raw, parsed };
  return parsed;
}

function checkSkew(signedAt: Date, now: Date): void {
  const nowSec = Math.floor(now.getTime() / 1000) * 1000;
  const earliest = nowSec - MAX_SKEW_MS;
  const latest = nowSec + MAX_SKEW_MS;
  const mins = MAX_SKEW_MS / 60_000;
  if (signedAt.getTime() < earliest) {
    throw invalidSignature(`Signature expired: ${formatBasic(signedAt)} is now earlier than ${formatBasic(new Date(earliest))} (${formatBasic(new Date(nowSec))} - ${mins} min.)`);
  }
  if (signedAt.getTime() > latest) {
    throw invalidSignature(`Signature not yet current: ${formatBasic(signedAt)} is still later than ${formatBasic(new Date(latest))} (${formatBasic(new Date(nowSec))} + ${mins} min.)`);
  }
}

// AWS reports every scope fault at once, each sentence ending in ". ".
function checkScope(auth: ParsedAuth, signedAt: string, opts: VerifyOptions): void {
  const { region, service, date } = auth.credential;
  const faults: string[] = [];
  if (!opts.isHostedRegion(region)) faults.push("Credential should be scoped to a valid region. ");
  if (opts.expectedService !== undefined && service !== opts.expectedService) {
    faults.push(`Credential should be scoped to correct service: '${opts.expectedService}'. `);
  }
  if (auth.terminator !== TERMINATOR) {
    faults.push(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${auth.terminator}'. `);
  }
  const day = signedAt.slice(0, 8);
  if (date !== day) {
    faults.push(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${day}', from '${signedAt}'. `,
    );
  }
  if (faults.length > 0) throw invalidSignature(faults.join(""));
}

const formatBasic = (d: Date) => d.toISOString().replace(/[-:]|\.\d{3}/g, "");

// ---- the signature itself ----

interface Computed {
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
}

function computeSignature(req: SignedRequest, query: QueryPair[], auth: ParsedAuth, signedAt: string, secret: string): Computed {
  const { date, region, service } = auth.credential;
  // The body the server received is what was signed, whatever x-amz-content-sha256 claims:
  // AWS's JSON services do the same and treat UNSIGNED-PAYLOAD as an ordinary mismatch.
  const payloadHash = sha256Hex(req.body);
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

function headerValue(req: SignedRequest, name: string): string {
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

function parseQuery(raw: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    pairs.push(eq < 0 ? [uriDecode(part), ""] : [uriDecode(part.slice(0, eq)), uriDecode(part.slice(eq + 1))]);
  }
  return pairs;
}

function uriDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // malformed escapes are signed as sent and will simply not match
  }
}

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

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hashOf = (s: string) => createHash("sha256").update(s, "utf8").digest("base64");
