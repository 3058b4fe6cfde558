// The replication endpoints other processes call: only peers signing with the deployment's peer
// secret get in; a batch is a JSON array of messages for the Region it is signed for, each answered
// on its own; malformed bodies get errors, never a crash. A peer signing with another secret is
// logged once (issue 12 item 11), as a wrong peer secret, without the canonical request.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "../../src/server.js";
import { PEER_HEADER, PEER_REFUSAL_HEADER, signPeerRequest } from "../../src/replication/peer-auth.js";
import { REPLICATION_BATCH_PATH, REPLICATION_PATH, type BatchAnswer } from "../../src/replication/http-transport.js";
import { ACCOUNT_ID, testEnv } from "../support/meridian.js";
import { makeLogger } from "../../src/util/logger.js";

const PEER_SECRET = "peer-routes-test-secret";
const dataDir = mkdtempSync(join(tmpdir(), "meridian-peer-routes-"));
let server: RunningServer;
const logs: string[] = [];

before(async () => {
  server = await startServer({
    host: "127.0.0.1", port: 0, dataDir, auth: "strict", accountId: ACCOUNT_ID, regions: ["us-east-1", "eu-west-1"],
    env: testEnv(), log: makeLogger((line) => logs.push(line)), peerSecret: PEER_SECRET,
  });
});
after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(path: string, body: string, opts: { region?: string; secret?: string; signed?: boolean; peer?: string } = {}) {
  const url = new URL(path, server.url);
  const headers: Record<string, string> = opts.signed === false
    ? { "content-type": "application/json" }
    : await signPeerRequest(url, opts.region ?? "eu-west-1", opts.secret ?? PEER_SECRET, body);
  if (opts.peer) headers[PEER_HEADER] = opts.peer;
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text || "null") as unknown, text, refusal: response.headers.get(PEER_REFUSAL_HEADER) };
}

const remove = (dest: string, name: string) => ({
  kind: "remove", source: "us-east-1", dest, accountId: ACCOUNT_ID, primaryArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:${name}-AbCdEf`,
});

test("unsigned requests and requests signed with another secret are refused", async () => {
  const body = JSON.stringify([remove("eu-west-1", "a")]);
  const unsigned = await post(REPLICATION_BATCH_PATH, body, { signed: false });
  assert.equal(unsigned.status, 400);
  assert.equal((unsigned.json as { __type: string }).__type, "MissingAuthenticationTokenException");
  const forged = await post(REPLICATION_BATCH_PATH, body, { secret: "not-the-peer-secret" });
  assert.equal(forged.status, 400);
  assert.equal((forged.json as { __type: string }).__type, "InvalidSignatureException");
});

test("a batch is answered message by message, in order", async () => {
  const bogus = { kind: "bogus", source: "us-east-1", dest: "eu-west-1", accountId: ACCOUNT_ID };
  const answer = await post(REPLICATION_BATCH_PATH, JSON.stringify([remove("eu-west-1", "a"), bogus, remove("eu-west-1", "b")]));
  assert.equal(answer.status, 200);
  const answers = answer.json as BatchAnswer[];
  assert.equal(answers.length, 3);
  assert.ok("outcome" in answers[0]! && "outcome" in answers[2]!, JSON.stringify(answers));
  assert.deepEqual(answers[1], { error: "Unknown replication message kind 'bogus'.", unreachable: false });
});

test("malformed bodies and misaddressed messages get errors, and nothing is applied", async () => {
  const notJson = await post(REPLICATION_BATCH_PATH, "{not json");
  assert.equal(notJson.status, 400);
  assert.match(JSON.stringify(notJson.json), /SerializationException/);

  const notArray = await post(REPLICATION_BATCH_PATH, JSON.stringify(remove("eu-west-1", "a")));
  assert.equal(notArray.status, 400);
  assert.match(JSON.stringify(notArray.json), /SerializationException/);

  const misaddressed = await post(REPLICATION_BATCH_PATH, JSON.stringify([remove("eu-west-1", "a"), remove("us-east-1", "b")]));
  assert.equal(misaddressed.status, 400);
  assert.match(JSON.stringify(misaddressed.json), /not addressed to the Region it was signed for/);

  const single = await post(REPLICATION_PATH, JSON.stringify(remove("us-east-1", "a")));
  assert.equal(single.status, 400);

  const nulls = await post(REPLICATION_BATCH_PATH, JSON.stringify([null]));
  assert.equal(nulls.status, 400);

  const health = await fetch(new URL("/_meridian/health", server.url));
  assert.equal(health.status, 200, "the server is still up");
});

test("a wrong peer secret is logged once per claimed peer, again only after it got in, never with the canonical request", async () => {
  const body = JSON.stringify([remove("eu-west-1", "a")]);
  const reports = (peer: string) =>
    logs.filter((l) => JSON.parse(l).msg === `a request claiming to be peer ${peer} (127.0.0.1) failed authentication: wrong peer secret`);
  for (let i = 0; i < 3; i++) {
    const refused = await post(REPLICATION_BATCH_PATH, body, { secret: "not-the-peer-secret", peer: "us-west-2" });
    assert.equal(refused.status, 400);
    assert.equal((refused.json as { __type: string }).__type, "InvalidSignatureException");
    assert.equal(refused.refusal, "peer-secret", "the sender can tell a wrong secret from other refusals");
    assert.doesNotMatch(refused.text, /Canonical|String-to-Sign/, "nothing a peer could log about the request");
  }
  assert.equal(reports("us-west-2").length, 1, logs.join("\n"));

  await post(REPLICATION_BATCH_PATH, body, { secret: "not-the-peer-secret", peer: "ap-south-1" });
  assert.equal(reports("ap-south-1").length, 1, "each claimed peer has its own report");

  assert.equal((await post(REPLICATION_BATCH_PATH, body, { peer: "us-west-2" })).status, 200);
  await post(REPLICATION_BATCH_PATH, body, { secret: "not-the-peer-secret", peer: "us-west-2" });
  assert.equal(reports("us-west-2").length, 2, "told again after the peer got in in between");

  const logged = logs.join("\n");
  assert.doesNotMatch(logged, /Canonical|String-to-Sign|Signature=/);
  assert.ok(!logged.includes("not-the-peer-secret") && !logged.includes(PEER_SECRET));
});
