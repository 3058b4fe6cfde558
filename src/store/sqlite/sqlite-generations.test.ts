// The change counters' signal file (sqlite-generations.ts) against writers this process's store
// does not hear of: a raw connection on the same file stands for another process (its commits do
// not move this module's own commit count). A reader trusts its counters only while the file names
// what they hold: a transaction named but not yet committed, a file ahead of the rows, a write
// named by another process, are each read from the rows.

import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, openSync, readFileSync, readdirSync, closeSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "./sqlite-store.js";
import { GENERATIONS_SUFFIX } from "./sqlite-generations.js";
import { markArrival } from "../arrivals.js";
import { key, secret } from "../../../test/conformance/store/fixtures.js";
import { SECRET_KEY } from "../sql-rows.js";

function tempFile(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), "meridian-generations-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "us-east-1.sqlite");
}

/** `file`'s store, and a raw connection beside it standing for another process */
function openPair(t: TestContext, file: string) {
  const store = openSqliteStore(file);
  const other = new Database(file);
  other.pragma("busy_timeout = 5000");
  t.after(async () => {
    other.close();
    await store.close();
  });
  return { store, other };
}

const rows = (db: Database.Database) =>
  Object.fromEntries((db.prepare("SELECT kind, n FROM generations").all() as { kind: string; n: number }[]).map((r) => [r.kind, r.n]));

/** the file's bytes for these counters, as a writer names them */
function named(g: Record<string, number>): Buffer {
  const bytes = Buffer.alloc(24);
  ["secrets", "keys", "identities"].forEach((kind, i) => bytes.writeDoubleLE(g[kind]!, i * 8));
  return bytes;
}

function writeSignal(file: string, bytes: Buffer) {
  const fd = openSync(file + GENERATIONS_SUFFIX, "r+");
  writeSync(fd, bytes, 0, bytes.length, 0);
  closeSync(fd);
}

const check = async (store: { generations(): unknown }) => {
  markArrival(); // a new request: what another process acknowledged before it must be seen
  return (await store.generations()) as Record<string, number>;
};

test("a change another process commits and names is seen by the next check after an arrival", async (t) => {
  const file = tempFile(t);
  const { store, other } = openPair(t, file);
  const before = await check(store);
  other.transaction(() => {
    other.prepare("UPDATE generations SET n = n + 1 WHERE kind = 'keys'").run();
    writeSignal(file, named(rows(other)));
  })();
  const after = await check(store);
  assert.equal(after.keys, before.keys! + 1);
  assert.equal(after.secrets, before.secrets);
});

test("a transaction named but not yet committed is not trusted: its commit is seen, though it names nothing new", async (t) => {
  const file = tempFile(t);
  const { store, other } = openPair(t, file);
  const before = await check(store);
  other.exec("BEGIN IMMEDIATE");
  other.prepare("UPDATE generations SET n = n + 1 WHERE kind = 'secrets'").run();
  writeSignal(file, named(rows(other))); // named under the write lock, before COMMIT
  assert.equal((await check(store)).secrets, before.secrets, "not committed yet: the rows still hold the old counter");
  other.exec("COMMIT"); // the file is not written again: a reader must not have trusted what it read before
  assert.equal((await check(store)).secrets, before.secrets! + 1);
});

test("the store's own writes name their counters before they commit, and a write that rolls back names nothing it keeps", async (t) => {
  const file = tempFile(t);
  const { store, other } = openPair(t, file);
  await store.putKey(key(1));
  await store.commitSecret({ record: secret("app/db"), expectedRevision: 0 });
  assert.deepEqual(readFileSync(file + GENERATIONS_SUFFIX), named(rows(other)), "the file names the rows after a commit");
  assert.equal(statSync(file + GENERATIONS_SUFFIX).mode & 0o777, 0o600);
  // the name is taken: the transaction moved the counter, then threw, and rolled back
  await assert.rejects(store.commitSecret({ record: secret("app/db", { arn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-ZzZzZz" }), expectedRevision: 0 }));
  assert.deepEqual(readFileSync(file + GENERATIONS_SUFFIX), named(rows(other)), "nothing named that the rows do not hold");
});

test("a file ahead of the rows (a copy restored under it) is named again when the store opens", async (t) => {
  const file = tempFile(t);
  const first = openSqliteStore(file);
  await first.close();
  writeFileSync(file + GENERATIONS_SUFFIX, named({ secrets: 50, keys: 50, identities: 50 }));
  const { store, other } = openPair(t, file);
  assert.deepEqual(readFileSync(file + GENERATIONS_SUFFIX), named(rows(other)));
  // and it is trusted again: a change named by another process moves what the store reads
  const before = await check(store);
  other.transaction(() => {
    other.prepare("UPDATE generations SET n = n + 1 WHERE kind = 'identities'").run();
    writeSignal(file, named(rows(other)));
  })();
  assert.equal((await check(store)).identities, before.identities! + 1);
});

test("a secret another process changed is forgotten alone; a move the log cannot explain empties the cache", async (t) => {
  const file = tempFile(t);
  const { store, other } = openPair(t, file);
  const writer = openSqliteStore(file); // another process's store: it names what it changed
  t.after(() => writer.close());
  const [x, y] = [secret("app/x"), secret("app/y")];
  for (const record of [x, y]) await writer.commitSecret({ record, expectedRevision: 0 });
  markArrival();
  for (const record of [x, y]) assert.ok(await store.findSecretByArn(record.arn)); // both cached
  // a probe no store knows of: whoever reads y's row again sees this access date
  other.prepare("UPDATE secrets SET access_doc = ? WHERE arn = ?").run(JSON.stringify({ [SECRET_KEY]: 1234 }), y.arn);

  await writer.commitSecret({ record: { ...x, revision: 2 }, expectedRevision: 1 });
  markArrival();
  assert.equal((await store.findSecretByArn(x.arn))?.revision, 2, "the changed secret is read again");
  assert.equal((await store.findSecretByArn(y.arn))?.lastAccessedDate, undefined, "the other is still served from the cache");

  other.transaction(() => {
    other.prepare("UPDATE generations SET n = n + 1 WHERE kind = 'secrets'").run(); // naming no secret
    writeSignal(file, named(rows(other)));
  })();
  markArrival();
  assert.equal((await store.findSecretByArn(y.arn))?.lastAccessedDate, 1234, "emptied: read again");
});

test("only sqlite-generations.ts moves the counters' rows, so every move is named in the file", () => {
  // the sources beside this test's compiled file: dist/src/store/sqlite -> src/store/sqlite
  const dir = fileURLToPath(new URL("../../../../src/store/sqlite/", import.meta.url));
  const movers = readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "sqlite-generations.ts")
    .filter((f) => /UPDATE\s+generations\b|INTO\s+generations\b|generation_changes/i.test(readFileSync(join(dir, f), "utf8")));
  assert.deepEqual(movers, []);
});
