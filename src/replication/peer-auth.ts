// Replication peers authenticate each other with SigV4, the mechanism every other request uses:
// each request is signed for the service "meridian-replication" with a credential derived from the
// deployment's shared peer secret, and verified by the same code that verifies clients.

import { signJsonPost } from "../util/sign-request.js";

export const PEER_SERVICE = "meridian-replication";
export const PEER_ACCESS_KEY_ID = "MERIDIANPEER";

/** Headers for a signed POST of `body` to `url`, as the peer in `region` (the receiver's Region). */
export async function signPeerRequest(url: URL, region: string, peerSecret: string, body: string): Promise<Record<string, string>> {
  return signJsonPost(url, body, { region, service: PEER_SERVICE }, { accessKeyId: PEER_ACCESS_KEY_ID, secretAccessKey: peerSecret });
}
