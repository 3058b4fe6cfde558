// What counts as damage in a SQLite store, and the quick check at open: it passes a sound file,
// lists what it finds in a damaged index, and raises SQLite's corrupt code either way.

import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isSqliteDamage, quickCheck } from "./sqlite-damage.js";

function fileWithRows(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "meridian-damage-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "eu-west-1.sqlite");
  const db = new Database(file);
  db.exec("CREATE TABLE t (name TEXT PRIMARY KEY, value BLOB)");
  const insert = db.prepare("INSERT INTO t VALUES (?, ?)");
  for (let i = 0; i < 200; i++) insert.run(`name-${i}`, Buffer.alloc(300, i));
  db.close();
  return file;
}

/** Garbage over the first page of `object` of type `pageType` (dbstat's words). */
function damageFirstPage(file: string, object: string, pageType: string): void {
  const db = new Database(file, { readonly: true });
  const { pageno } = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno LIMIT 1").get(object, pageType) as { pageno: number };
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  db.close();
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (pageno - 1) * pageSize);
  closeSync(fd);
}

function checked(file: string): unknown {
  const db = new Database(file);
  try {
    quickCheck(db);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    db.close();
  }
}

test("a sound file passes the quick check", (t) => {
  assert.equal(checked(fileWithRows(t)), undefined);
});

test("a damaged index page is listed by the quick check, as SQLite's corrupt code", (t) => {
  const file = fileWithRows(t);
  damageFirstPage(file, "sqlite_autoindex_t_1", "leaf");
  const e = checked(file);
  assert.ok(isSqliteDamage(e), String(e));
  assert.match((e as Error).message, /^quick_check found: \*\*\* in database main \*\*\* Tree \d+ page \d+: .*; wrong # of entries in index sqlite_autoindex_t_1$/);
});

test("a damaged table page is raised by the quick check itself, as damage", (t) => {
  const file = fileWithRows(t);
  damageFirstPage(file, "t", "leaf");
  const e = checked(file);
  assert.ok(isSqliteDamage(e), String(e));
  assert.equal((e as Error).message, "database disk image is malformed");
});

test("damage is SQLite's corrupt codes and not-a-database; other errors are not", () => {
  assert.ok(isSqliteDamage(new Database.SqliteError("file is not a database", "SQLITE_NOTADB")));
  assert.ok(isSqliteDamage(new Database.SqliteError("database disk image is malformed", "SQLITE_CORRUPT")));
  assert.ok(isSqliteDamage(new Database.SqliteError("index corrupt", "SQLITE_CORRUPT_INDEX")));
  assert.ok(!isSqliteDamage(new Database.SqliteError("database or disk is full", "SQLITE_FULL")));
  assert.ok(!isSqliteDamage(new Database.SqliteError("disk I/O error", "SQLITE_IOERR")));
  assert.ok(!isSqliteDamage(new Error("file is not a database")));
});
