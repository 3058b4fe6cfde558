// The README markers: a block is skipped only when marked so, and a mistyped marker is an error.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readmeBlocks } from "./readme-blocks.js";

const fence = "```";

test("shell fences become blocks in order, exactly as written; other fences do not", () => {
  const md = [`${fence}text`, `${fence}sh`, "  export X=1", `${fence}`, "", `${fence}sh`, "echo $X", "", `${fence}`, "", `${fence}js`, "x()", `${fence}`].join("\n");
  const blocks = readmeBlocks(md);
  assert.deepEqual(
    blocks.map((b) => [b.index, b.line, b.code, b.skip, b.serve]),
    [[1, 6, "echo $X\n\n", undefined, false]],
    "the ```text fence swallows the ```sh line inside it",
  );
  const plain = readmeBlocks([`${fence}sh`, "a", `${fence}`, `${fence}bash`, "b", `${fence}`].join("\n"));
  assert.deepEqual(plain.map((b) => b.code), ["a\n", "b\n"]);
});

test("markers: skip with its reason, serve and needs; blank lines between marker and fence allowed", () => {
  const md = [
    "<!-- readme-test: skip — needs AWS, really -->",
    `${fence}sh`, "a", `${fence}`,
    "<!-- readme-test: serve, needs softhsm2-util, needs /usr/lib/x.so -->", "",
    `${fence}sh`, "b", `${fence}`,
    "<!-- not a marker -->",
    `${fence}sh`, "c", `${fence}`,
  ].join("\n");
  const [a, b, c] = readmeBlocks(md);
  assert.equal(a!.skip, "needs AWS, really");
  assert.deepEqual([b!.skip, b!.serve, b!.needs], [undefined, true, ["softhsm2-util", "/usr/lib/x.so"]]);
  assert.deepEqual([c!.skip, c!.serve, c!.needs], [undefined, false, []]);
});

test("a mistyped marker, a skip without reason or an unclosed fence is an error", () => {
  assert.throws(() => readmeBlocks(`<!-- readme-test: skpi — x -->\n${fence}sh\na\n${fence}\n`), /unknown readme-test directive 'skpi — x'/);
  assert.throws(() => readmeBlocks(`<!-- readme-test: skip -->\n${fence}sh\na\n${fence}\n`), /needs a reason/);
  assert.throws(() => readmeBlocks(`${fence}sh\na\n`), /never closed/);
});
