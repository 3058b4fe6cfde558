// What the HTTP transport makes of a peer's answers (issue 12 item 11): a refused peer secret is its
// own error, told to the log once — not per request — and again only after a request got through
// in between; the peer's message (an older peer's names the canonical request) is never logged. A
// probe resolves whenever the peer answers, refusal or not, and throws only when nothing answers.

import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { makeHttpTransport } from "./http-transport.js";
import { PEER_HEADER, PEER_REFUSAL_HEADER, PEER_SECRET_REFUSED } from "./peer-auth.js";
import { PeerSecretRefused, RegionUnreachable, type ReplicationMessage } from "./replication-types.js";
import { makeLogger } from "../util/logger.js";
import { newTransportKeyPair, exportPublicKey } from "./sealed-transfer.js";

const PEER_SECRET = "the-senders-peer-secret";
const CANONICAL = "The Canonical String for this request should have been\n'POST\n/_meridian/replication/batch\n...'";
const remove: ReplicationMessage = { kind: "remove", source: "us-east-1", dest: "eu-west-1", accountId: "111122223333", primaryArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:a-AbCdEf" };

/** A peer that refuses our secret (as an older one did, the canonical request in its message) or accepts. */
async function fakePeer(t: TestContext) {
  const peer = { refusing: true, claims: [] as string[] };
  const { publicKey } = newTransportKeyPair();
  const server: Server = createServer((req, res) => {
    peer.claims.push(String(req.headers[PEER_HEADER]));
    req.resume();
    req.on("end", () => {
      if (peer.refusing) {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1", [PEER_REFUSAL_HEADER]: PEER_SECRET_REFUSED });
        res.end(JSON.stringify({ __type: "InvalidSignatureException", message: `The request signature we calculated does not match.\n\n${CANONICAL}` }));
      } else if (req.url!.endsWith("/public-key")) {
        res.end(JSON.stringify({ publicKey: exportPublicKey(publicKey) }));
      } else {
        res.end(JSON.stringify([{ outcome: { status: "Removed" } }]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { peer, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test("a refused peer secret is its own error, logged once until a request gets through, without the peer's message", async (t) => {
  const { peer, url } = await fakePeer(t);
  const lines: string[] = [];
  const transport = makeHttpTransport({ endpointOf: () => url, peerSecret: PEER_SECRET, log: makeLogger((l) => lines.push(l)), self: "us-east-1" });

  for (let i = 0; i < 3; i++) await assert.rejects(transport.send(remove), PeerSecretRefused);
  await assert.rejects(transport.publicKeyOf("eu-west-1"), PeerSecretRefused);
  const refusals = () => lines.filter((l) => JSON.parse(l).msg === `peer eu-west-1 at ${url} refused our peer secret`);
  assert.equal(refusals().length, 1, lines.join("\n"));
  assert.deepEqual(new Set(peer.claims), new Set(["us-east-1"]), "the sender names itself");

  peer.refusing = false;
  assert.deepEqual(await transport.send(remove), { status: "Removed" });
  peer.refusing = true;
  await assert.rejects(transport.send(remove), PeerSecretRefused);
  assert.equal(refusals().length, 2, "told again after it had worked in between");

  const logged = lines.join("\n");
  assert.doesNotMatch(logged, /Canonical|String-to-Sign|Signature=/);
  assert.ok(!logged.includes(PEER_SECRET));
});

test("a probe resolves when the peer answers, even to refuse, and throws RegionUnreachable when nothing does", async (t) => {
  const { peer, url } = await fakePeer(t);
  const transport = makeHttpTransport({ endpointOf: () => url, peerSecret: PEER_SECRET, log: makeLogger(() => {}) });
  await transport.probe("eu-west-1");
  peer.refusing = false;
  await transport.probe("eu-west-1");

  const closed = makeHttpTransport({ endpointOf: () => "http://127.0.0.1:1", peerSecret: PEER_SECRET, probeTimeoutMs: 1_000 });
  await assert.rejects(closed.probe("eu-west-1"), (e: unknown) => e instanceof RegionUnreachable && !e.answered);
});
