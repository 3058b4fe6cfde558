// The two phases of SigV4 verification: precheckSigV4 decides everything it can without the body
// (so the edge can refuse a request before reading it), verify(body) finishes with the HMAC.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ServiceError } from "../contract/service-error.js";
import { precheckSigV4, verifySigV4, type SignedRequest, type VerifyOptions } from "./sigv4.js";
import { ACCESS_KEY, MISMATCH, SECRET, SIGNED_AT, options, sdkSign, withHeaders } from "../../test/support/sigv4-helpers.js";

const head = ({ body: _body, ...rest }: SignedRequest) => rest;

/** options whose secretFor counts its calls */
function counting(over: Partial<VerifyOptions> = {}) {
  const calls: string[] = [];
  const opts = options({
    secretFor: (id) => {
      calls.push(id);
      return id === ACCESS_KEY ? SECRET : undefined;
    },
    ...over,
  });
  return { opts, calls };
}

const refusal = (code: string, message?: string | RegExp) => (e: unknown) => {
  assert.ok(e instanceof ServiceError, String(e));
  assert.equal(e.code, code);
  if (typeof message === "string") assert.equal(e.message, message);
  else if (message) assert.match(e.message, message);
  return true;
};

describe("precheckSigV4 then verify(body)", () => {
  it("needs no body to precheck; verify with the signed body gives what verifySigV4 gives", async () => {
    const req = await sdkSign({ sessionToken: "tok" });
    const { opts, calls } = counting();
    const prechecked = precheckSigV4(head(req), opts);
    assert.deepEqual(prechecked.claimed, { accessKeyId: ACCESS_KEY, region: "eu-west-1", service: "secretsmanager", signedAt: SIGNED_AT, sessionToken: "tok" });
    assert.deepEqual(prechecked.verify(req.body), verifySigV4(req, options()));
    assert.deepEqual(calls, [ACCESS_KEY], "the key's secret is looked up once, by the precheck");
  });

  it("looks the key up once for precheck and verify together, and verifySigV4 once too", async () => {
    const req = await sdkSign();
    const { opts, calls } = counting();
    const prechecked = precheckSigV4(head(req), opts);
    assert.equal(prechecked.verify(req.body).accessKeyId, ACCESS_KEY);
    assert.equal(calls.length, 1);
    assert.equal(verifySigV4(req, opts).accessKeyId, ACCESS_KEY);
    assert.equal(calls.length, 2);
  });

  it("refuses a body other than the signed one at verify, with the mismatch", async () => {
    const req = await sdkSign();
    const prechecked = precheckSigV4(head(req), options());
    assert.throws(() => prechecked.verify(Buffer.from('{"SecretId":"prod/other"}')), refusal("InvalidSignatureException", MISMATCH));
    assert.equal(prechecked.verify(req.body).accessKeyId, ACCESS_KEY);
  });

  it("refuses an unknown key at the precheck (UnrecognizedClientException), before any body", async () => {
    const req = await sdkSign();
    assert.throws(() => precheckSigV4(head(req), options({ secretFor: () => undefined })), refusal("UnrecognizedClientException", "The security token included in the request is invalid."));
  });

  it("passes on what secretFor throws (an expired session token, say)", async () => {
    const req = await sdkSign({ sessionToken: "tok" });
    const expired = new ServiceError("ExpiredTokenException", "The security token included in the request is expired");
    assert.throws(
      () =>
        precheckSigV4(head(req), options({
          secretFor: () => {
            throw expired;
          },
        })),
      (e) => e === expired,
    );
  });

  it("refuses without looking the key up: no signature, a malformed one, a skewed clock, a wrong scope, an unsigned header", async () => {
    const req = await sdkSign();
    const { opts, calls } = counting();
    const cases: [SignedRequest, VerifyOptions, string][] = [
      [withHeaders(req, { authorization: undefined }), opts, "MissingAuthenticationTokenException"],
      [withHeaders(req, { authorization: "AWS4-HMAC-SHA256 Credential=x" }), opts, "IncompleteSignatureException"],
      [req, { ...opts, now: new Date(SIGNED_AT.getTime() + 16 * 60_000) }, "InvalidSignatureException"],
      [req, { ...opts, expectedService: "kms" }, "InvalidSignatureException"],
      [withHeaders(req, { "x-amz-target": "secretsmanager.DeleteSecret", "x-amz-extra": "1" }), opts, "AccessDeniedException"],
    ];
    for (const [r, o, code] of cases) assert.throws(() => precheckSigV4(head(r), o), refusal(code));
    assert.deepEqual(calls, []);
  });

  it("in permissive mode looks nothing up and verify checks nothing", async () => {
    const req = await sdkSign({ secret: "whatever" });
    const prechecked = precheckSigV4(head(req), options({ checkSignature: false, secretFor: () => assert.fail("looked up") }));
    assert.equal(prechecked.verify(Buffer.from("any body")).accessKeyId, ACCESS_KEY);
  });
});
