// Replication peers authenticate each other with SigV4, the mechanism every other request uses:
// each request is signed for the service "meridian-replication" with a credential derived from the
// deployment's shared peer secret, and verified by the same code that verifies clients.

import { signJsonPost } from "../util/sign-request.js";

export const PEER_SERVICE = "meridian-replication";
export const PEER_ACCESS_KEY_ID = "MERIDIANPEER";
/**
 * Who a peer's request says it is from (the Regions its process hosts). A claim, not proven by the
 * signature: the receiver uses it only to say which peer failed to authenticate.
 */
export const PEER_HEADER = "x-meridian-peer";
/**
 * Set on the answer to a request whose signature does not match the peer secret, so the sender
 * can tell a wrong peer secret from the other signature refusals (a skewed clock) without
 * reading the message.
 */
export const PEER_REFUSAL_HEADER = "x-meridian-peer-refusal";
export const PEER_SECRET_REFUSED = "peer-secret";

/** Headers for a signed POST of `body` to `url`, as the peer in `region` (the receiver's Region). */
export async function signPeerRequest(url: URL, region: string, peerSecret: string, body: string): Promise<Record<string, string>> {
  return signJsonPost(url, body, { region, service: PEER_SERVICE }, { accessKeyId: PEER_ACCESS_KEY_ID, secretAccessKey: peerSecret });
}
