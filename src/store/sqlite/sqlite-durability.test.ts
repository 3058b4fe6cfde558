// Group commit: a change makes whenDurable() wait for a sync that began after it; concurrent waiters
// share one sync; relaxed writes and reads never make anyone wait.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { makeGroupCommit, syncFileAt } from "./sqlite-durability.js";

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "meridian-durability-"));
  const db = new Database(join(dir, "t.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
  // a sync the test finishes by hand
  const syncs: (() => void)[] = [];
  const failures: ((e: Error) => void)[] = [];
  const durability = makeGroupCommit(db, () => new Promise<void>((resolve, reject) => (syncs.push(resolve), failures.push(reject))));
  const put = db.prepare("INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)");
  const read = db.prepare("SELECT v FROM t WHERE k = ?");
  const done = () => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { db, durability, put, read, syncs, failures, done };
}

const settled = async (p: Promise<unknown>) => {
  let state = "pending";
  p.then(() => (state = "resolved"), () => (state = "rejected"));
  await new Promise((r) => setImmediate(r));
  return state;
};

test("nothing to wait for before any change, nor after reads", () => {
  const { durability, read, done } = setup();
  read.get("a");
  assert.equal(durability.whenDurable(), undefined);
  done();
});

test("a change waits for one sync, shared by every waiter", async () => {
  const { durability, put, syncs, done } = setup();
  put.run("a", "1");
  put.run("b", "2");
  const first = durability.whenDurable();
  const second = durability.whenDurable();
  assert.ok(first && second);
  assert.equal(syncs.length, 1, "one sync for both changes and both waiters");
  assert.equal(await settled(first), "pending");
  syncs[0]!();
  await Promise.all([first, second]);
  assert.equal(durability.whenDurable(), undefined, "nothing left to sync");
  done();
});

test("a change made while a sync is under way waits for the next sync", async () => {
  const { durability, put, syncs, done } = setup();
  put.run("a", "1");
  const early = durability.whenDurable()!;
  put.run("b", "2"); // after the sync began
  const late = durability.whenDurable()!;
  syncs[0]!();
  await early;
  assert.equal(await settled(late), "pending", "the first sync may have missed b");
  assert.equal(syncs.length, 2);
  syncs[1]!();
  await late;
  done();
});

test("relaxed writes never make a response wait; a statement that changes nothing neither", () => {
  const { db, durability, done } = setup();
  const note = durability.relaxed((k: string) => db.prepare("INSERT OR REPLACE INTO t (k, v) VALUES (?, 'x')").run(k));
  note("a");
  db.prepare("DELETE FROM t WHERE k = 'missing'").run();
  assert.equal(durability.whenDurable(), undefined);
  done();
});

test("writes inside a transaction count; a failed sync rejects its waiters and the next call syncs again", async () => {
  const { db, durability, put, syncs, failures, done } = setup();
  db.transaction(() => {
    put.run("a", "1");
    put.run("b", "2");
  })();
  const waiting = durability.whenDurable();
  assert.ok(waiting);
  failures[0]!(new Error("EIO"));
  await assert.rejects(waiting, /EIO/);
  const again = durability.whenDurable();
  assert.ok(again, "the changes are still not known to be durable");
  assert.equal(syncs.length, 2);
  syncs[1]!();
  await again;
  assert.equal(durability.whenDurable(), undefined);
  done();
});

test("syncFileAt flushes a real WAL file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "meridian-durability-"));
  const db = new Database(join(dir, "t.sqlite"));
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (k TEXT)");
  const sync = syncFileAt(join(dir, "t.sqlite-wal"));
  const durability = makeGroupCommit(db, sync);
  db.prepare("INSERT INTO t VALUES ('a')").run();
  await durability.whenDurable();
  assert.equal(durability.whenDurable(), undefined);
  await sync.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
