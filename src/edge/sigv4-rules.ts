// The checks on a parsed SigV4 request that need neither its body nor its secret: which headers the
// signature must cover, the clock (skew, presigned expiry) and the credential scope.

import { ServiceError } from "../contract/service-error.js";
import { formatBasic, invalidSignature, type ParsedAuth, type RequestHead } from "./sigv4-parse.js";

const TERMINATOR = "aws4_request";
const MAX_SKEW_MS = 15 * 60_000; // DESIGN §6

export function checkHostSigned(auth: ParsedAuth): void {
  if (!auth.signedHeaders.some((h) => h.toLowerCase() === "host" || h === ":authority")) {
    throw invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
}

/**
 * A header that selects the operation (x-amz-target, content-type), carries the credentials
 * (x-amz-security-token) or dates the signature must be signed, or a captured request could be
 * replayed as another operation. SigV4's rule (IAM User Guide, "Create a signed AWS API request";
 * S3's header-based authentication): every x-amz-* header present, and the date header used.
 * `x-amzn-*` (x-amzn-trace-id, which the SDKs never sign) is not `x-amz-*`.
 *
 * The message is S3's, the one AWS publishes for this (AccessDenied, 403, with the names in a
 * HeadersNotSigned element that a JSON error has no member for); AccessDeniedException is the
 * JSON front end's code for the same kind of refusal.
 */
export function checkHeadersSigned(req: RequestHead, auth: ParsedAuth): void {
  for (const rawName in req.headers) {
    if (req.headers[rawName] === undefined) continue;
    const name = rawName.toLowerCase(); // node gives them lower-cased already
    const mustSign = name.startsWith("x-amz-") || name === "content-type" || (name === "date" && auth.dateHeader === "date");
    if (mustSign && !auth.signedHeaders.some((h) => h === name || h.toLowerCase() === name)) {
      throw new ServiceError("AccessDeniedException", "There were headers present in the request which were not signed", 403);
    }
  }
}

export function checkSkew(signedAt: Date, now: Date, presigned: boolean): void {
  const nowSec = Math.floor(now.getTime() / 1000) * 1000;
  const earliest = nowSec - MAX_SKEW_MS;
  const latest = nowSec + MAX_SKEW_MS;
  const mins = MAX_SKEW_MS / 60_000;
  // A presigned request's age is bounded by its X-Amz-Expires instead (checkExpiry).
  if (!presigned && signedAt.getTime() < earliest) {
    throw invalidSignature(`Signature expired: ${formatBasic(signedAt)} is now earlier than ${formatBasic(new Date(earliest))} (${formatBasic(new Date(nowSec))} - ${mins} min.)`);
  }
  if (signedAt.getTime() > latest) {
    throw invalidSignature(`Signature not yet current: ${formatBasic(signedAt)} is still later than ${formatBasic(new Date(latest))} (${formatBasic(new Date(nowSec))} + ${mins} min.)`);
  }
}

/**
 * A presigned request is good for X-Amz-Expires seconds from X-Amz-Date ([date, date + expires)).
 * S3's answer past that (AccessDenied, 403, "Request has expired"), the only one AWS documents for
 * it: the JSON services never honour X-Amz-Expires (see parseExpires).
 */
export function checkExpiry(signedAt: Date, expiresSeconds: number, now: Date): void {
  if (now.getTime() >= signedAt.getTime() + expiresSeconds * 1000) {
    throw new ServiceError("AccessDeniedException", "Request has expired", 403);
  }
}

// AWS reports every scope fault at once, each sentence ending in ". ".
export function checkScope(
  auth: ParsedAuth,
  signedAt: string,
  opts: { isHostedRegion(region: string): boolean; expectedService?: string },
): void {
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

export { TERMINATOR };
