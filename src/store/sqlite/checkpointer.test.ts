// Background checkpoints: what a store commits reaches its database file without the store's own
// connection checkpointing (its automatic checkpoint is off), and closing leaves no WAL behind.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { checkpointInBackground } from "./checkpointer.js";
import { waitFor } from "../../../test/support/wait-for.js";

test("a worker thread copies the WAL into the database file; stop() lets the store close cleanly", async () => {
  const dir = mkdtempSync(join(tmpdir(), "meridian-checkpoint-"));
  const file = join(dir, "r.sqlite");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (v BLOB)");
  const checkpoints = checkpointInBackground(db, file);
  assert.equal(db.pragma("wal_autocheckpoint", { simple: true }), 0, "the store no longer checkpoints in its commits");
  const before = statSync(file).size;
  const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
  for (let i = 0; i < 200; i++) insert.run(Buffer.alloc(8192, i)); // ~1.6 MB, under SQLite's own threshold
  await waitFor(() => statSync(file).size >= before + 1_000_000, { intervalMs: 100, what: "the database file to receive the WAL's pages" });
  await checkpoints.stop();
  db.close();
  assert.equal(existsSync(`${file}-wal`), false, "the last connection closed, the WAL is gone");
  const again = new Database(file, { readonly: true });
  assert.equal((again.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n, 200);
  again.close();
  rmSync(dir, { recursive: true, force: true });
});
