// Signing a JSON POST with SigV4, as Meridian itself sends them (replication peers, the CLI): the
// AWS SDK's own signer, with node:crypto for its hashes.

import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";

/** node:crypto as the SDK signer's hash (shared with the SigV4 tests' signer). */
export class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", Buffer.from(secret as Uint8Array));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(typeof data === "string" ? data : Buffer.from(data as Uint8Array));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Headers for a signed POST of the JSON `body` to `url`, for `service` in `region`. */
export async function signJsonPost(url: URL, body: string, scope: { region: string; service: string }, credentials: SigningCredentials): Promise<Record<string, string>> {
  const request = new HttpRequest({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, "content-type": "application/json" },
    body,
  });
  const signer = new SignatureV4({ credentials, region: scope.region, service: scope.service, sha256: Sha256 });
  return (await signer.sign(request)).headers as Record<string, string>;
}
