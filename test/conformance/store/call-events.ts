// A call's audit event commits with its change (src/store/call-events.ts, issue 12 item 2): the
// first durable write a call makes in its Region's store writes the event in the same transaction;
// a write that fails leaves it to be written (by a retry, or by the edge); bookkeeping, side
// effects and other Regions' stores never take it.

import assert from "node:assert/strict";
import { it } from "node:test";
import { asSideEffect, withPendingEvent, type PendingCallEvent } from "../../../src/store/call-events.js";
import { StoreConflict, type RegionStore } from "../../../src/store/store.js";
import type { FreshStore } from "../store-conformance.js";
import { REGION, T0, auditEvent, key, secret, sealed } from "./fixtures.js";

/** A call's pending event; each take builds it anew (event-1, event-2, …), as the audit trail does. */
function pending(region = REGION): PendingCallEvent {
  let builds = 0;
  let taken = false;
  return {
    region,
    closed: false,
    get taken() {
      return taken;
    },
    take() {
      taken = true;
      return [auditEvent(++builds, { readOnly: false, name: "CreateSecret" })];
    },
    putBack() {
      taken = false;
    },
  };
}

const names = async (store: RegionStore) => (await store.queryAuditEvents({})).map((e) => e.event.eventID);

export function callEventsConformance(fresh: FreshStore): void {
  it("the first durable write of a call commits its event, once", async (t) => {
    const { store } = await fresh(t);
    const p = pending();
    await withPendingEvent(p, async () => {
      await store.commitSecret({ record: secret("app/a"), expectedRevision: 0, putValues: [sealed("v1")] });
      await store.putKey(key(1)); // a second write: the event is already written
    });
    assert.equal(p.taken, true);
    assert.deepEqual(await names(store), ["event-1"]);
  });

  it("a write that fails keeps the event for the next attempt", async (t) => {
    const { store } = await fresh(t);
    await store.commitSecret({ record: secret("app/a"), expectedRevision: 0 });
    const p = pending();
    await withPendingEvent(p, async () => {
      await assert.rejects(store.commitSecret({ record: secret("app/a", { revision: 2 }), expectedRevision: 5 }), StoreConflict);
      assert.equal(p.taken, false);
      assert.deepEqual(await names(store), []);
      await store.commitSecret({ record: secret("app/a", { revision: 2 }), expectedRevision: 1 });
    });
    assert.equal(p.taken, true);
    assert.deepEqual(await names(store), ["event-1"]); // built when the change commits, not before
  });

  it("bookkeeping, side effects, another Region's store and a closed call take no event", async (t) => {
    const { store } = await fresh(t);
    await store.commitSecret({ record: secret("app/a"), expectedRevision: 0 });
    const elsewhere = pending("eu-west-1");
    await withPendingEvent(elsewhere, () => store.putKey(key(1)));
    const p = pending();
    await withPendingEvent(p, async () => {
      await store.touchAccessed(secret("app/a").arn, "v1", T0);
      await store.setReplicaStatus(secret("app/a").arn, "eu-west-1", { status: "InProgress" });
      await asSideEffect(() => store.putKey(key(2)));
    });
    p.closed = true;
    await withPendingEvent(p, () => store.putKey(key(3)));
    assert.deepEqual([elsewhere.taken, p.taken], [false, false]);
    assert.deepEqual(await names(store), []);
  });
}
