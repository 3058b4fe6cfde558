// Which writes of a Region's store a response must wait for (group commit): changes to secrets,
// with the outbox rows they queue, and audit events of changes do; bookkeeping does not.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "./sqlite-store.js";
import type { SecretRecord } from "../../contract/secret-types.js";
import type { CloudTrailEvent } from "../../contract/audit-records.js";

const ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:app-AbCdEf";
const record: SecretRecord = {
  arn: ARN, accountId: "111122223333", region: "us-east-1", name: "app", tags: [],
  createdDate: 1, lastChangedDate: 1, versions: [{ versionId: "v1", stages: ["AWSCURRENT"], createdDate: 1 }], revision: 1,
};
const value = { versionId: "v1", kind: "string" as const, wrappedKey: Buffer.alloc(8), iv: Buffer.alloc(12), ciphertext: Buffer.alloc(16) };
const event = (readOnly: boolean) => ({
  time: 1,
  event: { eventTime: "x", awsRegion: "us-east-1", eventSource: "s", eventName: "n", eventID: crypto.randomUUID(), readOnly, userIdentity: { type: "Root" } } as unknown as CloudTrailEvent,
});

test("a store's changes wait for the disk, its bookkeeping does not", async () => {
  const dir = mkdtempSync(join(tmpdir(), "meridian-store-"));
  const store = openSqliteStore(join(dir, "us-east-1.sqlite"));
  try {
    await store.whenDurable();
    assert.equal(store.whenDurable(), undefined, "nothing written yet");

    await store.commitSecret({ record, expectedRevision: 0, putValues: [value], outbox: [{ region: "eu-west-1", op: "sync" }], at: 1 });
    const pending = store.whenDurable();
    assert.ok(pending, "a committed change is not known to be durable until synced");
    await pending;
    assert.equal(store.whenDurable(), undefined);

    // bookkeeping: last-accessed day, replica status, outbox retirement, reads' audit events
    await store.touchAccessed(ARN, "v1", 86_400_000);
    await store.setReplicaStatus(ARN, "eu-west-1", { status: "InSync", versions: ["v1"], revision: 1 });
    const [entry] = await store.dueOutbox(Number.MAX_SAFE_INTEGER, 10);
    await store.completeOutbox(entry!);
    await store.appendAuditEvents([event(true)], { relaxed: true });
    assert.equal(store.whenDurable(), undefined, "no response waits for bookkeeping");

    await store.appendAuditEvents([event(false)]);
    assert.ok(store.whenDurable(), "a change's audit event is durable before its response");
    await store.whenDurable();

    await store.purgeSecret(ARN);
    assert.ok(store.whenDurable());
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
