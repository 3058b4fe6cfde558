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

type Scope = { region: string; service: string };

/** Headers for a signed POST of the JSON `body` to `url`, for `service` in `region`. */
export function signJsonPost(url: URL, body: string, scope: Scope, credentials: SigningCredentials): Promise<Record<string, string>> {
  return signRequest("POST", url, scope, credentials, { headers: { "content-type": "application/json" }, body });
}

/** Headers for a signed request to `url` (a GET has no body), for `service` in `region`. */
export async function signRequest(
  method: string,
  url: URL,
  scope: Scope,
  credentials: SigningCredentials,
  content: { headers?: Record<string, string>; body?: string } = {},
): Promise<Record<string, string>> {
  const request = new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, ...content.headers },
    body: content.body,
  });
  const signer = new SignatureV4({ credentials, region: scope.region, service: scope.service, sha256: Sha256 });
  return (await signer.sign(request)).headers as Record<string, string>;
}
