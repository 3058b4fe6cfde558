// The replication endpoints other Meridian processes call (DESIGN §3, §5): a message for a hosted
// Region, or that Region's transport public key. Callers are authenticated as peers with SigV4
// against the deployment's peer secret; without a peer secret these endpoints refuse everyone.

import type { IncomingMessage } from "node:http";
import { ServiceError } from "../contract/service-error.js";
import { verifySigV4 } from "./sigv4.js";
import type { RegionHost } from "../region/region-host.js";
import { PUBLIC_KEY_PATH, REPLICATION_BATCH_PATH, REPLICATION_PATH, type BatchAnswer } from "../replication/http-transport.js";
import { PEER_ACCESS_KEY_ID, PEER_SERVICE } from "../replication/peer-auth.js";
import { exportPublicKey } from "../replication/sealed-transfer.js";
import type { ReplicationMessage } from "../replication/replication-types.js";

export const isPeerPath = (path: string) => path === REPLICATION_PATH || path === REPLICATION_BATCH_PATH || path === PUBLIC_KEY_PATH;

/** The JSON answer to a peer's request. */
export async function handlePeerRequest(
  host: RegionHost,
  peerSecret: string | undefined,
  now: () => number,
  req: IncomingMessage,
  path: string,
  query: string,
  body: Buffer,
): Promise<unknown> {
  if (!peerSecret) throw new ServiceError("AccessDeniedException", "This Meridian has no replication peers configured.", 403);
  const caller = verifySigV4(
    { method: req.method ?? "POST", path, query, headers: req.headersDistinct, body },
    {
      now: new Date(now()),
      checkSignature: true,
      expectedService: PEER_SERVICE,
      isHostedRegion: (region) => host.node(region) !== undefined,
      secretFor: (accessKeyId) => (accessKeyId === PEER_ACCESS_KEY_ID ? peerSecret : undefined),
    },
  );
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
