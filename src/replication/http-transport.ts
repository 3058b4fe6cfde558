// Replication between processes (DESIGN §3, §5): messages POSTed to the destination Region's
// endpoint from the topology, SigV4-signed as a peer, several to one request when they queue up
// (batcher.ts). Values inside are already sealed to the destination, so nothing in a message is
// plaintext even without TLS. An https:// endpoint's certificate must chain to the configured CA
// (the default trust store when none is): a peer that cannot prove it is that Region gets nothing.

import type { KeyObject } from "node:crypto";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { PeerSecretRefused, RegionUnreachable, type ApplyOutcome, type ReplicationMessage } from "./replication-types.js";
import type { ReplicationTransport } from "./transport.js";
import { importPublicKey } from "./sealed-transfer.js";
import { PEER_HEADER, PEER_REFUSAL_HEADER, PEER_SECRET_REFUSED, signPeerRequest } from "./peer-auth.js";
import { makeBatcher } from "./batcher.js";
import type { Logger } from "../util/logger.js";
import { makeReportOnce } from "../util/report-once.js";

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
  /** how long a probe waits for an answer; PROBE_TIMEOUT_MS when absent */
  probeTimeoutMs?: number;
  /** PEM certificates an https:// peer's certificate must chain to; Node's trust store when absent */
  ca?: string | Buffer;
  /** told once per Region when its certificate or our peer secret is refused (a status only says "failed") */
  log?: Logger;
  /** the Regions this process hosts, named to peers (PEER_HEADER) so that they can say who failed to authenticate */
  self?: string;
}

/** A probe asks for little and is asked again soon: it need not wait as long as a delivery. */
const PROBE_TIMEOUT_MS = 2_000;

/** OpenSSL's and node's codes for a certificate that was refused, as opposed to a peer not there. */
const CERTIFICATE_REFUSED = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)|ALTNAME/;

/** A peer's refusal as the operator may see it: its error code and the first line of its message. */
function refusal(text: string): string {
  try {
    const { __type, message } = JSON.parse(text) as { __type?: unknown; message?: unknown };
    // The first line only: a signature mismatch's message goes on with the canonical request.
    const line = typeof message === "string" ? message.split("\n", 1)[0]!.slice(0, 300) : "";
    return [typeof __type === "string" ? __type : "", line].filter(Boolean).join(": ");
  } catch {
    return "an answer that is not JSON";
  }
}

export function makeHttpTransport(opts: HttpTransportOptions): ReplicationTransport {
  const publicKeys = new Map<string, KeyObject>();
  // what was reported, per Region: told once, again only after it worked in between
  const certificates = makeReportOnce();
  const secrets = makeReportOnce();
  const agents = {
    "http:": new HttpAgent({ keepAlive: true }),
    // rejectUnauthorized stated, so that NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
    "https:": new HttpsAgent({ keepAlive: true, ca: opts.ca, rejectUnauthorized: true }),
  };

  async function post(region: string, path: string, body: string, timeoutMs = opts.timeoutMs ?? 10_000): Promise<unknown> {
    const endpoint = opts.endpointOf(region);
    if (!endpoint) throw new RegionUnreachable(`no endpoint for Region ${region} in the topology`);
    const url = new URL(path, endpoint);
    let response: { status: number; text: string; peerRefusal: string | undefined };
    try {
      const headers = await signPeerRequest(url, region, opts.peerSecret, body);
      if (opts.self) headers[PEER_HEADER] = opts.self;
      response = await send(url, headers, body, timeoutMs);
      certificates.recovered(region);
    } catch (e) {
      const { code, message } = e as NodeJS.ErrnoException;
      if (!code || !CERTIFICATE_REFUSED.test(code)) throw new RegionUnreachable(`Region ${region} at ${endpoint} is unreachable: ${message}`);
      const why = `Region ${region} at ${endpoint} is unreachable: its TLS certificate was refused (${code}: ${message})`;
      if (certificates.failed(region)) opts.log?.error("peer certificate refused", { region, endpoint, error: `${code}: ${message}` });
      throw new RegionUnreachable(why);
    }
    const { status, text } = response;
    if (response.peerRefusal === PEER_SECRET_REFUSED) {
      const why = `peer ${region} at ${endpoint} refused our peer secret`;
      // Once, not per delivery; never the peer's message (an older peer's names the canonical request).
      if (secrets.failed(region)) opts.log?.error(why, { region, endpoint });
      throw new PeerSecretRefused(why);
    }
    if (status >= 500) throw new RegionUnreachable(`Region ${region} answered ${status}`, true);
    if (status < 200 || status > 299) throw new Error(`Region ${region} refused the replication request: ${status} ${refusal(text)}`);
    secrets.recovered(region);
    return JSON.parse(text);
  }

  /** One POST, answered whole within the timeout. */
  function send(url: URL, headers: Record<string, string>, body: string, ms: number) {
    const protocol = url.protocol;
    if (protocol !== "http:" && protocol !== "https:") return Promise.reject(new Error(`${protocol} is not http: or https:`));
    let timer: NodeJS.Timeout | undefined;
    return new Promise<{ status: number; text: string; peerRefusal: string | undefined }>((resolve, reject) => {
      const options = { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) }, agent: agents[protocol] };
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        const peerRefusal = res.headers[PEER_REFUSAL_HEADER];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), peerRefusal: typeof peerRefusal === "string" ? peerRefusal : undefined }),
        );
        res.on("error", reject);
      };
      const req = protocol === "https:" ? httpsRequest(url, { ...options, rejectUnauthorized: true }, onResponse) : httpRequest(url, options, onResponse);
      timer = setTimeout(() => {
        const error = new Error(`no answer within ${ms} ms`);
        reject(error);
        req.destroy(error);
      }, ms);
      req.on("error", reject);
      req.end(body);
    }).finally(() => clearTimeout(timer));
  }

  const batcher = makeBatcher<ApplyOutcome>({
    ...BATCH,
    async post(region, encoded) {
      const answers = (await post(region, REPLICATION_BATCH_PATH, `[${encoded.join(",")}]`)) as BatchAnswer[];
      return answers.map((a) =>
        "outcome" in a ? a.outcome : a.unreachable ? new RegionUnreachable(a.error, true) : new Error(`Region ${region} could not apply a message: ${a.error}`),
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
    async probe(region: string): Promise<void> {
      // The public key: small, signed, and answered only where the Region is hosted. Any answer,
      // a refusal included, means the peer is there; the deliveries then say what it makes of them.
      let answer: unknown;
      try {
        answer = await post(region, PUBLIC_KEY_PATH, JSON.stringify({ region }), opts.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
      } catch (e) {
        if (e instanceof RegionUnreachable && !e.answered) throw e;
        return;
      }
      // A peer whose data directory was replaced has a new key: take the one it answers with.
      const { publicKey } = answer as { publicKey?: unknown };
      if (typeof publicKey === "string") publicKeys.set(region, importPublicKey(publicKey));
    },
  };
}
