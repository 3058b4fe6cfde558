// The store's change counters (store.ts `generations`) in SQLite: one row per kind of record,
// moved by every transaction that changes a record of that kind, whichever process or connection
// writes. `PRAGMA data_version` (no I/O: it reads the connection's own view of the WAL index) says
// whether another connection committed anything since the last look; only then are the counters
// read again. This connection's own changes are not looked for: the caches in front of it were
// told of them by the code that made them.
//
// A request looks several times (its caller's keys, its secret, the secret's KMS key), and each
// look is a read transaction (~4 µs of locking, more under load). One look serves every check until
// the next arrival of work in this process (arrivals.ts: whatever a client sends after another
// process's acknowledgement arrives later), or for one turn of the event loop in a process that
// marks no arrivals. A commit by another connection of this same process (tests open two stores on
// one file) ends it at once.

import type Database from "better-sqlite3";
import type { Generations } from "../store.js";
import { arrivalCount } from "../arrivals.js";

const GENERATION_KINDS = ["secrets", "keys", "identities"] as const;
type Kind = (typeof GENERATION_KINDS)[number];

export const generationsSchema = `
CREATE TABLE IF NOT EXISTS generations (kind TEXT PRIMARY KEY, n INTEGER NOT NULL);
${GENERATION_KINDS.map((k) => `INSERT OR IGNORE INTO generations (kind, n) VALUES ('${k}', 0);`).join("\n")}
`;

export interface GenerationCounters {
  /** move `kind`'s counter: call inside the transaction that changes such a record */
  bump(kind: Kind): void;
  current(): Generations;
}

/** Moved by every commit this process makes to any store: a look taken before it is not used after it. */
let commitsHere = 0;

/**
 * Runs `fn` once the microtasks queued now, and those they queue, have run: after the work that
 * began in this turn of the event loop, before the loop reads from the network again.
 */
const afterThisTurn = (fn: () => void) => queueMicrotask(() => process.nextTick(fn));

/** `sole`: no other process opens this file, so only this process's own commits can move the counters. */
export function makeGenerations(db: Database.Database, sole = false): GenerationCounters {
  const dataVersion = db.prepare("PRAGMA data_version").pluck();
  const read = db.prepare("SELECT kind, n FROM generations");
  const bumps = new Map(GENERATION_KINDS.map((k) => [k, db.prepare("UPDATE generations SET n = n + 1 WHERE kind = ?")]));
  let seenVersion: number | undefined;
  let last: Generations = { secrets: 0, keys: 0, identities: 0 };
  /** `commitsHere` and `arrivalCount()` when the look that still serves was taken; undefined: none serves */
  let lookedAt: number | undefined;
  let lookedAfter = 0;
  return {
    bump(kind) {
      bumps.get(kind)!.run(kind);
      commitsHere++;
    },
    current() {
      const arrived = arrivalCount();
      if (lookedAt === commitsHere && (sole || lookedAfter === arrived)) return last;
      if (arrived === 0 && lookedAt === undefined) afterThisTurn(() => (lookedAt = undefined));
      lookedAt = commitsHere;
      lookedAfter = arrived;
      const version = dataVersion.get() as number;
      if (version !== seenVersion) {
        const next = { ...last };
        for (const row of read.all() as { kind: Kind; n: number }[]) if (row.kind in next) next[row.kind] = row.n;
        last = next;
        seenVersion = version;
      }
      return last;
    },
  };
}
