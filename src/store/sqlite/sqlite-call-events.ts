// Carries a call's pending audit event into the transaction of its first durable write
// (../call-events.ts): every writing statement notes that the transaction under way changed
// something, the outermost transaction writes the event just before it commits, and a transaction
// that throws (its body, or its COMMIT: a full disk) puts back the event it took (sqlite-wrap.ts).

import type Database from "better-sqlite3";
import { pendingEventFor, type PendingCallEvent } from "../call-events.js";
import type { StoredAuditEvent } from "../store.js";
import { wrapWrites } from "./sqlite-wrap.js";

export interface CallEventCarrier {
  /** the Region whose calls' events this store keeps */
  region: string;
  /** a bookkeeping write (Durability.relaxed) is running: it carries no event */
  relaxed(): boolean;
  /** writes the events inside the transaction under way */
  insert(events: StoredAuditEvent[]): void;
}

export function carryCallEvents(db: Database.Database, carrier: CallEventCarrier): void {
  const pending = (): PendingCallEvent | undefined => (carrier.relaxed() ? undefined : pendingEventFor(carrier.region));
  let depth = 0; // transactions (and savepoints) under way
  let changed = false; // the outermost one has made a durable change on behalf of a pending call

  function writeEvent() {
    const p = pending();
    if (!p) return;
    const events = p.take(); // first: the events' own rows must not take them again
    try {
      carrier.insert(events);
    } catch (e) {
      // not the change's own error (a repo must not read a refused audit row as, say, a name conflict)
      throw new Error(`the call's audit event could not be written: ${(e as Error).message}`, { cause: e });
    }
  }

  wrapWrites(db, {
    statement: (run) =>
      function carrying(...params): Database.RunResult {
        if (!pending()) return run(...params);
        // A write on its own is its own transaction: give it one the event can join.
        if (depth === 0) return db.transaction((): Database.RunResult => carrying(...params))();
        const result = run(...params);
        if (result.changes > 0) changed = true;
        return result;
      },
    body: (fn) =>
      function (this: unknown, ...args) {
        depth++;
        try {
          const result = fn.apply(this, args);
          if (depth === 1 && changed) writeEvent();
          return result;
        } finally {
          if (--depth === 0) changed = false;
        }
      },
    transaction: (run) => (...args) => {
      const p = pending();
      try {
        return run(...args);
      } catch (e) {
        if (p?.taken) p.putBack(); // rolled back with the transaction
        throw e;
      }
    },
  });
}
