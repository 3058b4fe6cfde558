// Named locks (issue 11 item 4): a background job runs under a lock taken through the store, so it
// runs once across the nodes sharing the store. Exclusive while it lasts, renewable by its holder,
// free again when released or when its TTL runs out (the holder died).

import assert from "node:assert/strict";
import { it } from "node:test";
import type { FreshStore } from "../store-conformance.js";
import { T0 } from "./fixtures.js";

const TTL = 10_000;

export function locksConformance(fresh: FreshStore): void {
  it("gives a free lock to one owner, and not to another while it lasts", async (t) => {
    const { store } = await fresh(t);
    const [a, b] = await Promise.all([store.tryLock("rotation", "node-a", TTL, T0), store.tryLock("rotation", "node-b", TTL, T0)]);
    assert.deepEqual([a, b], [true, false], "exactly one of two callers at once");
    assert.equal(await store.tryLock("rotation", "node-b", TTL, T0 + TTL - 1), false);
    assert.equal(await store.tryLock("deletion", "node-b", TTL, T0), true, "locks are per name");
  });

  it("hands an expired lock (its holder died) to another owner", async (t) => {
    const { store } = await fresh(t);
    assert.equal(await store.tryLock("rotation", "node-a", TTL, T0), true);
    assert.equal(await store.tryLock("rotation", "node-b", TTL, T0 + TTL), true);
    assert.equal(await store.tryLock("rotation", "node-a", TTL, T0 + TTL + 1), false, "the old holder lost it");
  });

  it("lets the holder renew its lock, the TTL running from the renewal", async (t) => {
    const { store } = await fresh(t);
    assert.equal(await store.tryLock("rotation", "node-a", TTL, T0), true);
    assert.equal(await store.tryLock("rotation", "node-a", TTL, T0 + 5_000), true);
    assert.equal(await store.tryLock("rotation", "node-b", TTL, T0 + TTL), false, "still held after the first TTL");
    assert.equal(await store.tryLock("rotation", "node-b", TTL, T0 + 5_000 + TTL), true);
  });

  it("frees a lock its holder releases; another owner's release leaves it held", async (t) => {
    const { store } = await fresh(t);
    assert.equal(await store.tryLock("rotation", "node-a", TTL, T0), true);
    await store.releaseLock("rotation", "node-b");
    assert.equal(await store.tryLock("rotation", "node-b", TTL, T0 + 1), false);
    await store.releaseLock("rotation", "node-a");
    assert.equal(await store.tryLock("rotation", "node-b", TTL, T0 + 2), true);
    await store.releaseLock("never-taken", "node-a"); // a no-op, not an error
  });

  it("keeps a lock across a restart of the store and a permissive-mode wipe", async (t) => {
    const subject = await fresh(t);
    assert.equal(await subject.store.tryLock("rotation", "node-a", TTL, T0), true);
    await subject.store.wipe();
    await subject.store.whenDurable();
    const store = await subject.reopen();
    assert.equal(await store.tryLock("rotation", "node-b", TTL, T0 + 1), false);
  });
}
