// The SQLite side of `meridian backup`: copies are of one moment across Regions, whatever is
// written meanwhile; a Region in the middle of a write is waited for, never copied half way; a
// copy that is damaged or not a store is refused, naming the file.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, openSync, rmSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "./sqlite-store.js";
import { checkSqliteCopy, snapshotSqliteStores } from "./sqlite-backup.js";
import type { RegionStore } from "../store.js";

async function twoRegions() {
  const dir = mkdtempSync(join(tmpdir(), "meridian-backup-"));
  const files = new Map([["eu-west-1", join(dir, "eu-west-1.sqlite")], ["us-east-1", join(dir, "us-east-1.sqlite")]]);
  const stores = new Map<string, RegionStore>([...files].map(([region, file]) => [region, openSqliteStore(file, region)]));
  for (const store of stores.values()) await store.putMeta("n", "before");
  return {
    dir,
    files,
    stores,
    /** the value of meta `n` in a copy */
    copied: (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare("SELECT value FROM meta WHERE key = 'n'").get() as { value: string }).value;
      } finally {
        db.close();
      }
    },
    async done() {
      for (const store of stores.values()) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test("each copy is its store as it was when the snapshot was taken, whatever is written while copying", async () => {
  const r = await twoRegions();
  try {
    const snapshot = await snapshotSqliteStores(r.files);
    assert.deepEqual(snapshot.regions, ["eu-west-1", "us-east-1"]);
    for (const store of r.stores.values()) await store.putMeta("n", "after"); // the server goes on writing
    for (const region of snapshot.regions) {
      const copy = join(r.dir, `${region}.copy`);
      await snapshot.copyTo(region, copy);
      assert.equal(r.copied(copy), "before");
      assert.ok(!existsSync(`${copy}-wal`), "a copy is one file, with no log beside it");
      await checkSqliteCopy(copy);
    }
    snapshot.close();
    assert.equal(await r.stores.get("us-east-1")!.getMeta("n"), "after");
  } finally {
    await r.done();
  }
});

test("a change written to two Regions is in both copies or in neither: every Region is taken at one moment", async () => {
  const r = await twoRegions();
  // A writer that has committed its change in one Region and is in the middle of it in the other
  // (a replica's apply, then its primary's record of it).
  await r.stores.get("eu-west-1")!.putMeta("n", "after");
  const writer = new Database(r.files.get("us-east-1")!);
  try {
    writer.exec("BEGIN IMMEDIATE");
    writer.prepare("UPDATE meta SET value = 'after' WHERE key = 'n'").run();
    const taking = snapshotSqliteStores(r.files); // finds us-east-1 being written: waits for it
    writer.exec("COMMIT");
    const snapshot = await taking;
    for (const region of snapshot.regions) {
      const copy = join(r.dir, `${region}.copy`);
      await snapshot.copyTo(region, copy);
      assert.equal(r.copied(copy), "after", `${region}'s copy`);
    }
    snapshot.close();
  } finally {
    writer.close();
    await r.done();
  }
});

test("a Region that is never free to snapshot makes the backup give up, saying why", async () => {
  const r = await twoRegions();
  const writer = new Database(r.files.get("us-east-1")!);
  try {
    writer.exec("BEGIN IMMEDIATE");
    await assert.rejects(snapshotSqliteStores(r.files, 50), /no moment in 0.05 s when no Region store was being written/);
    writer.exec("ROLLBACK");
    (await snapshotSqliteStores(r.files)).close(); // and nothing was left held
  } finally {
    writer.close();
    await r.done();
  }
});

test("a damaged copy, and a database that is not a Region store, are refused, naming the file", async () => {
  const r = await twoRegions();
  try {
    const snapshot = await snapshotSqliteStores(r.files);
    const copy = join(r.dir, "copy");
    await snapshot.copyTo("us-east-1", copy);
    snapshot.close();
    const fd = openSync(copy, "r+");
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096 * 2); // one page overwritten
    closeSync(fd);
    await assert.rejects(checkSqliteCopy(copy), (e: Error) => e.message.startsWith(`${copy}: `) && /damaged|malformed|not a database/.test(e.message));

    const other = join(r.dir, "other.sqlite");
    const db = new Database(other);
    db.exec("CREATE TABLE t (x)");
    db.close();
    await assert.rejects(checkSqliteCopy(other), (e: Error) => e.message.startsWith(`${other}: not a Meridian Region store`));
  } finally {
    await r.done();
  }
});
