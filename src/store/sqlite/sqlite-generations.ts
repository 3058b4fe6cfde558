// The store's change counters (store.ts `generations`) in SQLite: one row per kind of record,
// moved by every transaction that changes a record of that kind, whichever process writes.
//
// Reading the rows is a read transaction (~4 µs idle, ~20 µs of locking beside a busy writer), and
// every cache checks them before it answers. So each transaction that moves them also names its new
// counters in a 24-byte file beside the database (`<file>-generations`), written just before its
// COMMIT, while it holds the database's write lock: the file always names the last transaction to
// move the counters, in commit order. A reader reads the file (one pread) and trusts the counters
// it last read from the rows while the file names the same counters it named then, and only when
// those rows covered what the file named (that transaction had committed, not merely begun). Any
// later transaction rewrites the file before its COMMIT, so once a write is acknowledged no reader
// trusts rows read before it. A transaction that rolls back after naming its counters leaves the
// file ahead of the rows: readers read the rows at every check until the next write names newer
// ones (slower, never stale); so does a process that dies before it commits.
//
// Each move of a counter also names what it changed in `generation_changes` (generation-log.ts), in
// the same transaction.
//
// One check of the file serves every check until the next arrival of work in this process
// (arrivals.ts: whatever a client sends after another process's acknowledgement arrives later), or
// for one turn of the event loop in a process that marks no arrivals. A process whose stores no
// other process opens (`sole`) never reads the file: only its own commits move the counters.

import { closeSync, constants, openSync, readSync, writeSync } from "node:fs";
import type Database from "better-sqlite3";
import type { Generations } from "../store.js";
import { arrivalCount } from "../arrivals.js";
import { wrapWrites } from "./sqlite-wrap.js";
import { CHANGES_KEPT, subjectsOfMoves } from "../generation-log.js";

const GENERATION_KINDS = ["secrets", "keys", "identities"] as const;
type Kind = (typeof GENERATION_KINDS)[number];
const SIGNAL_BYTES = GENERATION_KINDS.length * 8;

/** The file beside a store's database that names its latest counters. */
export const GENERATIONS_SUFFIX = "-generations";

export const generationsSchema = `
CREATE TABLE IF NOT EXISTS generations (kind TEXT PRIMARY KEY, n INTEGER NOT NULL);
${GENERATION_KINDS.map((k) => `INSERT OR IGNORE INTO generations (kind, n) VALUES ('${k}', 0);`).join("\n")}
CREATE TABLE IF NOT EXISTS generation_changes (kind TEXT NOT NULL, n INTEGER NOT NULL, subject TEXT, PRIMARY KEY (kind, n)) WITHOUT ROWID;
`;

export interface GenerationCounters {
  /**
   * move `kind`'s counter: call inside the transaction that changes such a record, naming it
   * (`subject`) when the change is to one record; a move naming none changes anything
   */
  bump(kind: Kind, subject?: string): void;
  current(): Generations;
  /**
   * What the moves of `kind` after `from`, up to `to` (both read from current()), changed;
   * undefined when the log cannot say: a move named no subject, or the log no longer holds it.
   */
  changedBetween(kind: Kind, from: number, to: number): Set<string> | undefined;
  close(): void;
}

/** Moved by every commit this process makes to any store: a check made before it is not used after it. */
let commitsHere = 0;

/**
 * Runs `fn` once the microtasks queued now, and those they queue, have run: after the work that
 * began in this turn of the event loop, before the loop reads from the network again.
 */
const afterThisTurn = (fn: () => void) => queueMicrotask(() => process.nextTick(fn));

/**
 * `sole`: no other process opens this file, so only this process's own commits can move the
 * counters. Install before the store's repos prepare their transactions (sqlite-wrap.ts).
 */
export function makeGenerations(db: Database.Database, sole = false): GenerationCounters {
  const read = db.prepare("SELECT kind, n FROM generations");
  // run, then read: every writing statement is watched through its run (sqlite-wrap.ts)
  const bumpRow = db.prepare("UPDATE generations SET n = n + 1 WHERE kind = ?");
  const counter = db.prepare("SELECT n FROM generations WHERE kind = ?");
  const logChange = db.prepare("INSERT INTO generation_changes (kind, n, subject) VALUES (?, ?, ?)");
  const pruneChanges = db.prepare("DELETE FROM generation_changes WHERE kind = ? AND n <= ?");
  const changes = db.prepare("SELECT subject FROM generation_changes WHERE kind = ? AND n > ? AND n <= ?");
  const readRows = (): Generations => {
    const g: Generations = { secrets: 0, keys: 0, identities: 0 };
    for (const row of read.all() as { kind: Kind; n: number }[]) if (row.kind in g) g[row.kind] = row.n;
    return g;
  };
  const signal = sole || db.memory ? undefined : openSignal(db, readRows);

  let depth = 0; // transactions (and savepoints) under way
  let moved = false; // the outermost one moved a counter
  wrapWrites(db, {
    body: (fn) =>
      function (this: unknown, ...args) {
        depth++;
        try {
          const result = fn.apply(this, args);
          if (depth === 1 && moved) signal?.name(readRows()); // before COMMIT, under the write lock
          return result;
        } finally {
          if (--depth === 0) moved = false;
        }
      },
  });
  const bumpInTransaction = db.transaction((kind: Kind, subject?: string): void => bump(kind, subject));
  function bump(kind: Kind, subject?: string): void {
    if (!db.inTransaction) return bumpInTransaction(kind, subject); // named before its commit, like any other
    bumpRow.run(kind);
    const { n } = counter.get(kind) as { n: number };
    logChange.run(kind, n, subject ?? null);
    pruneChanges.run(kind, n - CHANGES_KEPT);
    moved = true;
    commitsHere++;
  }
  const changedBetween = (kind: Kind, from: number, to: number) =>
    subjectsOfMoves(to < from ? [] : (changes.all(kind, from, to) as { subject: string | null }[]), from, to);

  let last: Generations = readRows();
  /** what the file named when `last` was read, if those rows covered it; undefined: read the rows again */
  let trusted: Buffer | undefined;
  /** `commitsHere` and `arrivalCount()` when the check that still serves was made; undefined: none serves */
  let checkedAt: number | undefined;
  let checkedAfter = 0;
  return {
    bump,
    current() {
      const arrived = arrivalCount();
      if (checkedAt === commitsHere && (sole || checkedAfter === arrived)) return last;
      if (arrived === 0 && checkedAt === undefined) afterThisTurn(() => (checkedAt = undefined));
      checkedAt = commitsHere;
      checkedAfter = arrived;
      if (!signal) return (last = readRows());
      const named = signal.read();
      if (trusted !== undefined && named !== undefined && named.equals(trusted)) return last;
      last = readRows();
      trusted = named !== undefined && covers(last, named) ? named : undefined;
      return last;
    },
    changedBetween,
    close: () => signal?.close(),
  };
}

interface Signal {
  /** the counters the file names now, as its bytes; undefined when it cannot be read whole */
  read(): Buffer | undefined;
  /** name these counters: inside the transaction that moved them, before its COMMIT */
  name(g: Generations): void;
  close(): void;
}

function openSignal(db: Database.Database, readRows: () => Generations): Signal {
  // not "a+": on Linux a file opened to append is written at its end, whatever the position given
  const fd = openSync(`${db.name}${GENERATIONS_SUFFIX}`, constants.O_RDWR | constants.O_CREAT, 0o600);
  let open = true;
  const buffer = Buffer.alloc(SIGNAL_BYTES);
  const signal: Signal = {
    read() {
      const got = readSync(fd, buffer, 0, SIGNAL_BYTES, 0);
      return got === SIGNAL_BYTES ? Buffer.from(buffer) : undefined;
    },
    name(g) {
      const bytes = Buffer.alloc(SIGNAL_BYTES);
      GENERATION_KINDS.forEach((kind, i) => bytes.writeDoubleLE(g[kind], i * 8));
      writeSync(fd, bytes, 0, SIGNAL_BYTES, 0);
    },
    close() {
      if (open) closeSync(fd); // a store may be closed twice
      open = false;
    },
  };
  // A missing file, or one ahead of the rows (a restored copy, a transaction that rolled back):
  // named again under the write lock, so no transaction in flight is named over.
  const named = signal.read();
  if (named === undefined || !covers(readRows(), named)) {
    db.transaction(() => signal.name(readRows())).immediate();
  }
  return signal;
}

/** Do the rows `g` include the transaction the file names (`named`)? Counters only grow. */
function covers(g: Generations, named: Buffer): boolean {
  return GENERATION_KINDS.every((kind, i) => g[kind] >= named.readDoubleLE(i * 8));
}
