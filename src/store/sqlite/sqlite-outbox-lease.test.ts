// Outbox leases in SQLite beyond the conformance suite: a store made before leases existed gains
// them when opened, and two connections to one file (two nodes, here two threads) claiming at the
// same time never lease one row to both: the claim is one IMMEDIATE transaction.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { openSqliteStore } from "./sqlite-store.js";

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const arn = (i: number) => `arn:aws:secretsmanager:us-east-1:111122223333:secret:s${i}-AbCdEf`;

function tempFile(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), "meridian-lease-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "us-east-1.db");
}

test("a store made before outbox leases gains them when opened, its queued entries claimable", async (t) => {
  const file = tempFile(t);
  const old = new Database(file);
  old.exec(`CREATE TABLE outbox (arn TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL, op TEXT NOT NULL,
    revision INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, PRIMARY KEY (arn, region))`);
  old.prepare("INSERT INTO outbox VALUES (?, 'eu-west-1', '111122223333', 'sync', 3, 0, ?)").run(arn(1), T0);
  old.close();
  const store = openSqliteStore(file);
  t.after(() => store.close());
  const [entry] = await store.claimOutbox(T0, 10, 1000, "node-a");
  assert.deepEqual([entry?.arn, entry?.revision, entry?.leaseOwner], [arn(1), 3, "node-a"]);
  assert.deepEqual(await store.claimOutbox(T0 + 999, 10, 1000, "node-b"), []);
  await store.completeOutbox(entry!);
  assert.deepEqual(await store.dueOutbox(T0, 10), []);
});

test("two connections claiming one file at once never lease the same entry", async (t) => {
  const file = tempFile(t);
  const N = 400;
  const store = openSqliteStore(file);
  for (let i = 0; i < N; i++) {
    await store.enqueueOutbox({ arn: arn(i), region: "eu-west-1", accountId: "111122223333", op: "sync", revision: 1 }, T0);
  }
  await store.whenDurable();
  const storeUrl = new URL("./sqlite-store.js", import.meta.url).href;
  // Each thread claims a few at a time, and completes them (a holder's own leases are renewed by its
  // next claim, not skipped), until nothing is left, as a node's worker does.
  const code = `
    const { workerData, parentPort } = require("node:worker_threads");
    import(workerData.storeUrl).then(async ({ openSqliteStore }) => {
      const store = openSqliteStore(workerData.file);
      // start together: both open first, then claim
      const ready = new Int32Array(workerData.barrier);
      Atomics.add(ready, 0, 1);
      Atomics.notify(ready, 0);
      while (Atomics.load(ready, 0) < 2) Atomics.wait(ready, 0, 1, 1000);
      const got = [];
      for (;;) {
        const batch = await store.claimOutbox(workerData.now, 2, 60000, workerData.owner);
        if (batch.length === 0) break;
        for (const e of batch) got.push(e.arn);
        for (const e of batch) await store.completeOutbox(e);
        Atomics.wait(ready, 0, 2, 1); // a delivery's worth of pause, so the two threads interleave on a busy machine
      }
      await store.close();
      parentPort.postMessage(got);
    });`;
  const barrier = new SharedArrayBuffer(4);
  const run = (owner: string) =>
    new Promise<string[]>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { storeUrl, file, owner, now: T0, barrier } });
      w.once("message", resolve);
      w.once("error", reject);
    });
  const [a, b] = await Promise.all([run("node-a"), run("node-b")]);
  await store.close();
  const both = new Set(a.filter((x) => b.includes(x)));
  assert.equal(both.size, 0, "no entry leased to both");
  assert.equal(new Set([...a, ...b]).size, N, "every entry leased to one of them");
  assert.ok(a.length > 0 && b.length > 0, `both took part (${a.length} and ${b.length})`);
});
