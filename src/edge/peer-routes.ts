// The replication endpoints other Meridian processes call (DESIGN §3, §5): a message for a hosted
// Region, or that Region's transport public key. Callers are authenticated as peers with SigV4
// against the deployment's peer secret; without a peer secret these endpoints refuse everyone.

import { ServiceError } from "../contract/service-error.js";
import { precheckSigV4, type VerifiedCaller } from "./sigv4.js";
import { jsonAnswer, type Route } from "./route.js";
import { operatorFailure } from "./operator-routes.js";
import type { RegionHost } from "../region/region-host.js";
import { PUBLIC_KEY_PATH, REPLICATION_BATCH_PATH, REPLICATION_PATH, type BatchAnswer } from "../replication/http-transport.js";
import { PEER_ACCESS_KEY_ID, PEER_SERVICE } from "../replication/peer-auth.js";
import { exportPublicKey } from "../replication/sealed-transfer.js";
import type { ReplicationMessage } from "../replication/replication-types.js";

const isPeerPath = (path: string) => path === REPLICATION_PATH || path === REPLICATION_BATCH_PATH || path === PUBLIC_KEY_PATH;

/** Replication peers send whole copies of a partition's identities: more room, still bounded. */
const PEER_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The peer route: closed unless peering is configured, and the signature's head checked against the
 * peer secret before a body of up to 16 MiB is read.
 */
export function peerRoute(host: RegionHost, peerSecret: string | undefined, now: () => number): Route {
  return {
    name: "replication peers",
    matches: (r) => r.method === "POST" && isPeerPath(r.path),
    async handle(r, tools) {
      if (!peerSecret) throw new ServiceError("AccessDeniedException", "This Meridian has no replication peers configured.", 403);
      const prechecked = precheckSigV4(r.head, {
        now: new Date(now()),
        checkSignature: true,
        expectedService: PEER_SERVICE,
        isHostedRegion: (region) => host.node(region) !== undefined,
        secretFor: (accessKeyId) => (accessKeyId === PEER_ACCESS_KEY_ID ? peerSecret : undefined),
      });
      const body = await tools.readBody(PEER_MAX_BODY_BYTES);
      return jsonAnswer(await answerPeer(host, prechecked.verify(body), r.path, body));
    },
    failure: operatorFailure,
  };
}

/** The JSON answer to a peer's request, once its signature is verified. */
async function answerPeer(host: RegionHost, caller: VerifiedCaller, path: string, body: Buffer): Promise<unknown> {
  const node = host.node(caller.region)!;
  if (path === PUBLIC_KEY_PATH) return { publicKey: exportPublicKey(node.replication.receiver.publicKey()) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ServiceError("SerializationException", "The replication message is not JSON.");
  }
  const messages = (path === REPLICATION_BATCH_PATH ? parsed : [parsed]) as ReplicationMessage[];
  if (!Array.isArray(messages)) throw new ServiceError("SerializationException", "A replication batch is a JSON array of messages.");
  if (messages.some((m) => m?.dest !== caller.region)) {
    throw new ServiceError("ValidationException", "The message is not addressed to the Region it was signed for.");
  }
  if (path === REPLICATION_PATH) return node.replication.receiver.apply(messages[0]!);
  // A batch holds different secrets' changes: they are applied together, each answered on its own.
  return Promise.all(
    messages.map((m): Promise<BatchAnswer> =>
      node.replication.receiver.apply(m).then(
        (outcome) => ({ outcome }),
        (e: unknown) => ({
          error: (e as Error).message,
          // as a single message's 5xx answer: the sender backs off and retries
          unreachable: !(e instanceof ServiceError) || e.status >= 500,
        }),
      ),
    ),
  );
}
