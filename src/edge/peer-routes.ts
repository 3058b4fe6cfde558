// The replication endpoints other Meridian processes call (DESIGN §3, §5): a message for a hosted
// Region, or that Region's transport public key. Callers are authenticated as peers with SigV4
// against the deployment's peer secret; without a peer secret these endpoints refuse everyone. A
// peer that signs with another secret is reported once (not per request) and told so in a header.

import { ServiceError } from "../contract/service-error.js";
import { SIGNATURE_MISMATCH, precheckSigV4, type VerifiedCaller } from "./sigv4.js";
import { jsonAnswer, type Inspected, type Route } from "./route.js";
import { operatorFailure } from "./operator-routes.js";
import type { RegionHost } from "../region/region-host.js";
import { PUBLIC_KEY_PATH, REPLICATION_BATCH_PATH, REPLICATION_PATH, type BatchAnswer } from "../replication/http-transport.js";
import { PEER_ACCESS_KEY_ID, PEER_HEADER, PEER_REFUSAL_HEADER, PEER_SECRET_REFUSED, PEER_SERVICE } from "../replication/peer-auth.js";
import { exportPublicKey } from "../replication/sealed-transfer.js";
import type { ReplicationMessage } from "../replication/replication-types.js";
import type { Logger } from "../util/logger.js";
import { makeReportOnce } from "../util/report-once.js";

const isPeerPath = (path: string) => path === REPLICATION_PATH || path === REPLICATION_BATCH_PATH || path === PUBLIC_KEY_PATH;

/** Replication peers send whole copies of a partition's identities: more room, still bounded. */
const PEER_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * A request signed with another peer secret. Its answer leaves out the canonical request that a
 * client's signature mismatch shows: a peer has nothing to debug with it, and a sender that logs
 * refusals must not log it.
 */
class WrongPeerSecret extends ServiceError {
  constructor() {
    super("InvalidSignatureException", SIGNATURE_MISMATCH);
  }
}

/** Who the request says it is from: the sender's Regions as it names them, and its address. */
function claimedPeer(r: Inspected): string {
  const named = r.req.headers[PEER_HEADER];
  // a claim from an unauthenticated request: only a short list of Region-like names is repeated
  const peer = typeof named === "string" && /^[a-z0-9-]{1,40}(,[a-z0-9-]{1,40}){0,9}$/.test(named) ? named : "(unnamed)";
  return `${peer} (${r.facts.sourceIp})`;
}

/**
 * The peer route: closed unless peering is configured, and the signature's head checked against the
 * peer secret before a body of up to 16 MiB is read.
 */
export function peerRoute(host: RegionHost, peerSecret: string | undefined, now: () => number, log: Logger): Route {
  const wrongSecret = makeReportOnce();
  return {
    name: "replication peers",
    headFirst: true,
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
      const claim = claimedPeer(r);
      let caller: VerifiedCaller;
      try {
        caller = prechecked.verify(body); // throws only on a signature that does not match
      } catch (e) {
        if (!(e instanceof ServiceError)) throw e;
        if (wrongSecret.failed(claim)) log.error(`a request claiming to be peer ${claim} failed authentication: wrong peer secret`, { path: r.path });
        throw new WrongPeerSecret();
      }
      wrongSecret.recovered(claim);
      return jsonAnswer(await answerPeer(host, caller, r.path, body));
    },
    failure(error) {
      const answer = operatorFailure(error);
      return error instanceof WrongPeerSecret ? { ...answer, headers: { ...answer.headers, [PEER_REFUSAL_HEADER]: PEER_SECRET_REFUSED } } : answer;
    },
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
