// SigV4 refusals, each with AWS's code and message; permissive mode; the Authorization header parser.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ServiceError } from "../contract/service-error.js";
import { parseAuthorization, verifySigV4 } from "./sigv4.js";
import { ACCESS_KEY, MISMATCH, SIGNED_AT, b64sha256, options, refuses, sdkSign, withHeaders, withQueryParam } from "../../test/support/sigv4-helpers.js";

// ---- refusals, each with AWS's code and message ----

describe("verifySigV4 refuses like AWS JSON services", () => {
  it("no Authorization header and no query signature: MissingAuthenticationTokenException", async () => {
    const req = withHeaders(await sdkSign(), { authorization: undefined });
    refuses(req, options(), "MissingAuthenticationTokenException", "Missing Authentication Token");
  });

  it("an AWS4 algorithm other than HMAC-SHA256", async () => {
    const req = await sdkSign();
    const header = String(req.headers["authorization"]).replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512");
    refuses(withHeaders(req, { authorization: header }), options(), "IncompleteSignatureException", "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.");
  });

  it("a pair without '=' (a bearer token, say), naming the header by its hash", async () => {
    const req = withHeaders(await sdkSign(), { authorization: "Bearer abc.def" });
    refuses(
      req,
      options(),
      "IncompleteSignatureException",
      `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${b64sha256("Bearer abc.def")}'.`,
    );
  });

  it("missing Signature and SignedHeaders, listed in AWS's order", async () => {
    const header = "AWS4-HMAC-SHA256 Credential=AKIAMERIDIANTEST0001/20240101/eu-west-1/secretsmanager/aws4_request";
    refuses(
      withHeaders(await sdkSign(), { authorization: header }),
      options(),
      "IncompleteSignatureException",
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        `(Hashed with SHA-256 and encoded with Base64) Authorization=${b64sha256(header)}`,
    );
  });

  it("no X-Amz-Date and no Date header", async () => {
    const req = withHeaders(await sdkSign(), { "x-amz-date": undefined });
    refuses(
      req,
      options(),
      "IncompleteSignatureException",
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        `(Hashed with SHA-256 and encoded with Base64) Authorization=${b64sha256(String(req.headers["authorization"]))}`,
    );
  });

  it("a credential that is not keyid/date/region/service/term", async () => {
    const req = await sdkSign();
    const header = String(req.headers["authorization"]).replace("/eu-west-1/secretsmanager/aws4_request", "/eu-west-1");
    refuses(
      withHeaders(req, { authorization: header }),
      options(),
      "IncompleteSignatureException",
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${ACCESS_KEY}/20240101/eu-west-1'`,
    );
  });

  it("a complete header under a non-AWS scheme carries no AWS token", async () => {
    const req = await sdkSign();
    const header = String(req.headers["authorization"]).replace("AWS4-HMAC-SHA256", "Custom-HMAC");
    refuses(withHeaders(req, { authorization: header }), options(), "MissingAuthenticationTokenException", "Missing Authentication Token");
  });

  it("host not among the signed headers", async () => {
    const req = await sdkSign();
    const header = String(req.headers["authorization"]).replace("content-type;host;", "content-type;");
    refuses(
      withHeaders(req, { authorization: header }),
      options(),
      "InvalidSignatureException",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it("an X-Amz-Date that is not ISO-8601 basic format", async () => {
    const req = withHeaders(await sdkSign(), { "x-amz-date": "2024-01-01T00:00:00Z" });
    refuses(
      req,
      options(),
      "IncompleteSignatureException",
      "Date must be in ISO-8601 'basic format'. Got '2024-01-01T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    );
  });

  it("a signature more than 15 minutes old: Signature expired", async () => {
    const req = await sdkSign();
    refuses(
      req,
      options({ now: new Date("2024-01-01T00:25:00Z") }),
      "InvalidSignatureException",
      "Signature expired: 20240101T000000Z is now earlier than 20240101T001000Z (20240101T002500Z - 15 min.)",
    );
  });

  it("a signature more than 15 minutes ahead: Signature not yet current", async () => {
    const req = await sdkSign({ at: new Date("2024-01-01T00:30:00Z") });
    refuses(
      req,
      options({ now: new Date("2024-01-01T00:00:00.900Z") }),
      "InvalidSignatureException",
      "Signature not yet current: 20240101T003000Z is still later than 20240101T001500Z (20240101T000000Z + 15 min.)",
    );
  });

  it("a Region this deployment does not host", async () => {
    const req = await sdkSign({ region: "ap-south-2" });
    refuses(req, options(), "InvalidSignatureException", "Credential should be scoped to a valid region. ");
  });

  it("the wrong Region and the wrong service, reported together", async () => {
    const req = await sdkSign({ region: "ap-south-2", service: "kms", hostname: "secretsmanager.ap-south-2.amazonaws.com" });
    refuses(
      req,
      options({ expectedService: "secretsmanager" }),
      "InvalidSignatureException",
      "Credential should be scoped to a valid region. Credential should be scoped to correct service: 'secretsmanager'. ",
    );
  });

  it("a terminator other than aws4_request", async () => {
    const req = await sdkSign();
    const header = String(req.headers["authorization"]).replace("/aws4_request", "/aws5_request");
    refuses(
      withHeaders(req, { authorization: header }),
      options(),
      "InvalidSignatureException",
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
    );
  });

  it("a credential scope date that is not the X-Amz-Date day", async () => {
    const req = await sdkSign();
    const header = String(req.headers["authorization"]).replace("/20240101/", "/20231231/");
    refuses(
      withHeaders(req, { authorization: header }),
      options(),
      "InvalidSignatureException",
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20231231' != '20240101', from '20240101T000000Z'. ",
    );
  });

  it("an access key nobody issued: UnrecognizedClientException", async () => {
    const req = await sdkSign();
    refuses(req, options({ secretFor: () => undefined }), "UnrecognizedClientException", "The security token included in the request is invalid.");
  });

  it("a body changed after signing", async () => {
    const req = await sdkSign();
    refuses({ ...req, body: Buffer.from('{"SecretId":"prod/other"}') }, options(), "InvalidSignatureException", MISMATCH);
  });

  it("a signed header changed after signing", async () => {
    const req = withHeaders(await sdkSign(), { "x-amz-target": "secretsmanager.DeleteSecret" });
    refuses(req, options(), "InvalidSignatureException", MISMATCH);
  });

  it("a query parameter changed after signing", async () => {
    const req = await sdkSign({ path: "/enableRegion", query: { RegionName: "af-south-1" } });
    refuses({ ...req, query: "RegionName=me-south-1" }, options(), "InvalidSignatureException", MISMATCH);
  });

  it("the wrong secret", async () => {
    const req = await sdkSign({ secret: "not-the-secret" });
    refuses(req, options(), "InvalidSignatureException", MISMATCH);
  });

  it("the mismatch shows the canonical request and string to sign the server computed", async () => {
    const req = await sdkSign({ secret: "not-the-secret" });
    const e = (() => {
      try {
        verifySigV4(req, options());
      } catch (err) {
        return err as ServiceError;
      }
      return assert.fail("expected a refusal");
    })();
    const canonical = e.message.split("\n\nThe Canonical String for this request should have been\n'")[1]!.split("'\n\n")[0]!;
    const lines = canonical.split("\n");
    assert.equal(lines[0], "POST");
    assert.equal(lines[1], "/");
    assert.ok(lines.includes("x-amz-target:secretsmanager.GetSecretValue"), canonical);
    assert.equal(lines.at(-1), createHash("sha256").update(req.body).digest("hex"));
    assert.match(e.message, /\n20240101T000000Z\n20240101\/eu-west-1\/secretsmanager\/aws4_request\n[0-9a-f]{64}'\n$/);
    assert.ok(!e.message.includes("not-the-secret"));
  });

  it("a malformed signature value, without throwing anything but the mismatch", async () => {
    const req = await sdkSign();
    const header = String(req.headers["authorization"]).replace(/Signature=[0-9a-f]+/, "Signature=zz");
    refuses(withHeaders(req, { authorization: header }), options(), "InvalidSignatureException", MISMATCH);
  });

  it("a body swapped under x-amz-content-sha256 of the signed body: the received body is what counts", async () => {
    const signedBody = '{"SecretId":"prod/db"}';
    const req = await sdkSign({ headers: { "x-amz-content-sha256": createHash("sha256").update(signedBody).digest("hex") } });
    assert.equal(verifySigV4(req, options()).accessKeyId, ACCESS_KEY);
    refuses({ ...req, body: Buffer.from('{"SecretId":"prod/other"}') }, options(), "InvalidSignatureException", MISMATCH);
  });

  it("UNSIGNED-PAYLOAD is an ordinary mismatch, as on AWS's JSON services", async () => {
    const req = await sdkSign({ headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    refuses(req, options(), "InvalidSignatureException", MISMATCH);
  });
});

// ---- headers the signature must cover ----

const NOT_SIGNED = "There were headers present in the request which were not signed";
const MIN = 60_000;

describe("verifySigV4 refuses headers left out of the signature", () => {
  const withoutSigned = (req: Awaited<ReturnType<typeof sdkSign>>, name: string) =>
    withHeaders(req, { authorization: String(req.headers["authorization"]).replace(new RegExp(`(?<=SignedHeaders=[^,]*)\\b${name};?`), "") });

  for (const name of ["x-amz-target", "x-amz-date", "x-amz-content-sha256", "content-type"]) {
    it(`${name} present but not signed`, async () => {
      const req = withoutSigned(await sdkSign(), name);
      assert.doesNotMatch(String(req.headers["authorization"]), new RegExp(`SignedHeaders=[^,]*${name}`));
      refuses(req, options(), "AccessDeniedException", NOT_SIGNED, 403);
    });
  }

  it("x-amz-security-token present but not signed", async () => {
    const req = withoutSigned(await sdkSign({ sessionToken: "tok" }), "x-amz-security-token");
    refuses(req, options(), "AccessDeniedException", NOT_SIGNED, 403);
  });

  it("an x-amz-* header added after signing, whatever its case or repetition", async () => {
    refuses(withHeaders(await sdkSign(), { "x-amz-target": "secretsmanager.DeleteSecret", "x-amz-meta-extra": ["a", "b"] }), options(), "AccessDeniedException", NOT_SIGNED, 403);
    refuses(withHeaders(await sdkSign(), { "X-Amz-Extra": "x" }), options(), "AccessDeniedException", NOT_SIGNED, 403);
  });

  it("the Date header, when it is the request's date, must be signed; otherwise it need not be", async () => {
    const req = await sdkSign();
    const httpDate = "Mon, 01 Jan 2024 00:00:00 GMT";
    refuses(withHeaders(req, { "x-amz-date": undefined, date: httpDate }), options(), "AccessDeniedException", NOT_SIGNED, 403);
    assert.equal(verifySigV4(withHeaders(req, { date: httpDate }), options()).accessKeyId, ACCESS_KEY); // X-Amz-Date dates it
  });

  it("x-amzn-* (the trace id the SDKs never sign) and ordinary headers may travel unsigned", async () => {
    const req = withHeaders(await sdkSign(), { "x-amzn-trace-id": "Root=1-abc", "user-agent": "aws-cli/1.33", expect: "100-continue" });
    assert.equal(verifySigV4(req, options()).accessKeyId, ACCESS_KEY);
  });

  it("a presigned request's x-amz-* headers must be signed too (its X-Amz-* query parameters are)", async () => {
    const req = await sdkSign({ presign: true, sessionToken: "tok" });
    assert.equal(verifySigV4(req, options()).accessKeyId, ACCESS_KEY);
    refuses(withHeaders(req, { "x-amz-target": "secretsmanager.DeleteSecret" }), options(), "AccessDeniedException", NOT_SIGNED, 403);
  });

  it("is decided before the key is looked up", async () => {
    const req = withHeaders(await sdkSign(), { "x-amz-extra": "x" });
    refuses(req, options({ secretFor: () => assert.fail("looked up") }), "AccessDeniedException", NOT_SIGNED, 403);
  });
});

// ---- presigned requests: X-Amz-Expires ----

describe("verifySigV4 honours a presigned request's X-Amz-Expires", () => {
  const at = (ms: number) => options({ now: new Date(SIGNED_AT.getTime() + ms) });

  it("accepts it until X-Amz-Date + X-Amz-Expires, even past the 15 minutes of clock skew", async () => {
    const req = await sdkSign({ presign: true, expiresIn: 3600 });
    assert.equal(verifySigV4(req, at(30 * MIN)).accessKeyId, ACCESS_KEY);
    assert.equal(verifySigV4(req, at(3600_000 - 1)).accessKeyId, ACCESS_KEY);
    assert.equal(verifySigV4(await sdkSign({ presign: true, expiresIn: 604_800 }), at(604_800_000 - 1000)).accessKeyId, ACCESS_KEY);
  });

  it("refuses it from then on, before the key is looked up", async () => {
    const req = await sdkSign({ presign: true, expiresIn: 60 });
    const expired = (ms: number) => ({ ...at(ms), secretFor: () => assert.fail("looked up") });
    refuses(req, expired(60_000), "AccessDeniedException", "Request has expired", 403);
    refuses(req, expired(10 * MIN), "AccessDeniedException", "Request has expired", 403);
  });

  it("still refuses one signed more than 15 minutes ahead", async () => {
    const req = await sdkSign({ presign: true, at: new Date("2024-01-01T00:30:00Z") });
    refuses(req, options(), "InvalidSignatureException", /^Signature not yet current: 20240101T003000Z/);
  });

  it("refuses one without X-Amz-Expires", async () => {
    const req = withQueryParam(await sdkSign({ presign: true }), "X-Amz-Expires", undefined);
    refuses(req, options(), "IncompleteSignatureException", "AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string parameters.");
  });

  it("refuses an X-Amz-Expires that is not a whole number of seconds, negative or over a week", async () => {
    const req = await sdkSign({ presign: true });
    const tooLong = "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds";
    for (const [value, message] of [
      ["abc", "X-Amz-Expires should be a number"],
      ["60.0", "X-Amz-Expires should be a number"],
      ["1e3", "X-Amz-Expires should be a number"],
      ["-1", "X-Amz-Expires must be non-negative"],
      ["604801", tooLong],
      ["99999999999999999999999", tooLong],
    ] as const) {
      refuses(withQueryParam(req, "X-Amz-Expires", value), options(), "IncompleteSignatureException", message);
    }
  });

  it("treats X-Amz-Expires=0 as already expired", async () => {
    const req = withQueryParam(await sdkSign({ presign: true }), "X-Amz-Expires", "0");
    refuses(req, options(), "AccessDeniedException", "Request has expired", 403);
  });
});

describe("permissive mode (checkSignature: false)", () => {
  const permissive = options({ checkSignature: false, secretFor: () => assert.fail("permissive mode must not look up secrets") });

  it("returns the caller without the secret, the signature or the clock", async () => {
    const req = await sdkSign({ secret: "whatever", sessionToken: "tok" });
    const caller = verifySigV4(req, { ...permissive, now: new Date("2030-01-01T00:00:00Z") });
    assert.deepEqual(caller, { accessKeyId: ACCESS_KEY, region: "eu-west-1", service: "secretsmanager", signedAt: SIGNED_AT, sessionToken: "tok" });
  });

  it("still requires a well-formed Authorization header and a hosted Region", async () => {
    refuses(withHeaders(await sdkSign(), { authorization: undefined }), permissive, "MissingAuthenticationTokenException", "Missing Authentication Token");
    refuses(withHeaders(await sdkSign(), { authorization: "AWS4-HMAC-SHA256 Credential=x" }), permissive, "IncompleteSignatureException", /^Authorization header requires 'Signature' parameter\./);
    refuses(await sdkSign({ region: "ap-south-2" }), permissive, "InvalidSignatureException", "Credential should be scoped to a valid region. ");
    refuses(withQueryParam(await sdkSign({ presign: true }), "X-Amz-Expires", "abc"), permissive, "IncompleteSignatureException", "X-Amz-Expires should be a number");
  });

  // Nothing is proven in permissive mode, so what the signature covers and how old it is are not checked.
  it("checks neither the signed headers nor a presigned request's expiry", async () => {
    assert.equal(verifySigV4(withHeaders(await sdkSign(), { "x-amz-extra": "x" }), permissive).accessKeyId, ACCESS_KEY);
    assert.equal(verifySigV4(await sdkSign({ presign: true, expiresIn: 1 }), { ...permissive, now: new Date("2030-01-01T00:00:00Z") }).accessKeyId, ACCESS_KEY);
  });
});

describe("parseAuthorization", () => {
  it("splits the credential scope, the signed headers and the signature", async () => {
    const req = await sdkSign();
    const parsed = parseAuthorization(req);
    assert.deepEqual(parsed.credential, { accessKeyId: ACCESS_KEY, date: "20240101", region: "eu-west-1", service: "secretsmanager" });
    assert.deepEqual(parsed.signedHeaders, ["content-type", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-target"]);
    assert.match(parsed.signature, /^[0-9a-f]{64}$/);
  });
});
