// The opt-in state machine against in-memory stores: transitions fall due by the injected clock
// (setTimeout mocked), copy or withdraw the account's identity data, survive a restart, and retry.

import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultTopology, findRegion } from "../config/topology.js";
import type { AccessKeyRecord } from "../contract/identity-types.js";
import type { RegionWrapper } from "../kms/root-key.js";
import { makeLogger } from "../util/logger.js";
import { makeRegionOptIns } from "./region-opt-ins.js";

const ACCOUNT = "123456789012";
const afSouth = findRegion(defaultTopology, "af-south-1")!;

function fakeRegion(name: string) {
  const meta = new Map<string, string>();
  const keys = new Map<string, AccessKeyRecord>();
  const wrapper: RegionWrapper = {
    wrap: (p, context) => Buffer.concat([Buffer.from(`${name}|${context}|`), p]),
    unwrap: (w, context) => {
      const prefix = Buffer.from(`${name}|${context}|`);
      assert.ok(w.subarray(0, prefix.length).equals(prefix), `wrapped for ${name} under ${context}`);
      return Buffer.from(w.subarray(prefix.length));
    },
    checkValue: () => name,
  };
  let failPuts = 0;
  const store = {
    getMeta: async (k: string) => meta.get(k),
    putMeta: async (k: string, v: string) => void meta.set(k, v),
    listMeta: async (prefix: string) => [...meta].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)),
    getAccessKey: async (id: string) => keys.get(id),
    listAccessKeys: async () => [...keys.values()],
    putAccessKey: async (k: AccessKeyRecord) => {
      if (failPuts > 0 && failPuts--) throw new Error("disk full");
      keys.set(k.accessKeyId, k);
    },
  };
  return { store, wrapper, keys, failNextPuts: (n: number) => (failPuts = n) };
}

function setup(now: { value: number }, regions = { home: fakeRegion("us-east-1"), target: fakeRegion("af-south-1") }) {
  const { home, target } = regions;
  if (home.keys.size === 0) {
    for (const [id, account] of [["AKIAHOMEKEY000000001", ACCOUNT], ["AKIAOTHERACCOUNT0001", "210987654321"]] as const) {
      home.keys.set(id, {
        accessKeyId: id,
        accountId: account,
        principalArn: `arn:aws:iam::${account}:root`,
        wrappedSecret: home.wrapper.wrap(Buffer.from(`secret-of-${id}`), `access-key:${id}`),
        status: "Active",
        createdDate: 0,
      });
    }
  }
  const optIns = makeRegionOptIns({
    topology: defaultTopology,
    homeOf: (p) => (p === "aws" ? home : undefined),
    holderOf: (r) => (r === "af-south-1" ? target : undefined),
    clock: { now: () => now.value },
    delayMs: 20,
    log: makeLogger(() => {}),
  });
  return { optIns, home, target, regions };
}

/** Lets the promise chains a fired timer started run to their end. */
async function flush() {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

test("ENABLING until the delay has passed by the clock, then ENABLED in the background with the account's keys copied", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const now = { value: 1_000 };
  const { optIns, target } = setup(now);
  assert.equal(await optIns.status(ACCOUNT, afSouth), "DISABLED");
  assert.equal(await optIns.isEnabled(ACCOUNT, "af-south-1"), false);

  await optIns.enable(ACCOUNT, afSouth);
  assert.equal(await optIns.status(ACCOUNT, afSouth), "ENABLING");
  t.mock.timers.tick(20); // the timer fires, but the clock has not moved: not due yet
  await flush();
  assert.equal(await optIns.status(ACCOUNT, afSouth), "ENABLING");
  assert.equal(await optIns.isEnabled(ACCOUNT, "af-south-1"), false);

  now.value += 20;
  t.mock.timers.tick(20);
  await flush();
  assert.equal(await optIns.status(ACCOUNT, afSouth), "ENABLED");
  assert.equal(await optIns.isEnabled(ACCOUNT, "af-south-1"), true);
  // Only this account's keys, wrapped again under the target Region's key.
  assert.deepEqual([...target.keys.keys()], ["AKIAHOMEKEY000000001"]);
  const copied = target.keys.get("AKIAHOMEKEY000000001")!;
  assert.equal(target.wrapper.unwrap(copied.wrappedSecret, "access-key:AKIAHOMEKEY000000001").toString(), "secret-of-AKIAHOMEKEY000000001");
  await optIns.close();
});

test("disabling: usable while DISABLING, then DISABLED with the copied keys inactive and the home Region's untouched", async () => {
  const now = { value: 0 };
  const { optIns, home, target } = setup(now);
  await optIns.enable(ACCOUNT, afSouth);
  await optIns.settle();
  await optIns.disable(ACCOUNT, afSouth);
  assert.equal(await optIns.status(ACCOUNT, afSouth), "DISABLING");
  assert.equal(await optIns.isEnabled(ACCOUNT, "af-south-1"), true);
  await optIns.settle();
  assert.equal(await optIns.status(ACCOUNT, afSouth), "DISABLED");
  assert.equal(await optIns.isEnabled(ACCOUNT, "af-south-1"), false);
  assert.equal(target.keys.get("AKIAHOMEKEY000000001")?.status, "Inactive");
  assert.equal(home.keys.get("AKIAHOMEKEY000000001")?.status, "Active");
  await optIns.close();
});

test("a transition a previous run left under way completes after the restart", async () => {
  const now = { value: 0 };
  const first = setup(now);
  await first.optIns.enable(ACCOUNT, afSouth);
  await first.optIns.close(); // stopped before the transition fell due

  const second = setup(now, first.regions);
  await second.optIns.resume();
  await second.optIns.settle();
  assert.equal(await second.optIns.status(ACCOUNT, afSouth), "ENABLED");
  assert.ok(second.target.keys.has("AKIAHOMEKEY000000001"));
  await second.optIns.close();
});

test("a copy that fails leaves the Region ENABLING and is tried again", async () => {
  const now = { value: 0 };
  const { optIns, target } = setup(now);
  target.failNextPuts(1);
  await optIns.enable(ACCOUNT, afSouth);
  await optIns.settle();
  assert.equal(await optIns.status(ACCOUNT, afSouth), "ENABLING");
  await optIns.settle();
  assert.equal(await optIns.status(ACCOUNT, afSouth), "ENABLED");
  await optIns.close();
});

test("Regions enabled by default are ENABLED_BY_DEFAULT and always usable", async () => {
  const { optIns } = setup({ value: 0 });
  assert.equal(await optIns.status(ACCOUNT, findRegion(defaultTopology, "eu-west-1")!), "ENABLED_BY_DEFAULT");
  assert.equal(await optIns.isEnabled(ACCOUNT, "us-gov-west-1"), true);
  assert.equal(await optIns.isEnabled(ACCOUNT, "xx-nowhere-1"), false);
  await optIns.close();
});
