import { test } from "node:test";
import assert from "node:assert/strict";
import { makeReportOnce } from "./report-once.js";

test("a subject is news when it starts failing, and again only after it recovered", () => {
  const once = makeReportOnce();
  assert.equal(once.failed("eu-west-1"), true);
  assert.equal(once.failed("eu-west-1"), false);
  assert.equal(once.failed("us-west-2"), true, "each subject on its own");
  once.recovered("eu-west-1");
  assert.equal(once.failed("eu-west-1"), true);
});

test("past `max` failing subjects, the others share one report", () => {
  const once = makeReportOnce(2);
  assert.equal(once.failed("a"), true);
  assert.equal(once.failed("b"), true);
  assert.equal(once.failed("c"), true, "the first of the others is told");
  assert.equal(once.failed("d"), false, "the rest are not: claimed names cannot flood the log");
  assert.equal(once.failed("a"), false);
});
