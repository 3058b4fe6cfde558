// The graph runner: a step waits for its dependencies, independent steps run at once, and after a
// failure nothing new starts while running steps finish.

import assert from "node:assert/strict";
import { it } from "node:test";
import { reversed, runGraph } from "./run-graph.js";

const graph = new Map<string, Set<string>>([
  ["key", new Set()],
  ["user", new Set()],
  ["secret", new Set(["key"])],
  ["policy", new Set(["secret", "user"])],
]);

it("runs each step after its dependencies, independent ones concurrently", async () => {
  const order: string[] = [];
  let running = 0;
  let most = 0;
  const result = await runGraph(graph, async (id) => {
    running++;
    most = Math.max(most, running);
    order.push(`start ${id}`);
    await new Promise((r) => setImmediate(r));
    order.push(`end ${id}`);
    running--;
  });
  assert.deepEqual(result, { done: ["key", "user", "secret", "policy"] });
  assert.equal(most, 2, "key and user at once");
  assert.ok(order.indexOf("start secret") > order.indexOf("end key"));
  assert.ok(order.indexOf("start policy") > order.indexOf("end secret"));
});

it("starts nothing after a failure, and reports it", async () => {
  const started: string[] = [];
  const result = await runGraph(graph, async (id) => {
    started.push(id);
    if (id === "key") throw new Error("no key");
  });
  assert.deepEqual(started.sort(), ["key", "user"]);
  assert.equal(result.failure?.id, "key");
  assert.deepEqual(result.done, ["user"]);
});

it("turns the graph around for deletion: dependents first", () => {
  assert.deepEqual(
    [...reversed(graph, ["key", "secret", "policy"])].map(([id, deps]) => [id, [...deps]]),
    [
      ["key", ["secret"]],
      ["secret", ["policy"]],
      ["policy", []],
    ],
  );
});
