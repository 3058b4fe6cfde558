// SigV4 verification accepts what real signers sign: the AWS SDK v3 signer, the SDK clients' own
// requests, and fixed vectors from botocore and from AWS's own SigV4 test suite. Each signature is
// held to its value (computed by the SDK's signer, or published), not only seen accepted. The
// refusals are in sigv4-refusals.test.ts.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { KMSClient, DecryptCommand } from "@aws-sdk/client-kms";
import { HttpRequest } from "@smithy/protocol-http";
import { expectedSignature, verifySigV4, type SignedRequest } from "./sigv4.js";
import { ACCESS_KEY, SECRET, SIGNED_AT, options, sdkSign, signatureIn, smithySignature, wireQuery, withHeaders } from "../../test/support/sigv4-helpers.js";

/** The signature a request carries: in its Authorization header, or presigned in its query. */
const given = (req: SignedRequest) =>
  req.headers.authorization ? signatureIn(String(req.headers.authorization)) : /(?:^|&)X-Amz-Signature=([0-9a-f]{64})/.exec(req.query)![1];

// ---- requests real clients sign ----

describe("verifySigV4 accepts what real clients sign", () => {
  it("accepts an SDK v3 Secrets Manager call: POST / with an AWS JSON body", async () => {
    const req = await sdkSign();
    assert.equal(expectedSignature(req, SECRET), given(req), "the SDK's signature is the one computed");
    const caller = verifySigV4(req, options());
    assert.deepEqual(caller, { accessKeyId: ACCESS_KEY, region: "eu-west-1", service: "secretsmanager", signedAt: SIGNED_AT });
  });

  it("accepts an SDK v3 call to a path with a query string", async () => {
    const req = await sdkSign({
      service: "account",
      region: "us-east-1",
      path: "/enableRegion",
      query: { RegionName: "af-south-1", note: "a b/c*(!)~", empty: "", multi: ["z", "a"] },
      headers: { "content-type": "application/json" },
      body: '{"RegionName":"af-south-1"}',
    });
    assert.match(req.query, /note=a%20b%2Fc%2A%28%21%29~/);
    assert.equal(expectedSignature(req, SECRET), given(req));
    assert.equal(verifySigV4(req, options()).service, "account");
  });

  it("accepts a path whose segments are percent-encoded on the wire (signed encoded twice)", async () => {
    const req = await sdkSign({ method: "GET", path: "/secrets/my%20secret/a%2Fb/%E2%82%AC", body: "" });
    assert.equal(expectedSignature(req, SECRET), given(req));
    assert.equal(verifySigV4(req, options()).accessKeyId, ACCESS_KEY);
  });

  it("accepts a path the client normalised before signing (dot segments, doubled slashes)", async () => {
    const req = await sdkSign({ method: "GET", path: "/a/./b/../c//d", body: "" });
    assert.equal(expectedSignature(req, SECRET), given(req));
    assert.equal(verifySigV4(req, options()).region, "eu-west-1");
  });

  it("returns the session token of temporary credentials", async () => {
    const req = await sdkSign({ sessionToken: "FQoGZXIvYXdzEXAMPLE//token==" });
    assert.equal(req.headers["x-amz-security-token"], "FQoGZXIvYXdzEXAMPLE//token==");
    assert.equal(verifySigV4(req, options()).sessionToken, "FQoGZXIvYXdzEXAMPLE//token==");
  });

  it("accepts a presigned request (X-Amz-* in the query string)", async () => {
    const req = await sdkSign({ method: "GET", body: "", presign: true, sessionToken: "tok", query: { Action: "Ping" } });
    assert.equal(req.headers["authorization"], undefined);
    assert.equal(expectedSignature(req, SECRET), given(req));
    const caller = verifySigV4(req, options());
    assert.equal(caller.sessionToken, "tok");
    assert.equal(caller.service, "secretsmanager");
  });

  it("accepts a request signed 15 minutes either side of now, and a header the client did not sign changing", async () => {
    const req = await sdkSign();
    assert.equal(verifySigV4(req, options({ now: new Date(SIGNED_AT.getTime() + 15 * 60_000) })).signedAt.getTime(), SIGNED_AT.getTime());
    assert.equal(verifySigV4(req, options({ now: new Date(SIGNED_AT.getTime() - 15 * 60_000) })).signedAt.getTime(), SIGNED_AT.getTime());
    const unsignedChanged = withHeaders(req, { "user-agent": "something else", "x-forwarded-for": "10.0.0.1" });
    assert.equal(expectedSignature(unsignedChanged, SECRET), given(req), "headers the client did not sign are not in the signature");
    assert.equal(verifySigV4(unsignedChanged, options()).accessKeyId, ACCESS_KEY);
  });

  it("signs a repeated header as its values joined with a bare comma", async () => {
    const req = await sdkSign({ headers: { "x-amz-meta-dup": "first,second" } });
    const repeated = withHeaders(req, { "x-amz-meta-dup": ["first", "  second "] });
    assert.equal(expectedSignature(repeated, SECRET), given(req));
    assert.equal(verifySigV4(repeated, options()).accessKeyId, ACCESS_KEY);
  });
});

// The real clients, stopped at their HTTP handler: what they would have sent is what we verify.
async function captureClientRequest(send: (handler: { handle(req: HttpRequest): Promise<never> }) => Promise<unknown>): Promise<SignedRequest> {
  let captured: HttpRequest | undefined;
  const handler = {
    handle: async (req: HttpRequest): Promise<never> => {
      captured = req;
      throw new Error("captured");
    },
  };
  await assert.rejects(send(handler), /captured/);
  assert.ok(captured);
  const body = captured.body as Uint8Array; // a Uint8Array subclass: copy its bytes without calling its methods
  return {
    method: captured.method,
    path: captured.path,
    query: wireQuery(captured.query as Record<string, string | string[]>),
    headers: { ...captured.headers },
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
  };
}

describe("verifySigV4 accepts the AWS SDK v3 clients' own requests", () => {
  const clientOptions = (requestHandler: { handle(req: HttpRequest): Promise<never> }) => ({
    region: "eu-west-1",
    endpoint: "http://127.0.0.1:4566",
    maxAttempts: 1,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, sessionToken: "client-token" },
    requestHandler,
  });

  it("SecretsManagerClient GetSecretValue", async () => {
    const req = await captureClientRequest((h) =>
      new SecretsManagerClient(clientOptions(h)).send(new GetSecretValueCommand({ SecretId: "prod/db päss" })),
    );
    assert.equal(expectedSignature(req, SECRET), given(req));
    const caller = verifySigV4(req, options({ now: new Date() }));
    assert.equal(caller.service, "secretsmanager");
    assert.equal(caller.sessionToken, "client-token");
  });

  it("KMSClient Decrypt", async () => {
    const req = await captureClientRequest((h) =>
      new KMSClient(clientOptions(h)).send(new DecryptCommand({ CiphertextBlob: new Uint8Array([1, 2, 3]) })),
    );
    assert.equal(expectedSignature(req, SECRET), given(req));
    assert.equal(verifySigV4(req, options({ now: new Date() })).service, "kms");
  });
});

describe("verifySigV4 matches fixed signatures from other signers", () => {
  interface Vector {
    req: SignedRequest;
    scope: { accessKeyId: string; secret: string; region: string; service: string; at: Date; sessionToken?: string };
    signature: string;
  }

  /**
   * The vector's signature three ways: the AWS SDK v3 signer computes it from the request (so the
   * value is right independently of our code), the verifier computes the same, and accepts it.
   */
  async function holds({ req, scope, signature }: Vector) {
    const signed: SignedRequest = {
      ...req,
      headers: {
        ...req.headers,
        authorization:
          `AWS4-HMAC-SHA256 Credential=${scope.accessKeyId}/${req.headers["x-amz-date"]!.toString().slice(0, 8)}/${scope.region}/${scope.service}/aws4_request, ` +
          `SignedHeaders=${Object.keys(req.headers).sort().join(";")}, Signature=${signature}`,
      },
    };
    assert.equal(await smithySignature(signed, scope), signature, "the AWS SDK's signer computes the vector's signature");
    assert.equal(expectedSignature(signed, scope.secret), signature, "the verifier computes the vector's signature");
    const caller = verifySigV4(signed, options({ secretFor: (id) => (id === scope.accessKeyId ? scope.secret : undefined), now: scope.at }));
    assert.deepEqual(caller, {
      accessKeyId: scope.accessKeyId,
      region: scope.region,
      service: scope.service,
      signedAt: scope.at,
      ...(scope.sessionToken === undefined ? {} : { sessionToken: scope.sessionToken }),
    });
    // One byte of the signature changed is refused: acceptance is the comparison, not a pass-through.
    const wrong = withHeaders(signed, { authorization: String(signed.headers.authorization).replace(/.$/, (c) => (c === "0" ? "1" : "0")) });
    assert.throws(() => verifySigV4(wrong, options({ secretFor: () => scope.secret, now: scope.at })), /signature we calculated does not match/);
  }

  // Computed with botocore 1.43.11 (SigV4Auth, clock pinned to 2024-01-01T00:00:00Z): what boto3
  // and awscli 1 send. The JSON bodies are json.dumps output, byte for byte.
  const botocore = (region: string, service: string, sessionToken?: string) => ({
    accessKeyId: "AKIDBOTOCORE",
    secret: "botocore/secret+key",
    region,
    service,
    at: new Date("2024-01-01T00:00:00Z"),
    ...(sessionToken === undefined ? {} : { sessionToken }),
  });

  it("botocore: Secrets Manager GetSecretValue with a session token", () =>
    holds({
      req: {
        method: "POST",
        path: "/",
        query: "",
        headers: {
          host: "secretsmanager.eu-west-1.amazonaws.com",
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "secretsmanager.GetSecretValue",
          "x-amz-date": "20240101T000000Z",
          "x-amz-security-token": "FQoGZXIvYXdzEXAMPLETOKEN",
        },
        body: Buffer.from('{"SecretId": "prod/db"}'),
      },
      scope: botocore("eu-west-1", "secretsmanager", "FQoGZXIvYXdzEXAMPLETOKEN"),
      signature: "537b355b01faa850fb8b248f414a06b57098b79029265136d0d7dd10be1efeae",
    }));

  it("botocore: POST /enableRegion with a query string, repeated key", () =>
    holds({
      req: {
        method: "POST",
        path: "/enableRegion",
        query: "b=2&a=x%20y&a=1",
        headers: { host: "account.us-east-1.amazonaws.com", "content-type": "application/json", "x-amz-date": "20240101T000000Z" },
        body: Buffer.from('{"RegionName": "af-south-1"}'),
      },
      scope: botocore("us-east-1", "account"),
      signature: "47d18d6663e01ae90565664adbbc38c3fb1e003571f9f2d1434c3f3cd84d64f3",
    }));

  it("botocore: a percent-encoded path", () =>
    holds({
      req: {
        method: "GET",
        path: "/secrets/my%20secret/a%2Fb",
        query: "",
        headers: { host: "example.us-east-1.amazonaws.com", "x-amz-date": "20240101T000000Z" },
        body: Buffer.alloc(0),
      },
      scope: botocore("us-east-1", "secretsmanager"),
      signature: "79c2a0263480cf9dab4edde4f4ca4a1a602c991fabc30fad524f16777d553223",
    }));

  // AWS's SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30): the published signatures.
  const suite = {
    accessKeyId: "AKIDEXAMPLE",
    secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    region: "us-east-1",
    service: "service",
    at: new Date("2015-08-30T12:36:00Z"),
  };
  const suiteRequest = (over: Partial<SignedRequest> = {}): SignedRequest => ({
    method: "GET",
    path: "/",
    query: "",
    body: Buffer.alloc(0),
    ...over,
    headers: { host: "example.amazonaws.com", "x-amz-date": "20150830T123600Z", ...over.headers },
  });

  it("AWS test suite: get-vanilla", () =>
    holds({ req: suiteRequest(), scope: suite, signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" }));

  it("AWS test suite: get-vanilla-query-order-key-case", () =>
    holds({
      req: suiteRequest({ query: "Param2=value2&Param1=value1" }),
      scope: suite,
      signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    }));

  it("AWS test suite: post-x-www-form-urlencoded", () =>
    holds({
      req: suiteRequest({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: Buffer.from("Param1=value1") }),
      scope: suite,
      signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    }));
});
