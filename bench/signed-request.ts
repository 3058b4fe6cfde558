// Signing AWS JSON 1.1 requests for the benchmarks, with the SDK's own SigV4 signer.

import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";

class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret ? createHmac("sha256", Buffer.from(secret as string)) : createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(typeof data === "string" ? data : Buffer.from(data as Uint8Array));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

export interface SignedJsonRequest {
  headers: Record<string, string>;
  body: string;
}

export async function signJson(
  url: string,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  target: string,
  input: unknown,
  service = "secretsmanager",
): Promise<SignedJsonRequest> {
  const u = new URL(url);
  const body = JSON.stringify(input);
  const request = new HttpRequest({
    method: "POST",
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: "/",
    headers: { host: u.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
    body,
  });
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256 });
  const signed = await signer.sign(request);
  return { headers: signed.headers as Record<string, string>, body };
}
