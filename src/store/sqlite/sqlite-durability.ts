// Group commit for a Region's SQLite store (DESIGN §7). Transactions commit to the WAL without
// waiting for the disk (synchronous=NORMAL); a response that may depend on them waits for
// `whenDurable()`, which makes every change committed so far durable with one fdatasync of the WAL
// on libuv's thread pool. Concurrent requests share that fsync, and the event loop never blocks on
// the disk. SQLite still syncs the WAL before each checkpoint and the database after it, so what
// this sync has covered stays durable through checkpoints and WAL restarts.
//
// Bookkeeping writes (replication statuses, read-only calls' audit events, last-used notes) are
// made through `relaxed`: they are synced along with the rest but no response waits for them.

import type Database from "better-sqlite3";
import { open, type FileHandle } from "node:fs/promises";
import { wrapWrites } from "./sqlite-wrap.js";

export interface Durability {
  /** `fn`'s writes do not make a response wait for the disk */
  relaxed<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T;
  /** a write made through `relaxed` is running */
  inRelaxed(): boolean;
  /** resolves once every change committed before the call is on disk; undefined when it already is */
  whenDurable(): Promise<void> | undefined;
  /** lets a sync under way finish, then closes the database (which checkpoints and syncs it) */
  close(closeDatabase: () => void): Promise<void>;
}

/** Flushes the WAL file to disk. */
export type SyncFile = () => Promise<void>;

export function syncFileAt(path: string): SyncFile & { close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  const sync = async () => {
    handle ??= open(path, "r");
    try {
      await (await handle).datasync();
    } catch (e) {
      handle = undefined; // opened again next time
      throw e;
    }
  };
  return Object.assign(sync, {
    async close() {
      const h = handle;
      handle = undefined;
      if (h) await (await h.catch(() => undefined))?.close();
    },
  });
}

/**
 * Counts the changes `db`'s statements make (sqlite-wrap.ts: every writing statement of every
 * repo). Writes through `db.exec` are not counted (only the schema at open uses it). Call before
 * any statement is prepared.
 */
export function makeGroupCommit(db: Database.Database, syncFile: SyncFile, onSync: (ms: number) => void = () => {}): Durability {
  let changed = 0; // changes committed that a response must not outrun
  let synced = 0; // `changed` when the last completed sync began
  let relaxedDepth = 0;
  let closed = false;
  let syncing: Promise<void> | undefined;

  wrapWrites(db, {
    statement: (run) => (...params) => {
      const result = run(...params);
      if (relaxedDepth === 0 && result.changes > 0) changed++;
      return result;
    },
  });

  function syncOnce(): Promise<void> {
    syncing ??= (async () => {
      const upTo = changed; // taken before the sync begins: everything committed by now is in the WAL
      const started = performance.now();
      await syncFile();
      synced = Math.max(synced, upTo);
      onSync(performance.now() - started);
    })().finally(() => (syncing = undefined));
    return syncing;
  }

  async function waitFor(target: number) {
    // A sync already under way may have begun before our change: then one more is needed.
    while (synced < target) await syncOnce();
  }

  return {
    relaxed(fn) {
      return (...args) => {
        relaxedDepth++;
        try {
          return fn(...args);
        } finally {
          relaxedDepth--;
        }
      };
    },
    inRelaxed: () => relaxedDepth > 0,
    whenDurable() {
      return closed || synced >= changed ? undefined : waitFor(changed);
    },
    async close(closeDatabase) {
      closed = true;
      await syncing?.catch(() => undefined);
      closeDatabase();
      synced = changed;
    },
  };
}
