// Claiming the outbox with a lease (issue 11 item 5): nodes of one Region sharing a store each
// claim due entries, and an entry leased to one node is not handed to another until the holder
// completes or defers it, or its lease expires (the holder died).

import assert from "node:assert/strict";
import { it } from "node:test";
import type { FreshStore } from "../store-conformance.js";
import { T0, secret } from "./fixtures.js";

const LEASE = 30_000;

export function outboxLeaseConformance(fresh: FreshStore): void {
  async function queued(t: Parameters<FreshStore>[0], names: string[]) {
    const { store } = await fresh(t);
    for (const name of names) {
      await store.commitSecret({ record: secret(name), expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
    }
    return store;
  }

  it("two claimers at once never get the same entry, and together get every due one", async (t) => {
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    const store = await queued(t, names);
    const [a, b] = await Promise.all([store.claimOutbox(T0, 6, LEASE, "node-a"), store.claimOutbox(T0, 6, LEASE, "node-b")]);
    const arnsA = a.map((e) => e.arn);
    const arnsB = b.map((e) => e.arn);
    assert.deepEqual(arnsA.filter((arn) => arnsB.includes(arn)), [], "no entry claimed twice");
    assert.equal(a.length + b.length, 10);
    assert.ok(a.every((e) => e.leaseOwner === "node-a") && b.every((e) => e.leaseOwner === "node-b"));
    assert.deepEqual(await store.claimOutbox(T0 + LEASE - 1, 10, LEASE, "node-c"), [], "nothing left while the leases last");
    assert.equal((await store.dueOutbox(T0, 100)).length, 10, "a lease does not retire nor delay an entry");
  });

  it("hands an entry whose lease expired (its holder died) to another claimer", async (t) => {
    const store = await queued(t, ["a"]);
    const [held] = await store.claimOutbox(T0, 10, LEASE, "node-a");
    assert.equal(held?.arn, secret("a").arn);
    assert.deepEqual(await store.claimOutbox(T0 + LEASE - 1, 10, LEASE, "node-b"), []);
    const [taken] = await store.claimOutbox(T0 + LEASE, 10, LEASE, "node-b");
    assert.equal(taken?.arn, secret("a").arn);
    assert.equal(taken?.leaseOwner, "node-b");
    // the dead node's late completion does not release the new holder's lease
    await store.deferOutbox(held!, T0 + LEASE);
    assert.deepEqual(await store.claimOutbox(T0 + LEASE + 1, 10, LEASE, "node-c"), []);
  });

  it("renews the holder's own lease when it claims again", async (t) => {
    const store = await queued(t, ["a"]);
    await store.claimOutbox(T0, 10, LEASE, "node-a");
    const [again] = await store.claimOutbox(T0 + 10_000, 10, LEASE, "node-a");
    assert.equal(again?.arn, secret("a").arn);
    assert.deepEqual(await store.claimOutbox(T0 + LEASE, 10, LEASE, "node-b"), [], "the renewed lease runs from the second claim");
    assert.equal((await store.claimOutbox(T0 + 10_000 + LEASE, 10, LEASE, "node-b")).length, 1);
  });

  it("completing an entry retires it; deferring releases its lease and keeps it until its new time", async (t) => {
    const store = await queued(t, ["a", "b"]);
    const claimed = await store.claimOutbox(T0, 10, LEASE, "node-a");
    const byArn = (name: string) => claimed.find((e) => e.arn === secret(name).arn)!;
    await store.completeOutbox(byArn("a"));
    await store.deferOutbox(byArn("b"), T0 + 1000);
    assert.deepEqual(await store.claimOutbox(T0 + 999, 10, LEASE, "node-b"), []);
    const [b] = await store.claimOutbox(T0 + 1000, 10, LEASE, "node-b");
    assert.deepEqual([b?.arn, b?.attempts, b?.leaseOwner], [secret("b").arn, 1, "node-b"], "claimable before the lease would have expired");
  });

  it("a delivery recorded with completeDelivery releases the lease with the entry", async (t) => {
    const store = await queued(t, ["a"]);
    const [entry] = await store.claimOutbox(T0, 10, LEASE, "node-a");
    await store.enqueueOutbox({ ...entry!, revision: 2 }, T0 + 1); // a newer change meanwhile
    await store.completeDelivery(entry!, { status: "InSync", versions: [], revision: 1 });
    const [newer] = await store.claimOutbox(T0 + 1, 10, LEASE, "node-b");
    assert.equal(newer?.revision, 2);
  });

  it("a newer change replacing a leased entry waits for the holder, then is delivered, not lost", async (t) => {
    const store = await queued(t, ["a"]);
    const record = secret("a");
    const [old] = await store.claimOutbox(T0, 10, LEASE, "node-a");
    await store.commitSecret({ record: { ...record, revision: 2 }, expectedRevision: 1, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 + 5 });
    // the holder is still sending revision 1: another node must not send revision 2 alongside it
    assert.deepEqual(await store.claimOutbox(T0 + 5, 10, LEASE, "node-b"), []);
    await store.completeOutbox(old!); // revision 1 delivered: the entry now stands for revision 2
    const [newer] = await store.claimOutbox(T0 + 6, 10, LEASE, "node-b");
    assert.deepEqual([newer?.revision, newer?.attempts, newer?.leaseOwner], [2, 0, "node-b"]);
    // and the same when the holder defers the older revision instead
    await store.commitSecret({ record: { ...record, revision: 3 }, expectedRevision: 2, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 + 7 });
    await store.deferOutbox(newer!, T0 + 60_000);
    const [newest] = await store.claimOutbox(T0 + 8, 10, LEASE, "node-a");
    assert.deepEqual([newest?.revision, newest?.attempts], [3, 0], "due at once, not at the older revision's deferred time");
  });

  it("a newer change replacing an entry whose holder died is delivered once the lease expires", async (t) => {
    const store = await queued(t, ["a"]);
    await store.claimOutbox(T0, 10, LEASE, "node-a");
    await store.commitSecret({ record: { ...secret("a"), revision: 2 }, expectedRevision: 1, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 + 5 });
    const [newer] = await store.claimOutbox(T0 + LEASE, 10, LEASE, "node-b");
    assert.equal(newer?.revision, 2);
  });

  it("releasing claimed entries makes them claimable at once, as they were", async (t) => {
    const store = await queued(t, ["a", "b"]);
    const claimed = await store.claimOutbox(T0, 10, LEASE, "node-a");
    await store.releaseOutbox(claimed);
    const again = await store.claimOutbox(T0, 10, LEASE, "node-b");
    assert.deepEqual(again.map((e) => [e.arn, e.attempts, e.leaseOwner]).sort(), [[secret("a").arn, 0, "node-b"], [secret("b").arn, 0, "node-b"]]);
    await store.releaseOutbox(claimed); // node-a's late release leaves node-b's leases alone
    assert.deepEqual(await store.claimOutbox(T0, 10, LEASE, "node-c"), []);
  });

  it("keeps leases across a restart of the store", async (t) => {
    const subject = await fresh(t);
    await subject.store.commitSecret({ record: secret("a"), expectedRevision: 0, outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
    await subject.store.claimOutbox(T0, 10, LEASE, "node-a");
    await subject.store.whenDurable();
    const store = await subject.reopen();
    assert.deepEqual(await store.claimOutbox(T0 + 1, 10, LEASE, "node-b"), []);
    assert.equal((await store.claimOutbox(T0 + LEASE, 10, LEASE, "node-b")).length, 1);
  });
}
