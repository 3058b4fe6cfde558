// Documents (CloudFormation's stacks, change sets, exports): kept by (kind, account, key), read
// back as written, listed in key order per account or for every account, several written and
// removed in one call, and kept across a restart.

import assert from "node:assert/strict";
import { it } from "node:test";
import type { FreshStore } from "../store-conformance.js";
import { ACCOUNT, OTHER_ACCOUNT } from "./fixtures.js";

const stack = (name: string, more: object = {}) => ({ StackName: name, StackStatus: "CREATE_COMPLETE", Tags: [{ Key: "a", Value: "b" }], ...more });

export function documentsConformance(fresh: FreshStore): void {
  it("reads back a document as written, by kind, account and key", async (t) => {
    const { store } = await fresh(t);
    await store.writeDocuments([{ kind: "stack", accountId: ACCOUNT, key: "s1", doc: stack("s1", { Count: 3, Nested: { List: [1, null, "x"] } }) }]);
    assert.deepEqual(await store.getDocument("stack", ACCOUNT, "s1"), stack("s1", { Count: 3, Nested: { List: [1, null, "x"] } }));
    assert.equal(await store.getDocument("stack", OTHER_ACCOUNT, "s1"), undefined, "another account's");
    assert.equal(await store.getDocument("export", ACCOUNT, "s1"), undefined, "another kind's");
    assert.equal(await store.getDocument("stack", ACCOUNT, "s2"), undefined);
  });

  it("lists a kind's documents in key order, per account or for every account", async (t) => {
    const { store } = await fresh(t);
    await store.writeDocuments([
      { kind: "stack", accountId: OTHER_ACCOUNT, key: "b", doc: stack("b") },
      { kind: "stack", accountId: ACCOUNT, key: "c", doc: stack("c") },
      { kind: "stack", accountId: ACCOUNT, key: "a", doc: stack("a") },
      { kind: "export", accountId: ACCOUNT, key: "e", doc: { Name: "e" } },
    ]);
    assert.deepEqual((await store.listDocuments("stack", ACCOUNT)).map((d) => d.key), ["a", "c"]);
    const all = await store.listDocuments("stack");
    assert.deepEqual(all.map((d) => [d.accountId, d.key]), [[ACCOUNT, "a"], [ACCOUNT, "c"], [OTHER_ACCOUNT, "b"]]);
    assert.deepEqual(all[0], { kind: "stack", accountId: ACCOUNT, key: "a", doc: stack("a") });
    assert.deepEqual(await store.listDocuments("changeset", ACCOUNT), []);
  });

  it("replaces and removes documents in one call", async (t) => {
    const { store } = await fresh(t);
    await store.writeDocuments([
      { kind: "stack", accountId: ACCOUNT, key: "a", doc: stack("a") },
      { kind: "export", accountId: ACCOUNT, key: "x", doc: { Value: 1 } },
    ]);
    await store.writeDocuments([{ kind: "stack", accountId: ACCOUNT, key: "a", doc: stack("a", { StackStatus: "UPDATE_COMPLETE" }) }], [{ kind: "export", accountId: ACCOUNT, key: "x" }]);
    assert.deepEqual(await store.getDocument("stack", ACCOUNT, "a"), stack("a", { StackStatus: "UPDATE_COMPLETE" }));
    assert.equal(await store.getDocument("export", ACCOUNT, "x"), undefined);
    await store.writeDocuments([], [{ kind: "export", accountId: ACCOUNT, key: "never-written" }]); // a no-op
  });

  it("keeps documents across a restart of the store", async (t) => {
    const subject = await fresh(t);
    await subject.store.writeDocuments([{ kind: "stack", accountId: ACCOUNT, key: "a", doc: stack("a") }]);
    await subject.store.whenDurable();
    const store = await subject.reopen();
    assert.deepEqual(await store.getDocument("stack", ACCOUNT, "a"), stack("a"));
  });
}
