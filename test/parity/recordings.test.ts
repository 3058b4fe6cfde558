// A missing AWS recording skips the parity suites on a developer's machine and fails them in CI.

import { test } from "node:test";
import assert from "node:assert/strict";
import { inCi, whenMissing } from "./recordings.js";

test("a missing recording is a skip outside CI and a failure with its reason in CI", () => {
  const path = "/nowhere/kms.snapshot.json";
  assert.deepEqual(whenMissing(path, {}), { skip: `reference snapshot not found at ${path}` });
  assert.deepEqual(whenMissing(path, { CI: "false" }), { skip: `reference snapshot not found at ${path}` });
  const ci = whenMissing(path, { CI: "true" });
  assert.ok("fail" in ci);
  assert.match(ci.fail, /^reference snapshot not found at \/nowhere\/kms\.snapshot\.json: in CI/);
});

test("CI is any value of CI but empty, false and 0", () => {
  for (const CI of ["true", "1", "yes"]) assert.equal(inCi({ CI }), true, CI);
  for (const CI of [undefined, "", "false", "0"]) assert.equal(inCi(CI === undefined ? {} : { CI }), false, String(CI));
});
