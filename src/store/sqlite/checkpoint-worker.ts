// The checkpointer's thread (checkpointer.ts): its own connection to each Region's store, and every
// interval a PASSIVE checkpoint, which copies what the WAL holds into the database file and syncs
// both without ever waiting for, or holding up, the main thread's connection.

import { parentPort } from "node:worker_threads";
import Database from "better-sqlite3";

export type CheckpointRequest = { add: string } | { remove: string; id: number };
/** `failed` on add: the file is not checkpointed here (the main thread checkpoints it itself) */
export type CheckpointReply = { removed: number } | { failed: string; error: string };

const INTERVAL_MS = 1_000;
const port = parentPort!;
const databases = new Map<string, Database.Database>();

port.on("message", (m: CheckpointRequest) => {
  if ("add" in m) {
    try {
      const db = new Database(m.add, { fileMustExist: true });
      db.pragma("synchronous = NORMAL"); // a checkpoint still syncs the WAL before and the database after
      databases.set(m.add, db);
    } catch (e) {
      port.postMessage({ failed: m.add, error: (e as Error).message } satisfies CheckpointReply);
    }
    return;
  }
  databases.get(m.remove)?.close();
  databases.delete(m.remove);
  port.postMessage({ removed: m.id } satisfies CheckpointReply);
});

setInterval(() => {
  for (const db of databases.values()) {
    try {
      db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // busy now (the main connection closing, say): the next round checkpoints
    }
  }
}, INTERVAL_MS);
