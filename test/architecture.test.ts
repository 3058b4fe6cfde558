// The layering of src/ (docs/architecture.md), checked by scripts/check-layers.ts: no import cycle
// between folders, no upward import that the script's table does not list with a reason, and the
// page a newcomer reads names every layer folder and every listed exception.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  ALLOWED_UPWARD,
  LAYERS,
  checkLayers,
  defaultSrcDir,
  describeFailures,
  readImportGraph,
  type ImportEdge,
} from "../scripts/check-layers.js";

test("src/ has no import cycle between folders and no unlisted upward import", () => {
  const edges = readImportGraph(defaultSrcDir());
  assert.ok(edges.length > 100, `only ${edges.length} imports read: is the graph read from the right place?`);
  const report = checkLayers(edges);
  assert.deepEqual(describeFailures(report, edges), []);
});

test("the contract layer imports nothing of the project's but itself", () => {
  const edges = readImportGraph(defaultSrcDir()).filter((e) => e.from.startsWith("contract/"));
  assert.ok(edges.length > 0);
  assert.deepEqual(edges.filter((e) => !e.to.startsWith("contract/")), []);
});

const LAYERS3 = [
  { name: "low", folders: ["a"] },
  { name: "mid", folders: ["b", "c"] },
  { name: "high", folders: ["d"] },
];
const edge = (from: string, to: string): ImportEdge => ({ from, to });

test("the check fails on a cycle between folders, even within one layer", () => {
  const report = checkLayers([edge("b/x.ts", "c/y.ts"), edge("c/y.ts", "b/z.ts"), edge("d/w.ts", "a/v.ts")], LAYERS3, []);
  assert.deepEqual(report.cycles, [["b", "c"]]);
  assert.deepEqual(report.unlisted, []);
});

test("the check fails on an upward import unless listed, and on a listed one that no longer exists", () => {
  const edges = [edge("a/v.ts", "d/w.ts"), edge("d/w.ts", "b/x.ts")];
  const unlisted = checkLayers(edges, LAYERS3, []);
  assert.deepEqual(unlisted.unlisted, [edge("a/v.ts", "d/w.ts")]);
  // a -> d and d -> b -> nothing: no cycle, only the upward import
  assert.deepEqual(unlisted.cycles, []);
  const listed = checkLayers(edges, LAYERS3, [{ from: "a/v.ts", to: "d/w.ts" }]);
  assert.deepEqual(describeFailures(listed, edges), []);
  const stale = checkLayers([edge("d/w.ts", "b/x.ts")], LAYERS3, [{ from: "a/v.ts", to: "d/w.ts" }]);
  assert.equal(describeFailures(stale, edges).length, 1);
});

test("the check fails on a folder placed in no layer", () => {
  const report = checkLayers([edge("a/v.ts", "e/u.ts")], LAYERS3, []);
  assert.deepEqual(report.unplaced, ["e"]);
});

test("docs/architecture.md names every layer folder and every listed upward import", () => {
  const doc = readFileSync(resolve(defaultSrcDir(), "..", "docs", "architecture.md"), "utf8");
  for (const layer of LAYERS) for (const folder of layer.folders) assert.ok(doc.includes(folder), `docs/architecture.md does not name ${folder}`);
  for (const e of ALLOWED_UPWARD) {
    assert.ok(doc.includes(e.from) && doc.includes(e.to), `docs/architecture.md does not list ${e.from} -> ${e.to}`);
  }
});
