// The batcher: the first message leaves at once; what queues while the slots are busy leaves
// together; limits hold; each caller gets its own answer or error.

import { test } from "node:test";
import assert from "node:assert/strict";
import { makeBatcher } from "./batcher.js";

function harness(limits: { slots?: number; maxBytes?: number; maxMessages?: number } = {}) {
  const requests: { dest: string; encoded: string[]; answer(results: (string | Error)[]): void; fail(e: Error): void }[] = [];
  const batcher = makeBatcher<string>({
    slots: limits.slots ?? 1,
    maxBytes: limits.maxBytes ?? 1_000,
    maxMessages: limits.maxMessages ?? 10,
    post: (dest, encoded) => new Promise((answer, fail) => requests.push({ dest, encoded, answer, fail })),
  });
  return { batcher, requests };
}

const tick = () => new Promise((r) => setImmediate(r));

test("a message to an idle destination leaves at once, alone", () => {
  const { batcher, requests } = harness();
  void batcher.send("eu-west-1", "a");
  assert.deepEqual(requests.map((r) => r.encoded), [["a"]]);
});

test("messages queued behind a busy slot leave together, each answered on its own", async () => {
  const { batcher, requests } = harness();
  const a = batcher.send("eu-west-1", "a");
  const b = batcher.send("eu-west-1", "b");
  const c = batcher.send("eu-west-1", "c");
  assert.equal(requests.length, 1);
  requests[0]!.answer(["A"]);
  assert.equal(await a, "A");
  await tick();
  assert.deepEqual(requests[1]!.encoded, ["b", "c"]);
  requests[1]!.answer(["B", new Error("c refused")]);
  assert.equal(await b, "B");
  await assert.rejects(c, /c refused/);
});

test("destinations do not share slots", () => {
  const { batcher, requests } = harness();
  void batcher.send("eu-west-1", "a");
  void batcher.send("us-west-2", "b");
  assert.deepEqual(requests.map((r) => r.dest), ["eu-west-1", "us-west-2"]);
});

test("a batch keeps to the message and byte limits; a message over the byte limit travels alone", async () => {
  const { batcher, requests } = harness({ maxMessages: 2, maxBytes: 5 });
  void batcher.send("r", "first");
  for (const m of ["1", "2", "3", "toolarge", "4"]) void batcher.send("r", m);
  requests[0]!.answer(["ok"]);
  await tick();
  assert.deepEqual(requests[1]!.encoded, ["1", "2"]);
  requests[1]!.answer(["ok", "ok"]);
  await tick();
  assert.deepEqual(requests[2]!.encoded, ["3"], "3 + toolarge is over 5 bytes");
  requests[2]!.answer(["ok"]);
  await tick();
  assert.deepEqual(requests[3]!.encoded, ["toolarge"]);
  requests[3]!.answer(["ok"]);
  await tick();
  assert.deepEqual(requests[4]!.encoded, ["4"]);
});

test("a failed request fails every message in it, and the queue goes on", async () => {
  const { batcher, requests } = harness({ slots: 2 });
  const a = batcher.send("r", "a");
  const b = batcher.send("r", "b");
  const c = batcher.send("r", "c");
  assert.equal(requests.length, 2, "two slots: a and b leave at once");
  requests[0]!.fail(new Error("unreachable"));
  await assert.rejects(a, /unreachable/);
  await tick();
  assert.deepEqual(requests[2]!.encoded, ["c"]);
  requests[1]!.answer(["B"]);
  requests[2]!.answer([]); // an answer short of a message
  assert.equal(await b, "B");
  await assert.rejects(c, /no answer/);
});
