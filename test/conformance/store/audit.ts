// The audit trail: events appended in batches, queried newest first with filters and positions,
// retention from the oldest end, and the hash chain (audit-chain.ts) the store keeps as it writes,
// which `meridian audit verify` checks through readAuditChain.

import assert from "node:assert/strict";
import { it } from "node:test";
import { GENESIS, verifyChain, type ChainedRow } from "../../../src/contract/audit-chain.js";
import type { RegionStore } from "../../../src/store/store.js";
import type { FreshStore } from "../store-conformance.js";
import { DAY, REGION, T0, auditEvent } from "./fixtures.js";

const ids = (events: { event: { eventID: string } }[]) => events.map((e) => e.event.eventID);

async function verdict(store: Pick<RegionStore, "readAuditChain">) {
  const chain = await store.readAuditChain();
  assert.ok(chain, "a store this code opened keeps a chain");
  return verifyChain(chain.state, chain.rows, REGION);
}

async function eventIds(rows: AsyncIterable<ChainedRow>): Promise<string[]> {
  const out: string[] = [];
  for await (const r of rows) out.push((JSON.parse(r.doc) as { eventID: string }).eventID);
  return out;
}

export function auditConformance(fresh: FreshStore): void {
  it("gives events back newest first, as written, with a position each", async (t) => {
    const { store } = await fresh(t);
    const events = [auditEvent(1), auditEvent(2), auditEvent(3, { readOnly: false, name: "PutSecretValue" })];
    await store.appendAuditEvents(events.slice(0, 2), { relaxed: true });
    await store.appendAuditEvents(events.slice(2));
    await store.appendAuditEvents([]);
    const got = await store.queryAuditEvents({});
    assert.deepEqual(got.map(({ time, event }) => ({ time, event })), [...events].reverse());
    assert.ok(got.every((e) => Number.isInteger(e.seq)));
  });

  it("filters by time (inclusive), principal (part of the ARN or user name), event name (any case), and limit", async (t) => {
    const { store } = await fresh(t);
    await store.appendAuditEvents([
      auditEvent(1, { user: "alice" }),
      auditEvent(2, { user: "bob", name: "PutSecretValue" }),
      auditEvent(3, { user: "alice", name: "PutSecretValue" }),
      auditEvent(4, { user: "carol" }),
    ]);
    assert.deepEqual(ids(await store.queryAuditEvents({ from: T0 + 2000, to: T0 + 3000 })), ["event-3", "event-2"]);
    assert.deepEqual(ids(await store.queryAuditEvents({ principal: "alic" })), ["event-3", "event-1"]);
    assert.deepEqual(ids(await store.queryAuditEvents({ principal: "user/bob" })), ["event-2"]);
    assert.deepEqual(ids(await store.queryAuditEvents({ eventName: "putsecretvalue" })), ["event-3", "event-2"]);
    assert.deepEqual(ids(await store.queryAuditEvents({ eventName: "PutSecret" })), [], "the name is matched whole");
    assert.deepEqual(ids(await store.queryAuditEvents({ eventName: "PutSecretValue", principal: "alice" })), ["event-3"]);
    assert.deepEqual(ids(await store.queryAuditEvents({ limit: 2 })), ["event-4", "event-3"]);
  });

  it("pages from the position of the last event given, every event once, events of the same millisecond included", async (t) => {
    const { store } = await fresh(t);
    const same = T0 + 500;
    await store.appendAuditEvents([auditEvent(1, { time: T0 }), auditEvent(2, { time: same }), auditEvent(3, { time: same }), auditEvent(4, { time: same }), auditEvent(5, { time: T0 + 900 })]);
    const seen: string[] = [];
    let after: { time: number; seq: number } | undefined;
    for (;;) {
      const page = await store.queryAuditEvents({ limit: 2, after });
      seen.push(...ids(page));
      if (page.length < 2) break;
      after = { time: page.at(-1)!.time, seq: page.at(-1)!.seq };
    }
    assert.deepEqual(seen, ["event-5", "event-4", "event-3", "event-2", "event-1"]);
  });

  it("starts a chain at the genesis anchor, and links events in the order they were written, batch after batch", async (t) => {
    const { store } = await fresh(t);
    assert.deepEqual(await verdict(store), { intact: true, events: 0, pruned: 0, head: GENESIS });
    // a batch of reads recorded before a change but arriving with later times than it
    await store.appendAuditEvents([auditEvent(3), auditEvent(1)], { relaxed: true });
    await store.appendAuditEvents([auditEvent(2, { time: T0, readOnly: false })]);
    const v = await verdict(store);
    assert.deepEqual(v.intact && [v.events, v.pruned], [3, 0]);
    const chain = await store.readAuditChain();
    assert.deepEqual(await eventIds(chain!.rows), ["event-3", "event-1", "event-2"]);
  });

  it("reads the chain from one snapshot: what is appended or pruned while its rows stream is not in them", async (t) => {
    const { store } = await fresh(t);
    await store.appendAuditEvents([auditEvent(1, { time: T0 - 100 * DAY }), auditEvent(2), auditEvent(3)]);
    const chain = await store.readAuditChain();
    assert.ok(chain);
    const seen: string[] = [];
    for await (const r of chain.rows) {
      seen.push((JSON.parse(r.doc) as { eventID: string }).eventID);
      if (seen.length === 1) {
        await store.appendAuditEvents([auditEvent(4)]);
        assert.equal(await store.purgeAuditEvents(T0 - 90 * DAY), 1);
      }
    }
    assert.deepEqual(seen, ["event-1", "event-2", "event-3"]);
    const again = await store.readAuditChain();
    assert.deepEqual(await verifyChain(again!.state, again!.rows, REGION), { intact: true, events: 3, pruned: 1, head: again!.state.headHash });
  });

  it("releases the chain's read when a loop over its rows stops early: the store goes on writing", async (t) => {
    const { store } = await fresh(t);
    await store.appendAuditEvents([auditEvent(1), auditEvent(2), auditEvent(3)]);
    for (let i = 0; i < 3; i++) {
      const chain = await store.readAuditChain();
      for await (const _ of chain!.rows) break;
    }
    await store.appendAuditEvents([auditEvent(4)]);
    assert.equal(await store.purgeAuditEvents(T0 + 2000), 1);
    assert.deepEqual((await verdict(store)).intact, true);
  });

  it("an audit reader reads the trail beside the open store, sees later writes, and writes nothing", async (t) => {
    const subject = await fresh(t);
    const { store } = subject;
    const reader = await subject.auditReader();
    await store.appendAuditEvents([auditEvent(1), auditEvent(2, { name: "PutSecretValue", readOnly: false })]);
    assert.deepEqual(ids(await reader.queryAuditEvents({})), ["event-2", "event-1"]);
    assert.deepEqual(ids(await reader.queryAuditEvents({ eventName: "PutSecretValue" })), ["event-2"]);
    assert.deepEqual(await verdict(reader), await verdict(store));
    await store.appendAuditEvents([auditEvent(3)]);
    assert.deepEqual(ids(await reader.queryAuditEvents({ limit: 1 })), ["event-3"]);
    assert.deepEqual((await verdict(reader)).intact && (await verdict(reader)).events, 3);
    await reader.close();
    assert.equal((await store.queryAuditEvents({})).length, 3, "the store is as the reader found it");
  });

  it("retention removes the oldest end of the chain only, and what remains verifies", async (t) => {
    const { store } = await fresh(t);
    const at = (i: number, time: number) => auditEvent(i, { time });
    // written in this order: old, old, new, old (a slow call), new
    await store.appendAuditEvents([at(1, T0 - 100 * DAY), at(2, T0 - 95 * DAY), at(3, T0), at(4, T0 - 99 * DAY), at(5, T0)]);
    assert.equal(await store.purgeAuditEvents(T0 - 90 * DAY), 2);
    const v = await verdict(store);
    assert.deepEqual(v.intact && [v.events, v.pruned], [3, 2]);
    assert.deepEqual(ids(await store.queryAuditEvents({})).sort(), ["event-3", "event-4", "event-5"]);

    await store.appendAuditEvents([at(6, T0 + DAY)]);
    assert.equal(await store.purgeAuditEvents(T0 + 2 * DAY), 4, "everything: the chain is empty, anchored at its last event");
    await store.appendAuditEvents([at(7, T0 + 3 * DAY)]);
    const after = await verdict(store);
    assert.deepEqual(after.intact && [after.events, after.pruned], [1, 6]);
    assert.equal(await store.purgeAuditEvents(T0 - 90 * DAY), 0);
  });

  it("a size bound removes the oldest events until the rest fit, across reopening, and what remains verifies", async (t) => {
    const subject = await fresh(t);
    const events = [1, 2, 3, 4, 5, 6].map((i) => auditEvent(i));
    const bytes = (e: (typeof events)[number]) => Buffer.byteLength(JSON.stringify(e.event));
    await subject.store.appendAuditEvents(events.slice(0, 4));
    const store = await subject.reopen(); // the size is kept with the chain, not counted in memory
    await store.appendAuditEvents(events.slice(4));
    const lastThree = bytes(events[3]!) + bytes(events[4]!) + bytes(events[5]!);
    assert.equal(await store.trimAuditEvents(lastThree + 10 * 1024), 0, "under the bound: nothing goes");
    assert.equal(await store.trimAuditEvents(lastThree), 3);
    assert.deepEqual(ids(await store.queryAuditEvents({})), ["event-6", "event-5", "event-4"]);
    const v = await verdict(store);
    assert.deepEqual(v.intact && [v.events, v.pruned], [3, 3]);
    assert.equal(await store.trimAuditEvents(lastThree - 1), 1, "one byte over: the oldest goes");
    assert.equal(await store.purgeAuditEvents(T0 + 100 * DAY), 2);
    assert.equal(await store.trimAuditEvents(1), 0, "an empty trail has nothing to trim");
  });
}
