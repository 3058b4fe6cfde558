// The outbox (DESIGN §5.1): a change queues its deliveries in its own transaction, one entry per
// secret and replica Region holding the newest revision; entries are read when due, retired only if
// nothing newer was queued meanwhile, deferred with attempts counted. Replica statuses beside it.

import assert from "node:assert/strict";
import { it } from "node:test";
import type { OutboxEntry } from "../../../src/store/store.js";
import type { FreshStore } from "../store-conformance.js";
import { ACCOUNT, T0, secret } from "./fixtures.js";

const ALL = Number.MAX_SAFE_INTEGER;

export function outboxConformance(fresh: FreshStore): void {
  it("queues a change's deliveries with the change, due at once, from when the change was made", async (t) => {
    const { store } = await fresh(t);
    const record = secret("app/db");
    await store.commitSecret({ record, expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }, { region: "ap-south-1", op: "sync" }], at: T0 });
    const due = await store.dueOutbox(T0, 10);
    const expected = (region: string): OutboxEntry => ({ arn: record.arn, region, accountId: ACCOUNT, op: "sync", revision: 1, attempts: 0, nextAttemptAt: due[0]!.nextAttemptAt, queuedAt: T0 });
    assert.deepEqual(due.sort((a, b) => a.region.localeCompare(b.region)), [expected("ap-south-1"), expected("eu-west-1")]);
    assert.ok(due[0]!.nextAttemptAt <= T0, "due as soon as committed");
  });

  it("keeps one entry per secret and Region: a newer change replaces it, keeps the oldest queued time, resets attempts", async (t) => {
    const { store } = await fresh(t);
    const record = secret("app/db");
    await store.commitSecret({ record, expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
    const [first] = await store.dueOutbox(ALL, 10);
    await store.deferOutbox(first!, T0 + 60_000);
    await store.commitSecret({ record: { ...record, revision: 2 }, expectedRevision: 1, outbox: [{ region: "eu-west-1", op: "remove" }], at: T0 + 5 });
    const entries = await store.dueOutbox(ALL, 10);
    assert.equal(entries.length, 1);
    assert.deepEqual({ ...entries[0]!, nextAttemptAt: 0 }, { ...first!, op: "remove", revision: 2, attempts: 0, nextAttemptAt: 0, queuedAt: T0 });
    assert.ok(entries[0]!.nextAttemptAt <= T0 + 5, "the newer change is due at once, not at the deferred time");
  });

  it("retires an entry when delivered, but not when a newer change was queued meanwhile", async (t) => {
    const { store } = await fresh(t);
    const record = secret("app/db");
    await store.commitSecret({ record, expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
    const [stale] = await store.dueOutbox(ALL, 10);
    await store.commitSecret({ record: { ...record, revision: 2 }, expectedRevision: 1, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 + 1 });
    await store.completeOutbox(stale!);
    const [newer] = await store.dueOutbox(ALL, 10);
    assert.equal(newer?.revision, 2, "the newer revision still waits");
    await store.completeOutbox(newer!);
    assert.deepEqual(await store.dueOutbox(ALL, 10), []);
    assert.deepEqual(await store.outboxSummary(), []);
  });

  it("defers an entry (one more attempt, not due before its time), and makes a Region's entries due again when it answers", async (t) => {
    const { store } = await fresh(t);
    await store.commitSecret({ record: secret("a"), expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
    await store.commitSecret({ record: secret("b"), expectedRevision: 0, outbox: [{ region: "ap-south-1", op: "sync" }], at: T0 });
    for (const entry of await store.dueOutbox(T0, 10)) await store.deferOutbox(entry, T0 + 1000);
    for (const entry of await store.dueOutbox(T0 + 1000, 10)) await store.deferOutbox(entry, T0 + 5000);
    assert.deepEqual(await store.dueOutbox(T0 + 4999, 10), []);
    const later = await store.dueOutbox(T0 + 5000, 10);
    assert.deepEqual(later.map((e) => [e.attempts, e.nextAttemptAt]), [[2, T0 + 5000], [2, T0 + 5000]]);
    await store.retryRegionNow("eu-west-1", T0 + 2000);
    const now = await store.dueOutbox(T0 + 2000, 10);
    assert.deepEqual(now.map((e) => [e.region, e.attempts]), [["eu-west-1", 0]]);
  });

  it("hands out due entries oldest-due first, at most `limit`", async (t) => {
    const { store } = await fresh(t);
    for (const [i, name] of ["a", "b", "c"].entries()) {
      await store.commitSecret({ record: secret(name), expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
      const [entry] = (await store.dueOutbox(ALL, 10)).filter((e) => e.arn === secret(name).arn);
      await store.deferOutbox(entry!, T0 + 100 - i * 10); // c is due first, then b, then a
    }
    assert.deepEqual((await store.dueOutbox(ALL, 2)).map((e) => e.arn), [secret("c").arn, secret("b").arn]);
    assert.deepEqual((await store.dueOutbox(T0 + 85, 10)).map((e) => e.arn), [secret("c").arn]);
  });

  it("queues a delivery outside a change (retry, anti-entropy), due and queued at `now`", async (t) => {
    const { store } = await fresh(t);
    const arn = secret("app/db").arn;
    await store.enqueueOutbox({ arn, region: "eu-west-1", accountId: ACCOUNT, op: "sync", revision: 3 }, T0 + 7);
    assert.deepEqual(await store.dueOutbox(T0 + 6, 10), []);
    assert.deepEqual(await store.dueOutbox(T0 + 7, 10), [{ arn, region: "eu-west-1", accountId: ACCOUNT, op: "sync", revision: 3, attempts: 0, nextAttemptAt: T0 + 7, queuedAt: T0 + 7 }]);
  });

  it("summarises the outbox per replica Region: depth and oldest queued time", async (t) => {
    const { store } = await fresh(t);
    await store.commitSecret({ record: secret("a"), expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }, { region: "ap-south-1", op: "sync" }], at: T0 + 2 });
    await store.commitSecret({ record: secret("b"), expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 + 1 });
    assert.deepEqual(await store.outboxSummary(), [
      { region: "ap-south-1", depth: 1, oldestQueuedAt: T0 + 2 },
      { region: "eu-west-1", depth: 2, oldestQueuedAt: T0 + 1 },
    ]);
  });

  it("records a delivery: the replica's status and the entry's retirement together", async (t) => {
    const { store } = await fresh(t);
    const record = secret("app/db");
    await store.commitSecret({ record, expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
    const [entry] = await store.dueOutbox(ALL, 10);
    await store.completeDelivery(entry!, { status: "InSync", versions: ["v1"], revision: 1 });
    assert.deepEqual(await store.dueOutbox(ALL, 10), []);
    assert.deepEqual(await store.replicaStatuses(record.arn), { "eu-west-1": { status: "InSync", versions: ["v1"], revision: 1 } });
  });

  it("does not bring back the status of a Region removed while its delivery was under way", async (t) => {
    const { store } = await fresh(t);
    const record = secret("raced");
    await store.commitSecret({ record, expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
    const [entry] = await store.dueOutbox(ALL, 10);
    // RemoveRegionsFromReplication commits while the delivery is in flight: a remove is queued.
    await store.commitSecret({ record: { ...record, revision: 2 }, expectedRevision: 1, outbox: [{ region: "eu-west-1", op: "remove" }], at: T0 });
    await store.setReplicaStatus(record.arn, "eu-west-1", undefined);
    await store.completeDelivery(entry!, { status: "InSync", versions: ["v1"], revision: 1 });
    assert.deepEqual(await store.replicaStatuses(record.arn), {});
    assert.deepEqual((await store.dueOutbox(ALL, 10)).map((e) => e.op), ["remove"], "the remove is still to be delivered");
  });

  it("a failed delivery defers the entry and marks the replica Failed, but not for a Region removed meanwhile", async (t) => {
    const { store } = await fresh(t);
    const record = secret("failing");
    await store.commitSecret({ record, expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
    const [entry] = await store.dueOutbox(ALL, 10);
    await store.failDelivery(entry!, { status: "Failed", statusMessage: "down" }, T0 + 5_000);
    assert.deepEqual(await store.replicaStatuses(record.arn), { "eu-west-1": { status: "Failed", statusMessage: "down" } });
    assert.deepEqual(await store.dueOutbox(T0 + 4_999, 10), [], "not due before the next attempt");
    const [again] = await store.dueOutbox(T0 + 5_000, 10);
    assert.equal(again!.attempts, 1);
    await store.commitSecret({ record: { ...record, revision: 2 }, expectedRevision: 1, outbox: [{ region: "eu-west-1", op: "remove" }], at: T0 });
    await store.setReplicaStatus(record.arn, "eu-west-1", undefined);
    await store.failDelivery(again!, { status: "Failed", statusMessage: "still down" }, T0 + 10_000);
    assert.deepEqual(await store.replicaStatuses(record.arn), {}, "the removed Region's status stays gone");
  });

  it("keeps replica statuses per secret and Region, lists the pairs tracked, and forgets a status set to undefined", async (t) => {
    const { store } = await fresh(t);
    const [a, b] = [secret("a").arn, secret("b").arn];
    await store.setReplicaStatus(a, "eu-west-1", { status: "InProgress" });
    await store.setReplicaStatus(a, "ap-south-1", { status: "Failed", statusMessage: "no" });
    await store.setReplicaStatus(b, "eu-west-1", { status: "InSync", revision: 4 });
    await store.setReplicaStatus(a, "eu-west-1", { status: "InSync", revision: 2 });
    assert.deepEqual(await store.replicaStatuses(a), { "ap-south-1": { status: "Failed", statusMessage: "no" }, "eu-west-1": { status: "InSync", revision: 2 } });
    const pairs = (await store.trackedReplicas()).map((p) => `${p.arn} ${p.region}`).sort();
    assert.deepEqual(pairs, [`${a} ap-south-1`, `${a} eu-west-1`, `${b} eu-west-1`]);
    await store.setReplicaStatus(a, "ap-south-1", undefined);
    assert.deepEqual(Object.keys(await store.replicaStatuses(a)), ["eu-west-1"]);
    assert.deepEqual(await store.replicaStatuses(secret("none").arn), {});
  });
}
