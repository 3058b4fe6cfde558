import { test } from "node:test";
import assert from "node:assert/strict";
import { makeUnreadablePolicyLog, storedResourcePolicy } from "./policy-cache.js";

const GOOD = JSON.stringify({ Statement: { Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" } });

test("a stored policy is handed on parsed, unreadable, or not at all; never dropped when it does not parse", () => {
  assert.equal(storedResourcePolicy(undefined, "kms-key", "k"), undefined);
  const parsed = storedResourcePolicy(GOOD, "kms-key", "k");
  assert.ok(parsed && "document" in parsed);
  assert.deepEqual([parsed.policyId, parsed.kind, parsed.document.statements.length], ["k", "kms-key", 1]);
  assert.deepEqual(storedResourcePolicy("{oops", "resource", "s"), { policyId: "s", kind: "resource", unreadable: "Syntax errors in policy." });
});

test("an unreadable policy is logged once however many requests it denies; each policy once", () => {
  const lines: [string, Record<string, unknown> | undefined][] = [];
  const report = makeUnreadablePolicyLog({ error: (msg, fields) => lines.push([msg, fields]) });
  for (let i = 0; i < 5; i++) {
    report(storedResourcePolicy("{oops", "kms-key", "key-1"));
    report(storedResourcePolicy("{oops", "resource", "secret-1"));
    report(storedResourcePolicy(GOOD, "kms-key", "key-2"));
    report(undefined);
  }
  assert.deepEqual(lines.map(([, f]) => f?.policyId), ["key-1", "secret-1"]);
  assert.match(lines[0]![0], /cannot be parsed/);
  assert.deepEqual(lines[0]![1], { policyId: "key-1", kind: "kms-key", problem: "Syntax errors in policy." });
});
