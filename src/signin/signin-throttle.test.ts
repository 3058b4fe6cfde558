import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSignInThrottle, USER_RULE, SOURCE_RULE } from "./signin-throttle.js";

test("free failures, then waits that double up to the ceiling; a success clears the user's count only", () => {
  let now = 1_000_000;
  const t = makeSignInThrottle({ now: () => now });
  const user = ["user:bob", USER_RULE] as const;
  const source = ["source:10.0.0.1", SOURCE_RULE] as const;
  for (let i = 0; i < 3; i++) t.failed([user, source]);
  assert.equal(t.waitFor(["user:bob"]), 0);
  t.failed([user, source]);
  assert.equal(t.waitFor(["user:bob"]), 1000);
  t.failed([user, source]);
  assert.equal(t.waitFor(["user:bob", "source:10.0.0.1"]), 2000);
  now += 1500;
  assert.equal(t.waitFor(["user:bob"]), 500);
  for (let i = 0; i < 20; i++) t.failed([user]);
  assert.equal(t.waitFor(["user:bob"]), USER_RULE.maxMs);
  t.succeeded("user:bob");
  assert.equal(t.waitFor(["user:bob"]), 0);
  // five failures from the source so far: free up to ten
  assert.equal(t.waitFor(["source:10.0.0.1"]), 0);
  for (let i = 0; i < 6; i++) t.failed([source]);
  assert.equal(t.waitFor(["source:10.0.0.1"]), 1000);
});
