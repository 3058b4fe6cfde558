// Label moves and version pruning as pure functions; the same moves through the API are in
// test/e2e/secrets-stages.test.ts and secrets-versions.test.ts.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addVersion,
  CURRENT,
  labelCount,
  moveLabel,
  PENDING,
  PREVIOUS,
  pruneVersions,
  removeLabel,
  versionWithLabel,
} from "./labels.js";
import type { VersionMeta } from "../contract/secret-types.js";

const v = (versionId: string, stages: string[] = [], createdDate = 0): VersionMeta => ({ versionId, stages, createdDate });
const stagesOf = (versions: VersionMeta[]) => Object.fromEntries(versions.map((x) => [x.versionId, x.stages]));

test("the first version gets AWSCURRENT even when other labels are asked for", () => {
  assert.deepEqual(stagesOf(addVersion([], v("a"), [CURRENT])), { a: [CURRENT] });
  assert.deepEqual(stagesOf(addVersion([], v("a"), [PENDING, "mine"])), { a: [CURRENT, PENDING, "mine"] });
});

test("a new AWSCURRENT version pushes the old one to AWSPREVIOUS and deprecates the older previous", () => {
  let versions = addVersion([], v("a"), [CURRENT]);
  versions = addVersion(versions, v("b"), [CURRENT]);
  assert.deepEqual(stagesOf(versions), { a: [PREVIOUS], b: [CURRENT] });
  versions = addVersion(versions, v("c"), [CURRENT]);
  assert.deepEqual(stagesOf(versions), { a: [], b: [PREVIOUS], c: [CURRENT] });
});

test("a version added with other labels leaves AWSCURRENT where it is and takes its labels from other versions", () => {
  let versions = addVersion([v("a", [CURRENT])], v("b"), ["one", "two", "three"]);
  assert.deepEqual(stagesOf(versions), { a: [CURRENT], b: ["one", "three", "two"] });
  versions = addVersion(versions, v("c"), ["one", "two", "four"]);
  assert.deepEqual(stagesOf(versions), { a: [CURRENT], b: ["three"], c: ["four", "one", "two"] });
});

test("a new AWSCURRENT version takes AWSPENDING off the version that held both, keeping its custom labels", () => {
  const versions = addVersion([v("a", [PREVIOUS]), v("b", [CURRENT, PENDING, "keep"])], v("c"), [CURRENT]);
  assert.deepEqual(stagesOf(versions), { a: [], b: [PREVIOUS, "keep"], c: [CURRENT] });
});

test("AWSPENDING on another version is left alone when AWSCURRENT moves to a new version", () => {
  const versions = addVersion([v("a", [CURRENT]), v("b", [PENDING])], v("c"), [CURRENT]);
  assert.deepEqual(stagesOf(versions), { a: [PREVIOUS], b: [PENDING], c: [CURRENT] });
});

test("a new version asking for AWSCURRENT and AWSPENDING takes both", () => {
  const versions = addVersion([v("a", [CURRENT, PENDING])], v("b"), [CURRENT, PENDING]);
  assert.deepEqual(stagesOf(versions), { a: [PREVIOUS], b: [CURRENT, PENDING] });
});

test("moving AWSCURRENT onto the pending version keeps AWSPENDING there (the end of a rotation)", () => {
  const versions = moveLabel([v("a", [CURRENT]), v("b", [PENDING, "PUT1"])], CURRENT, "b");
  assert.deepEqual(stagesOf(versions), { a: [PREVIOUS], b: [CURRENT, PENDING, "PUT1"] });
});

test("moving AWSCURRENT back to the previous version swaps the two labels", () => {
  const versions = moveLabel([v("a", [PREVIOUS]), v("b", [CURRENT])], CURRENT, "a");
  assert.deepEqual(stagesOf(versions), { a: [CURRENT], b: [PREVIOUS] });
});

test("moving AWSCURRENT drops AWSPREVIOUS from the version that had it, keeping that version's other labels", () => {
  const versions = moveLabel([v("a", [PREVIOUS, "PUT0"]), v("b", [CURRENT, "PUT1"]), v("c", [PENDING])], CURRENT, "c");
  assert.deepEqual(stagesOf(versions), { a: ["PUT0"], b: [PREVIOUS, "PUT1"], c: [CURRENT, PENDING] });
});

test("moving a custom label takes it off its holder and touches nothing else", () => {
  const before = [v("a", [CURRENT, "blue"]), v("b", [PREVIOUS])];
  assert.deepEqual(stagesOf(moveLabel(before, "blue", "b")), { a: [CURRENT], b: ["blue", PREVIOUS].sort() });
});

test("moving a label to the version that already has it changes nothing", () => {
  const before = [v("a", [CURRENT]), v("b", [PREVIOUS])];
  assert.equal(moveLabel(before, CURRENT, "a"), before);
});

test("removeLabel takes the label off that version only", () => {
  const versions = removeLabel([v("a", [CURRENT, "x"]), v("b", ["y"])], "x", "a");
  assert.deepEqual(stagesOf(versions), { a: [CURRENT], b: ["y"] });
});

test("versionWithLabel and labelCount", () => {
  const versions = [v("a", [CURRENT, "x"]), v("b", [PREVIOUS, "x2"]), v("c")];
  assert.equal(versionWithLabel(versions, PREVIOUS)?.versionId, "b");
  assert.equal(versionWithLabel(versions, PENDING), undefined);
  assert.equal(labelCount(versions), 4);
});

test("pruneVersions drops the oldest unlabeled versions down to the limit", () => {
  const versions = [v("a", [], 1), v("b", [], 2), v("c", [PREVIOUS], 3), v("d", [], 4), v("e", [CURRENT], 5)];
  const { kept, dropped } = pruneVersions(versions, 3);
  assert.deepEqual(dropped, ["a", "b"]);
  assert.deepEqual(kept.map((x) => x.versionId), ["c", "d", "e"]);
  assert.deepEqual(pruneVersions(versions, 5), { kept: versions, dropped: [] });
});

test("pruneVersions never drops a labeled version, even past the limit", () => {
  const versions = [v("a", [PREVIOUS], 1), v("b", ["x"], 2), v("c", [CURRENT], 3)];
  const { kept, dropped } = pruneVersions(versions, 2);
  assert.deepEqual(dropped, []);
  assert.equal(kept.length, 3);
});

test("pruneVersions keeps unlabeled versions created after the cut-off", () => {
  const versions = [v("a", [], 10), v("b", [], 20), v("c", [], 30), v("d", [CURRENT], 40)];
  const { kept, dropped } = pruneVersions(versions, 2, 15);
  assert.deepEqual(dropped, ["a"]);
  assert.deepEqual(kept.map((x) => x.versionId), ["b", "c", "d"]);
});
