// Replication peers authenticate each other with SigV4, the mechanism every other request uses:
// each request is signed for the service "meridian-replication" with a credential derived from the
// deployment's shared peer secret, and verified by the same code that verifies clients.

import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";

export const PEER_SERVICE = "meridian-replication";
export const PEER_ACCESS_KEY_ID = "MERIDIANPEER";

class Sha256 {
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

/** Headers for a signed POST of `body` to `url`, as the peer in `region` (the receiver's Region). */
export async function signPeerRequest(url: URL, region: string, peerSecret: string, body: string): Promise<Record<string, string>> {
  const request = new HttpRequest({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, "content-type": "application/json" },
    body,
  });
  const signer = new SignatureV4({
    credentials: { accessKeyId: PEER_ACCESS_KEY_ID, secretAccessKey: peerSecret },
    region,
    service: PEER_SERVICE,
    sha256: Sha256,
  });
  return (await signer.sign(request)).headers as Record<string, string>;
}
