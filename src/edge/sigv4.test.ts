// SigV4 verification against requests signed by real signers: the AWS SDK v3 signer, fixed vectors
// from botocore and from AWS's own SigV4 test suite, plus every refusal with AWS's code and message.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { KMSClient, DecryptCommand } from "@aws-sdk/client-kms";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { ServiceError } from "./service-error.js";
import { parseAuthorization, SIGNATURE_MISMATCH, verifySigV4, type SignedRequest, type VerifyOptions } from "./sigv4.js";

// ---- signing with the AWS SDK v3 signer ----

class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash("sha256");
    const key =
      typeof this.secret === "string"
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac("sha256", key);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

const ACCESS_KEY = "AKIAMERIDIANTEST0001";
const SECRET = "meridian/Secret+Key/0001";
const SIGNED_AT = new Date("2024-01-01T00:00:00Z");

interface SignInput {
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
}

// The SDK builds the wire query the way @smithy/querystring-builder does.
const escapeUri = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const wireQuery = (query: Record<string, string | string[]>) =>
  Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${escapeUri(k)}=${escapeUri(x)}`))
    .join("&");

async function sdkSign(input: SignInput = {}): Promise<SignedRequest> {
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
    sha256: NodeSha256,
    credentials: {
      accessKeyId: ACCESS_KEY,
      secretAccessKey: input.secret ?? SECRET,
      ...(input.sessionToken === undefined ? {} : { sessionToken: input.sessionToken }),
    },
  });
  const signed = input.presign
    ? await signer.presign(request, { signingDate: input.at ?? SIGNED_AT })
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
const options = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({
  secretFor: (id) => (id === ACCESS_KEY ? SECRET : undefined),
  now: SIGNED_AT,
  checkSignature: true,
  isHostedRegion: (r) => HOSTED.has(r),
  ...over,
});

function refuses(req: SignedRequest, opts: VerifyOptions, code: string, message: string | RegExp): void {
  assert.throws(
    () => verifySigV4(req, opts),
    (e: unknown) => {
      assert.ok(e instanceof ServiceError, `expected a ServiceError, got ${String(e)}`);
      assert.equal(e.code, code);
      if (typeof message === "string") assert.equal(e.message, message);
      else assert.match(e.message, message);
      assert.equal(e.status, 400);
      return true;
    },
  );
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// The mismatch message goes on with the canonical request and string to sign the server computed.
const MISMATCH = new RegExp(
  `^${escapeRegExp(SIGNATURE_MISMATCH)}\\n\\nThe Canonical String for this request should have been\\n'[^']*'\\n\\n` +
    `The String-to-Sign should have been\\n'AWS4-HMAC-SHA256\\n\\d{8}T\\d{6}Z\\n\\d{8}/[a-z0-9-]+/[a-z]+/aws4_request\\n[0-9a-f]{64}'\\n$`,
);

const withHeaders = (req: SignedRequest, headers: Record<string, string | string[] | undefined>): SignedRequest => ({
  ...req,
  headers: { ...req.headers, ...headers },
});
const b64sha256 = (s: string) => createHash("sha256").update(s).digest("base64");

// ---- requests real clients sign ----

describe("verifySigV4 accepts what real clients sign", () => {
  it("accepts an SDK v3 Secrets Manager call: POST / with an AWS JSON body", async () => {
    const req = await sdkSign();
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
    assert.equal(verifySigV4(req, options()).service, "account");
  });

  it("accepts a path whose segments are percent-encoded on the wire (signed encoded twice)", async () => {
    const req = await sdkSign({ method: "GET", path: "/secrets/my%20secret/a%2Fb/%E2%82%AC", body: "" });
    assert.equal(verifySigV4(req, options()).accessKeyId, ACCESS_KEY);
  });

  it("accepts a path the client normalised before signing (dot segments, doubled slashes)", async () => {
    const req = await sdkSign({ method: "GET", path: "/a/./b/../c//d", body: "" });
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
    const caller = verifySigV4(req, options());
    assert.equal(caller.sessionToken, "tok");
    assert.equal(caller.service, "secretsmanager");
  });

  it("accepts a request signed 15 minutes either side of now, and a header the client did not sign changing", async () => {
    const req = await sdkSign();
    verifySigV4(req, options({ now: new Date(SIGNED_AT.getTime() + 15 * 60_000) }));
    verifySigV4(req, options({ now: new Date(SIGNED_AT.getTime() - 15 * 60_000) }));
    verifySigV4(withHeaders(req, { "user-agent": "something else", "x-forwarded-for": "10.0.0.1" }), options());
  });

  it("signs a repeated header as its values joined with a bare comma", async () => {
    const req = await sdkSign({ headers: { "x-amz-meta-dup": "first,second" } });
    verifySigV4(withHeaders(req, { "x-amz-meta-dup": ["first", "  second "] }), options());
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
    const caller = verifySigV4(req, options({ now: new Date() }));
    assert.equal(caller.service, "secretsmanager");
    assert.equal(caller.sessionToken, "client-token");
  });

  it("KMSClient Decrypt", async () => {
    const req = await captureClientRequest((h) =>
      new KMSClient(clientOptions(h)).send(new DecryptCommand({ CiphertextBlob: new Uint8Array([1, 2, 3]) })),
    );
    assert.equal(verifySigV4(req, options({ now: new Date() })).service, "kms");
  });
});

describe("verifySigV4 matches fixed signatures from other signers", () => {
  // Computed with botocore 1.43.11 (SigV4Auth, clock pinned to 2024-01-01T00:00:00Z): what boto3
  // and awscli 1 send. The JSON bodies are json.dumps output, byte for byte.
  const botocore = (secret: string) =>
    options({ secretFor: (id) => (id === "AKIDBOTOCORE" ? secret : undefined) });

  it("botocore: Secrets Manager GetSecretValue with a session token", () => {
    const req: SignedRequest = {
      method: "POST",
      path: "/",
      query: "",
      headers: {
        host: "secretsmanager.eu-west-1.amazonaws.com",
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "secretsmanager.GetSecretValue",
        "x-amz-date": "20240101T000000Z",
        "x-amz-security-token": "FQoGZXIvYXdzEXAMPLETOKEN",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDBOTOCORE/20240101/eu-west-1/secretsmanager/aws4_request, " +
          "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, " +
          "Signature=537b355b01faa850fb8b248f414a06b57098b79029265136d0d7dd10be1efeae",
      },
      body: Buffer.from('{"SecretId": "prod/db"}'),
    };
    assert.equal(verifySigV4(req, botocore("botocore/secret+key")).sessionToken, "FQoGZXIvYXdzEXAMPLETOKEN");
  });

  it("botocore: POST /enableRegion with a query string, repeated key", () => {
    const req: SignedRequest = {
      method: "POST",
      path: "/enableRegion",
      query: "b=2&a=x%20y&a=1",
      headers: {
        host: "account.us-east-1.amazonaws.com",
        "content-type": "application/json",
        "x-amz-date": "20240101T000000Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDBOTOCORE/20240101/us-east-1/account/aws4_request, " +
          "SignedHeaders=content-type;host;x-amz-date, " +
          "Signature=47d18d6663e01ae90565664adbbc38c3fb1e003571f9f2d1434c3f3cd84d64f3",
      },
      body: Buffer.from('{"RegionName": "af-south-1"}'),
    };
    assert.equal(verifySigV4(req, botocore("botocore/secret+key")).service, "account");
  });

  it("botocore: a percent-encoded path", () => {
    const req: SignedRequest = {
      method: "GET",
      path: "/secrets/my%20secret/a%2Fb",
      query: "",
      headers: {
        host: "example.us-east-1.amazonaws.com",
        "x-amz-date": "20240101T000000Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDBOTOCORE/20240101/us-east-1/secretsmanager/aws4_request, " +
          "SignedHeaders=host;x-amz-date, " +
          "Signature=79c2a0263480cf9dab4edde4f4ca4a1a602c991fabc30fad524f16777d553223",
      },
      body: Buffer.alloc(0),
    };
    assert.equal(verifySigV4(req, botocore("botocore/secret+key")).region, "us-east-1");
  });

  // AWS's SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30).
  const suite = options({
    secretFor: (id) => (id === "AKIDEXAMPLE" ? "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" : undefined),
    now: new Date("2015-08-30T12:36:00Z"),
  });
  const suiteRequest = (over: Partial<SignedRequest>, signedHeaders: string, signature: string): SignedRequest => ({
    method: "GET",
    path: "/",
    query: "",
    body: Buffer.alloc(0),
    ...over,
    headers: {
      host: "example.amazonaws.com",
      "x-amz-date": "20150830T123600Z",
      ...over.headers,
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
        `SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
  });

  it("AWS test suite: get-vanilla", () => {
    const req = suiteRequest({}, "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assert.deepEqual(verifySigV4(req, suite), {
      accessKeyId: "AKIDEXAMPLE",
      region: "us-east-1",
      service: "service",
      signedAt: new Date("2015-08-30T12:36:00Z"),
    });
  });

  it("AWS test suite: get-vanilla-query-order-key-case", () => {
    const req = suiteRequest(
      { query: "Param2=value2&Param1=value1" },
      "host;x-amz-date",
      "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    );
    verifySigV4(req, suite);
  });

  it("AWS test suite: post-x-www-form-urlencoded", () => {
    const req = suiteRequest(
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: Buffer.from("Param1=value1") },
      "content-type;host;x-amz-date",
      "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    );
    verifySigV4(req, suite);
  });
});

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
    verifySigV4(req, options());
    refuses({ ...req, body: Buffer.from('{"SecretId":"prod/other"}') }, options(), "InvalidSignatureException", MISMATCH);
  });

  it("UNSIGNED-PAYLOAD is an ordinary mismatch, as on AWS's JSON services", async () => {
    const req = await sdkSign({ headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    refuses(req, options(), "InvalidSignatureException", MISMATCH);
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
