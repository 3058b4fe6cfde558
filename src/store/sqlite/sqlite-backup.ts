// Backup and restore of SQLite Region stores (store-backup.ts), beside a server that may be writing
// them: each Region file in WAL mode, written by the server's own connection.
//
// One moment across Regions. Each store gets two connections here: a gate (read-write, never
// writes) and a reader (read-only). With every gate holding its file's write lock (BEGIN
// IMMEDIATE), no commit can land in any Region, so the read transaction each reader then opens sees
// every Region as it was at that one moment; then the gates let go. A change applied in one Region
// and recorded in another (a replica's apply, then its primary's InSync) is in both copies or in
// neither. The locks are taken all or none: each BEGIN IMMEDIATE is tried without waiting, and when
// a Region is busy (a server transaction under way) the gates taken are let go and the round is
// tried again a moment later. So a server's writer waits, at most, the few milliseconds between our
// first lock and our last read, and never while we wait for another Region.
//
// The copy: SQLite's online backup API (better-sqlite3's `db.backup()`), run on the reader in steps
// between which the event loop runs. The API starts over when the source changes under it; here it
// never does, because the reader's open read transaction pins its snapshot (under WAL, commits made
// meanwhile go to the log, and checkpoints stop at the oldest reader's mark), so the copy is exactly
// that snapshot however long it takes. `VACUUM INTO` also writes a consistent copy, but it refuses
// to run inside a transaction and takes its own snapshot when it starts: each Region's copy would be
// of another moment, unless every writer were held off for the whole copy. A `cp` of a live file
// (and its -wal) can tear pages and lose the log.

import { chmodSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { StoreSnapshot } from "../store-backup.js";
import { GENERATIONS_SUFFIX } from "./sqlite-generations.js";

/** How long to look for a moment when no Region is being written before giving up. */
const GATE_TIMEOUT_MS = 30_000;
/** pages copied per step of the backup API (4 KiB each); the event loop runs between steps */
const PAGES_PER_STEP = 1_000;
/** a copy of a Meridian store has these tables */
const STORE_TABLES = ["meta", "secrets", "secret_values", "kms_keys"];
const SIDE_FILES = ["-wal", "-shm", "-journal", GENERATIONS_SUFFIX];

interface Opened {
  gate: Database.Database;
  reader: Database.Database;
}

/** `files`: each Region's store file. */
export async function snapshotSqliteStores(files: Map<string, string>, gateTimeoutMs = GATE_TIMEOUT_MS): Promise<StoreSnapshot> {
  const opened = new Map<string, Opened>();
  const closeAll = () => {
    for (const { gate, reader } of opened.values()) {
      if (reader.open) reader.close();
      if (gate.open) gate.close();
    }
  };
  try {
    for (const [region, file] of files) {
      // The gate first: opened read-write, it recovers a log left by a crash before the reader reads.
      const gate = openOrExplain(file, {});
      gate.pragma("busy_timeout = 0");
      const reader = openOrExplain(file, { readonly: true });
      reader.pragma("busy_timeout = 5000"); // a reader waits only for a log being recovered or reset
      opened.set(region, { gate, reader });
    }
    await snapshotAtOneMoment([...opened.values()], gateTimeoutMs);
    for (const { gate } of opened.values()) gate.close();
  } catch (e) {
    closeAll();
    throw e;
  }
  return {
    regions: [...files.keys()].sort(),
    async copyTo(region, file) {
      const reader = opened.get(region)?.reader;
      if (!reader?.open) throw new Error(`no snapshot of Region ${region}'s store`);
      await reader.backup(file, { progress: () => PAGES_PER_STEP });
      // One self-contained file: no log beside it, whatever the journal mode it was copied in.
      const copy = new Database(file, { fileMustExist: true });
      try {
        copy.pragma("journal_mode = DELETE");
      } finally {
        copy.close();
      }
      for (const side of SIDE_FILES) rmSync(file + side, { force: true });
      await checkSqliteCopy(file);
    },
    close: closeAll,
  };
}

async function snapshotAtOneMoment(stores: Opened[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held: Database.Database[] = [];
    try {
      for (const { gate } of stores) {
        gate.exec("BEGIN IMMEDIATE");
        held.push(gate);
      }
      // Every Region is still: each reader's first read fixes its snapshot here.
      for (const { reader } of stores) {
        reader.exec("BEGIN");
        reader.prepare("SELECT count(*) FROM sqlite_master").get();
      }
      return;
    } catch (e) {
      if (!String((e as { code?: unknown }).code).startsWith("SQLITE_BUSY")) throw e; // SQLITE_BUSY and its extended codes
      for (const { reader } of stores) if (reader.inTransaction) reader.exec("ROLLBACK");
    } finally {
      for (const gate of held) gate.exec("ROLLBACK");
    }
    if (Date.now() > deadline) {
      throw new Error(`no moment in ${timeoutMs / 1000} s when no Region store was being written; try again when Meridian is less busy`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 10));
  }
}

function openOrExplain(file: string, options: Database.Options): Database.Database {
  try {
    return new Database(file, { ...options, fileMustExist: true });
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Throws, naming the file and the problem, unless `file` is a whole copy of a Meridian store. */
export async function checkSqliteCopy(file: string): Promise<void> {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = (db.pragma("quick_check") as { quick_check: string }[]).map((r) => r.quick_check).filter((r) => r !== "ok");
    if (problems.length > 0) throw new Error(`damaged (quick_check: ${problems.slice(0, 3).join("; ")})`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const missing = STORE_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) throw new Error(`not a Meridian Region store (no ${missing.join(", ")} table${missing.length > 1 ? "s" : ""})`);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  } finally {
    db?.close();
  }
}

/** Make a checked copy `dataDir`'s store of `region`, replacing the one there (and its log). */
export async function installSqliteCopy(copy: string, dataDir: string, region: string): Promise<void> {
  const target = join(dataDir, `${region}.sqlite`);
  // A log left beside the old file would be replayed into the new one.
  for (const side of SIDE_FILES) rmSync(target + side, { force: true });
  chmodSync(copy, 0o600);
  renameSync(copy, target);
}

/** A file of a Region's SQLite store: the database and its log or journal. */
export const isSqliteStoreFile = (name: string) => /\.sqlite(-wal|-shm|-journal|-generations)?$/.test(name);
