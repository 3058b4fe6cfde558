// What outlives a call: durability (whenDurable, said store-neutrally: once it settles, or when it
// answers undefined, every change committed before the call survives a crash; bookkeeping never
// makes it pending), a permissive-mode wipe, and everything read back after the store is reopened.

import assert from "node:assert/strict";
import { it } from "node:test";
import type { RegionStore } from "../../../src/store/store.js";
import type { FreshStore, SuiteOptions } from "../store-conformance.js";
import { ACCOUNT, REGION, T0, accessKey, alias, auditEvent, iamUser, key, sealed, secret } from "./fixtures.js";
import type { MetricValueWithName } from "prom-client";
import { verifyChain } from "../../../src/contract/audit-chain.js";

/** Everything a Region keeps, one of each, read back whole by `readEverything`. */
async function writeEverything(store: RegionStore) {
  const record = secret("app/db");
  const value = sealed("v1");
  await store.commitSecret({ record, expectedRevision: 0, putValues: [value], outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 });
  await store.touchAccessed(record.arn, "v1", T0);
  await store.setReplicaStatus(record.arn, "eu-west-1", { status: "InProgress" });
  const k = key(1);
  await store.putKey(k);
  await store.putAlias(alias("app", k));
  await store.putAccessKey(accessKey("AKIAAAAAAAAAAAAAAAAA"));
  await store.applyIamChanges([iamUser("alice")]);
  await store.putMeta("root-key-check", "abc");
  await store.appendAuditEvents([auditEvent(1, { readOnly: false })]);
  await store.appendAuditEvents([auditEvent(2)], { relaxed: true });
}

async function readEverything(store: RegionStore) {
  const record = await store.findSecretByName(ACCOUNT, "app/db");
  const chain = await store.readAuditChain();
  return {
    record,
    value: record && (await store.getValue(record.arn, "v1")),
    outbox: await store.dueOutbox(Number.MAX_SAFE_INTEGER, 10),
    statuses: record && (await store.replicaStatuses(record.arn)),
    keys: await store.allKeys(),
    aliases: await store.listAliases(ACCOUNT),
    accessKeys: await store.listAccessKeys(),
    entities: await store.listIamEntities(),
    meta: await store.listMeta(""),
    audit: (await store.queryAuditEvents({})).map(({ time, event }) => ({ time, event })),
    chain: chain && (await verifyChain(chain.state, chain.rows, REGION)),
  };
}

export function lifecycleConformance(fresh: FreshStore, options: SuiteOptions): void {
  it("reads back everything it held after it is closed and opened again", async (t) => {
    const subject = await fresh(t);
    await writeEverything(subject.store);
    const before = await readEverything(subject.store);
    assert.equal(before.record?.lastAccessedDate, T0);
    assert.equal(before.audit.length, 2);
    assert.ok(before.chain?.intact);
    const reopened = await subject.reopen();
    assert.deepEqual(await readEverything(reopened), before);
  });

  it("opens again a store it already created without changing it", async (t) => {
    const subject = await fresh(t);
    const empty = await readEverything(subject.store);
    assert.deepEqual(await readEverything(await subject.reopen()), empty);
    assert.deepEqual(await readEverything(await subject.reopen()), empty);
  });

  it("wipes secrets, keys, the outbox and replica statuses; keeps meta, identities and the audit trail", async (t) => {
    const { store } = await fresh(t);
    await writeEverything(store);
    const before = await readEverything(store);
    await store.wipe();
    const after = await readEverything(store);
    assert.deepEqual(after, {
      ...before,
      record: undefined, value: undefined, statuses: undefined, outbox: [], keys: [], aliases: [],
    });
    assert.deepEqual(await store.replicaStatuses(before.record!.arn), {});
    assert.deepEqual(await store.trackedReplicas(), []);
    assert.equal(await store.getValue(before.record!.arn, "v1"), undefined);
    await store.commitSecret({ record: secret("app/db"), expectedRevision: 0 });
    assert.ok(await store.findSecretByName(ACCOUNT, "app/db"), "a wiped name can be created again");
  });

  it("settles whenDurable after changes, and bookkeeping alone never makes it pending", async (t) => {
    const { store } = await fresh(t);
    await store.whenDurable();
    assert.equal(store.whenDurable(), undefined, "nothing written since the last settled call");

    // changes a response reports: each is durable once whenDurable settles
    const record = secret("app/db");
    const changes: [string, () => Promise<unknown>][] = [
      ["a secret's change with its outbox rows", () => store.commitSecret({ record, expectedRevision: 0, putValues: [sealed("v1")], outbox: [{ region: "eu-west-1", op: "sync" }], at: T0 })],
      ["a change's audit event", () => store.appendAuditEvents([auditEvent(1, { readOnly: false })])],
      ["a key", () => store.putKey(key(1))],
      ["an access key", () => store.putAccessKey(accessKey("AKIAAAAAAAAAAAAAAAAA"))],
      ["IAM entities", () => store.applyIamChanges([iamUser("alice")])],
      ["a meta value", () => store.putMeta("m", "1")],
    ];
    for (const [what, change] of changes) {
      await change();
      const pending = store.whenDurable();
      if (options.groupCommit) assert.ok(pending, `${what} is not known durable until synced`);
      await pending;
      assert.equal(store.whenDurable(), undefined, `${what}: settled`);
    }

    // bookkeeping: last-accessed day, replica status, outbox retirement and deferral, reads' audit events, key use
    const [entry] = await store.dueOutbox(Number.MAX_SAFE_INTEGER, 10);
    const bookkeeping: [string, () => Promise<unknown>][] = [
      ["touchAccessed", () => store.touchAccessed(record.arn, "v1", T0)],
      ["setReplicaStatus", () => store.setReplicaStatus(record.arn, "eu-west-1", { status: "InSync", versions: ["v1"], revision: 1 })],
      ["deferOutbox", () => store.deferOutbox(entry!, T0 + 1000)],
      ["retryRegionNow", () => store.retryRegionNow("eu-west-1", T0)],
      ["completeOutbox", () => store.completeOutbox(entry!)],
      ["enqueueOutbox", () => store.enqueueOutbox({ ...entry!, region: "ap-south-1" }, T0)],
      ["completeDelivery", () => store.completeDelivery({ ...entry!, region: "ap-south-1" }, { status: "InSync" })],
      ["a read's audit event", () => store.appendAuditEvents([auditEvent(2)], { relaxed: true })],
      ["recordAccessKeyUse", () => store.recordAccessKeyUse("AKIAAAAAAAAAAAAAAAAA", { date: T0, region: REGION, service: "kms" })],
    ];
    for (const [what, note] of bookkeeping) {
      await note();
      assert.equal(store.whenDurable(), undefined, `no response waits for ${what}`);
    }

    await store.purgeSecret(record.arn);
    if (options.groupCommit) assert.ok(store.whenDurable(), "a purge is a change");
    await store.whenDurable();
    const metrics = await store.metrics.getMetricsAsJSON();
    assert.ok(metrics.every((m) => !m.name.startsWith("process_") && !m.name.startsWith("nodejs_")), "the store's own registry, not the global one");
    if (options.groupCommit) {
      const value = (name: string, metricName = name) => metrics.find((m) => m.name === name)?.values.find((v: MetricValueWithName<string>) => (v.metricName ?? name) === metricName)?.value;
      const syncs = value("meridian_store_syncs_total");
      assert.ok(syncs !== undefined && syncs > 0, "group commit counts its syncs");
      assert.equal(value("meridian_store_sync_seconds", "meridian_store_sync_seconds_count"), syncs, "one observed duration per sync");
      assert.ok(value("meridian_store_sync_seconds", "meridian_store_sync_seconds_sum")! >= 0);
    }
  });
}
