// Replication between processes (DESIGN §3, §5): messages POSTed to the destination Region's
// endpoint from the topology, SigV4-signed as a peer, several to one request when they queue up
// (batcher.ts). Values inside are already sealed to the destination, so nothing in a message is
// plaintext even without TLS.

import type { KeyObject } from "node:crypto";
import { RegionUnreachable, type ApplyOutcome, type ReplicationMessage } from "./replication-types.js";
import type { ReplicationTransport } from "./transport.js";
import { importPublicKey } from "./sealed-transfer.js";
import { signPeerRequest } from "./peer-auth.js";
import { makeBatcher } from "./batcher.js";

export const REPLICATION_PATH = "/_meridian/replication";
/** a JSON array of messages for one Region, answered by an array of `BatchAnswer` in the same order */
export const REPLICATION_BATCH_PATH = "/_meridian/replication/batch";
export const PUBLIC_KEY_PATH = "/_meridian/replication/public-key";

/** One message's answer in a batch: what the Region made of it, or why it could not apply it. */
export type BatchAnswer = { outcome: ApplyOutcome } | { error: string; unreachable?: boolean };

/** Limits of one batch request (the peer route accepts up to 16 MiB); two requests in flight per
 *  destination measured better than four (BENCHMARKS.md, replication). */
const BATCH = { slots: 2, maxMessages: 64, maxBytes: 4 * 1024 * 1024 };

export interface HttpTransportOptions {
  endpointOf(region: string): string | undefined;
  peerSecret: string;
  timeoutMs?: number;
}

export function makeHttpTransport(opts: HttpTransportOptions): ReplicationTransport {
  const publicKeys = new Map<string, KeyObject>();

  async function post(region: string, path: string, body: string): Promise<unknown> {
    const endpoint = opts.endpointOf(region);
    if (!endpoint) throw new RegionUnreachable(`no endpoint for Region ${region} in the topology`);
    const url = new URL(path, endpoint);
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: await signPeerRequest(url, region, opts.peerSecret, body),
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new RegionUnreachable(`Region ${region} at ${endpoint} is unreachable: ${(e as Error).message}`);
    }
    const text = await response.text();
    if (response.status >= 500 || response.status === 503) throw new RegionUnreachable(`Region ${region} answered ${response.status}`);
    if (!response.ok) throw new Error(`Region ${region} refused the replication request: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  const batcher = makeBatcher<ApplyOutcome>({
    ...BATCH,
    async post(region, encoded) {
      const answers = (await post(region, REPLICATION_BATCH_PATH, `[${encoded.join(",")}]`)) as BatchAnswer[];
      return answers.map((a) =>
        "outcome" in a ? a.outcome : a.unreachable ? new RegionUnreachable(a.error) : new Error(`Region ${region} could not apply a message: ${a.error}`),
      );
    },
  });

  return {
    send(message: ReplicationMessage): Promise<ApplyOutcome> {
      return batcher.send(message.dest, JSON.stringify(message));
    },
    async publicKeyOf(region: string): Promise<KeyObject> {
      let key = publicKeys.get(region);
      if (!key) {
        const { publicKey } = (await post(region, PUBLIC_KEY_PATH, JSON.stringify({ region }))) as { publicKey: string };
        key = importPublicKey(publicKey);
        publicKeys.set(region, key);
      }
      return key;
    },
  };
}
