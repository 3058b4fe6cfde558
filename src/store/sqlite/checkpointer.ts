// WAL checkpoints off the event loop (DESIGN §7). SQLite's automatic checkpoint runs inside the
// commit that crosses its threshold: it copies pages into the database file and syncs it on the
// thread serving requests. Here a store turns that off and one worker thread per process
// checkpoints every registered store in the background (checkpoint-worker.ts). Should the worker
// be unable to take a store, the store checkpoints itself again.

import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import type { CheckpointReply, CheckpointRequest } from "./checkpoint-worker.js";

const AUTOCHECKPOINT_PAGES = 1_000; // SQLite's default

let worker: Worker | undefined;
const stores = new Map<string, Database.Database>();
const removals = new Map<number, () => void>();
let nextId = 0;

/** the store checkpoints itself again (the worker could not take it, or is gone) */
function fallBack(file: string) {
  const db = stores.get(file);
  if (db?.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
}

function ensureWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL("./checkpoint-worker.js", import.meta.url));
  w.unref();
  w.on("message", (m: CheckpointReply) => {
    if ("removed" in m) removals.get(m.removed)?.();
    else fallBack(m.failed);
  });
  const gone = () => {
    if (worker !== w) return;
    worker = undefined;
    for (const file of stores.keys()) fallBack(file);
    for (const done of removals.values()) done();
  };
  w.on("error", gone);
  w.on("exit", gone);
  worker = w;
  return w;
}

const post = (m: CheckpointRequest) => ensureWorker().postMessage(m);

/** Checkpoint `file` (whose connection is `db`) in the background; stop() before closing `db`. */
export function checkpointInBackground(db: Database.Database, file: string): { stop(): Promise<void> } {
  db.pragma("wal_autocheckpoint = 0");
  stores.set(file, db);
  post({ add: file });
  return {
    async stop() {
      if (!stores.delete(file) || !worker) return;
      const id = nextId++;
      const w = worker;
      await new Promise<void>((resolve) => {
        removals.set(id, resolve);
        w.postMessage({ remove: file, id } satisfies CheckpointRequest);
      });
      removals.delete(id);
      if (stores.size === 0 && worker === w) {
        worker = undefined;
        await w.terminate();
      }
    },
  };
}
