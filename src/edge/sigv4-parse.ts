// Reading a SigV4 request's authentication: the Authorization header or the presigned query, the
// credential scope and the request date, with the refusals AWS's front end gives for each fault.
// Needs no body and no secret, so it can run before either is fetched.

import { createHash } from "node:crypto";
import { ServiceError } from "../contract/service-error.js";

export interface Credential {
  accessKeyId: string;
  date: string; // YYYYMMDD
  region: string;
  service: string;
}

/** What parsing needs of a request: everything but its body. */
export interface RequestHead {
  method: string;
  path: string; // raw path without query, exactly as received (still percent-encoded)
  query: string; // raw query string without '?'
  headers: Record<string, string | string[] | undefined>; // lower-cased names, as node gives them
}

export interface ParsedAuth {
  credential: Credential;
  terminator: string;
  signedHeaders: string[];
  signature: string;
  rawDate: string; // X-Amz-Date (header or query) or, failing that, the Date header
  /** the header the request date came from; undefined when it came from the query */
  dateHeader?: "x-amz-date" | "date";
  sessionToken?: string;
  fromQuery: boolean; // presigned: X-Amz-Signature is left out of the canonical query
  /** presigned only: X-Amz-Expires, seconds after X-Amz-Date */
  expiresSeconds?: number;
}

export type QueryPair = [key: string, value: string];

export const ALGORITHM = "AWS4-HMAC-SHA256";
// Recent AWS names the Authorization header by its hash instead of echoing it (it holds the signature).
const HASHED = "(Hashed with SHA-256 and encoded with Base64)";
const HASHED_LOWER = "(hashed with SHA-256 and encoded with Base64)";
/** SigV4's longest presigned lifetime: the signing key is valid for seven days. */
const MAX_EXPIRES_SECONDS = 604_800;

const incomplete = (message: string) => new ServiceError("IncompleteSignatureException", message, 400);
export const invalidSignature = (message: string) => new ServiceError("InvalidSignatureException", message, 400);
// Secrets Manager's wording (DynamoDB's older front end says "Request is missing Authentication Token").
const missingToken = () => new ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", 400);

export function parse(req: RequestHead, query: QueryPair[]): ParsedAuth {
  const header = first(req.headers["authorization"]);
  if (header !== undefined && header.trim() !== "") return parseHeader(header, req);
  if (query.some(([k]) => k === "X-Amz-Algorithm")) return parsePresigned(query);
  throw missingToken();
}

function parseHeader(header: string, req: RequestHead): ParsedAuth {
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
  const amzDate = first(req.headers["x-amz-date"]);
  const rawDate = amzDate ?? first(req.headers["date"]);
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
    dateHeader: amzDate !== undefined ? "x-amz-date" : "date",
    ...(token === undefined ? {} : { sessionToken: token }),
    fromQuery: false,
  };
}

function parsePresigned(query: QueryPair[]): ParsedAuth {
  const get = (name: string) => query.find(([k]) => k === name)?.[1];
  const required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date", "X-Amz-Expires"];
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
    expiresSeconds: parseExpires(get("X-Amz-Expires")!),
  };
}

// AWS's JSON services ignore X-Amz-Expires (their presigned requests live the 15 minutes of clock
// skew: aws-sdk-go #2167, PR #2224); Meridian honours it as SigV4's query-string authentication
// documents it (an integer of seconds, at most 604800), with S3's messages, the only ones AWS
// publishes for it. S3 answers them as AuthorizationQueryParametersError; a JSON service's front end
// has IncompleteSignatureException for faulty query-string parameters (see parsePresigned).
function parseExpires(raw: string): number {
  if (!/^[+-]?\d+$/.test(raw)) throw incomplete("X-Amz-Expires should be a number");
  const seconds = Number(raw);
  if (seconds < 0) throw incomplete("X-Amz-Expires must be non-negative");
  if (seconds > MAX_EXPIRES_SECONDS) {
    throw incomplete(
      `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_EXPIRES_SECONDS} seconds`,
    );
  }
  return seconds;
}

function parseCredential(value: string): { credential: Credential; terminator: string } {
  const parts = value.split("/");
  if (parts.length !== 5) {
    throw incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${value}'`);
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { credential: { accessKeyId, date, region, service }, terminator };
}

// ---- the request date ----

const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** The signing time, and as ISO 8601 basic format (what the string to sign and the scope use). */
export interface RequestDate {
  at: Date;
  basic: string;
}

// Requests signed in the same second carry the same date: the last one parsed is kept.
let lastDate: { raw: string; parsed: RequestDate } | undefined;

export function parseRequestDate(raw: string): RequestDate {
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

export const formatBasic = (d: Date) => d.toISOString().replace(/[-:]|\.\d{3}/g, "");

// ---- the query string ----

export function parseQuery(raw: string): QueryPair[] {
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

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const hashOf = (s: string) => createHash("sha256").update(s, "utf8").digest("base64");
