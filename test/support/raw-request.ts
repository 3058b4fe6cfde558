// Raw HTTP requests for tests that must send what an SDK never would: a malformed body, a missing
// header, a wrong method, a skewed clock. Signed with the SDK's own SigV4 signer unless told not to.

import { createHash, createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";

class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret ? createHmac("sha256", toBuffer(secret)) : createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(typeof data === "string" ? data : toBuffer(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export interface RawRequest {
  method?: string;
  /** the request path (default "/") */
  path?: string;
  /** the body exactly as sent; an object is JSON-encoded */
  body?: string | Buffer | object;
  /** X-Amz-Target; null sends none */
  target?: string | null;
  /** Content-Type; null sends none */
  contentType?: string | null;
  region?: string;
  service?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** the signing time (default: now) */
  signedAt?: Date;
  /** false sends the request unsigned */
  sign?: boolean;
  /** extra headers, added before signing */
  headers?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: Record<string, unknown> | undefined;
}

/** The headers (signed unless `sign: false`) and body of a raw request, for tests that send it themselves. */
export async function prepareRequest(
  url: string,
  r: RawRequest,
): Promise<{ method: string; path: string; headers: Record<string, string>; body: Buffer }> {
  const u = new URL(url);
  const method = r.method ?? "POST";
  const path = r.path ?? "/";
  const body =
    r.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(r.body) ? r.body : Buffer.from(typeof r.body === "string" ? r.body : JSON.stringify(r.body), "utf8");
  const headers: Record<string, string> = { host: u.host };
  if (r.contentType !== null) headers["content-type"] = r.contentType ?? "application/x-amz-json-1.1";
  if (r.target !== null) headers["x-amz-target"] = r.target ?? "secretsmanager.ListSecrets";
  Object.assign(headers, r.headers);
  if (r.sign === false) return { method, path, headers, body };

  const signer = new SignatureV4({
    credentials: r.credentials ?? { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    region: r.region ?? "us-east-1",
    service: r.service ?? "secretsmanager",
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({ method, protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path, headers, body }),
    { signingDate: r.signedAt ?? new Date() },
  );
  return { method, path, headers: signed.headers as Record<string, string>, body };
}

export async function rawRequest(url: string, r: RawRequest): Promise<RawResponse> {
  const { method, path, headers, body } = await prepareRequest(url, r);
  return send(new URL(url), method, path, headers, body);
}

function send(u: URL, method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: Number(u.port), path, method, headers: { ...headers, "content-length": String(body.length) }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer within 10 s to ${method} ${path}`)));
    // The server may answer (413) and close before the whole body is written; the answer still counts.
    req.on("error", reject);
    req.end(body);
  });
}
