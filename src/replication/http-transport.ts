// Replication between processes (DESIGN §3, §5): messages POSTed to the destination Region's
// endpoint from the topology, SigV4-signed as a peer. Values inside are already sealed to the
// destination, so nothing in a message is plaintext even without TLS.

import type { KeyObject } from "node:crypto";
import { RegionUnreachable, type ApplyOutcome, type ReplicationMessage } from "./replication-types.js";
import type { ReplicationTransport } from "./transport.js";
import { importPublicKey } from "./sealed-transfer.js";
import { signPeerRequest } from "./peer-auth.js";

export const REPLICATION_PATH = "/_meridian/replication";
export const PUBLIC_KEY_PATH = "/_meridian/replication/public-key";

export interface HttpTransportOptions {
  endpointOf(region: string): string | undefined;
  peerSecret: string;
  timeoutMs?: number;
}

export function makeHttpTransport(opts: HttpTransportOptions): ReplicationTransport {
  const publicKeys = new Map<string, KeyObject>();

  async function post(region: string, path: string, payload: unknown): Promise<unknown> {
    const endpoint = opts.endpointOf(region);
    if (!endpoint) throw new RegionUnreachable(`no endpoint for Region ${region} in the topology`);
    const url = new URL(path, endpoint);
    const body = JSON.stringify(payload);
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

  return {
    async send(message: ReplicationMessage): Promise<ApplyOutcome> {
      return (await post(message.dest, REPLICATION_PATH, message)) as ApplyOutcome;
    },
    async publicKeyOf(region: string): Promise<KeyObject> {
      let key = publicKeys.get(region);
      if (!key) {
        const { publicKey } = (await post(region, PUBLIC_KEY_PATH, { region })) as { publicKey: string };
        key = importPublicKey(publicKey);
        publicKeys.set(region, key);
      }
      return key;
    },
  };
}
