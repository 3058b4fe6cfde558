// The damage guard on a fake store: damage met by one call becomes the Region's StoreFault for
// that call and every later one, heard once; other errors and the calls that touch no data pass.

import { test } from "node:test";
import assert from "node:assert/strict";
import { guardAgainstDamage } from "./damage-guard.js";
import { StoreFault } from "./store-fault.js";
import type { RegionStore } from "./store.js";

class Corrupt extends Error {}

function fakeStore() {
  const calls: string[] = [];
  let failure: Error | undefined;
  const metrics = {};
  const store = {
    metrics,
    async getMeta(key: string) {
      calls.push(`getMeta ${key}`);
      if (failure) throw failure;
      return `value of ${key}`;
    },
    async putMeta(key: string) {
      calls.push(`putMeta ${key}`);
      if (failure) throw failure;
    },
    whenDurable: () => (calls.push("whenDurable"), undefined),
    async close() {
      calls.push("close");
    },
  } as unknown as RegionStore;
  return { store, calls, metrics, fail: (e: Error | undefined) => void (failure = e) };
}

function guarded() {
  const fake = fakeStore();
  const heard: StoreFault[] = [];
  const store = guardAgainstDamage(fake.store, {
    region: "eu-west-1",
    place: "/data/eu-west-1.sqlite",
    isDamage: (e) => e instanceof Corrupt,
    onFault: (f) => void heard.push(f),
  });
  return { ...fake, store, heard };
}

test("a sound store's calls, and its errors that are not damage, pass through unchanged", async () => {
  const { store, fail, heard, metrics } = guarded();
  assert.equal(await store.getMeta("a"), "value of a");
  const full = new Error("database or disk is full");
  fail(full);
  await assert.rejects(store.getMeta("a"), (e) => e === full);
  fail(undefined);
  assert.equal(await store.getMeta("b"), "value of b", "an error that is not damage takes nothing out");
  assert.deepEqual(heard, []);
  assert.equal(store.metrics, metrics);
});

test("damage is one StoreFault naming the Region and the file, heard once, for that call and every later one", async () => {
  const { store, calls, fail, heard } = guarded();
  fail(new Corrupt("database disk image is malformed"));
  const fault = await store.getMeta("a").then(
    () => assert.fail("resolved"),
    (e: unknown) => e,
  );
  assert.ok(fault instanceof StoreFault);
  assert.equal(fault.message, "Region eu-west-1's store /data/eu-west-1.sqlite is damaged: database disk image is malformed");
  assert.equal(fault.clientMessage, "Region eu-west-1 is out of service: its store is damaged. The operator must restore it from a backup.");
  assert.deepEqual(heard, [fault]);

  fail(undefined); // later calls do not touch the store again, sound as it may look
  calls.length = 0;
  await assert.rejects(store.getMeta("b"), (e) => e === fault);
  await assert.rejects(store.putMeta("c", "v"), (e) => e === fault);
  assert.deepEqual(calls, []);
  assert.deepEqual(heard, [fault], "heard once");

  // what touches no data still runs: syncing what is committed, closing
  assert.equal(store.whenDurable(), undefined);
  await store.close();
  assert.deepEqual(calls, ["whenDurable", "close"]);
});

test("a store that cannot be opened and one that is damaged say so differently to clients", () => {
  const unopenable = new StoreFault("eu-west-1", "/data/eu-west-1.sqlite", false, "unable to open database file");
  assert.equal(unopenable.message, "Region eu-west-1's store /data/eu-west-1.sqlite cannot be opened: unable to open database file");
  assert.equal(unopenable.clientMessage, "Region eu-west-1 is out of service: its store cannot be opened. The operator must repair or restore it.");
  assert.ok(!unopenable.clientMessage.includes("/data"), "a client is never told the file");
});
