// A full disk (issue 12 item 1). A write SQLite refuses for want of space fails with
// StoreUnavailable, whose message tells the client that changes wait and reads go on; the operator
// is told once, naming the file, and told again when the first write after it commits. Reads never
// write (their bookkeeping is dropped, see touchAccessed), so they keep being served meanwhile.

import type Database from "better-sqlite3";
import { StoreUnavailable } from "../store.js";
import type { Logger } from "../../util/logger.js";
import { wrapWrites } from "./sqlite-wrap.js";

/** SQLite's SQLITE_FULL, or an error it caused (a call's audit event that could not be written) */
const isFull = (e: unknown): boolean => e instanceof Error && ((e as { code?: string }).code === "SQLITE_FULL" || isFull(e.cause));

export function refuseWritesWhenFull(db: Database.Database, file: string, region: string, log: Logger): void {
  let full = false;

  function guarded<T>(write: () => T): T {
    let result: T;
    try {
      result = write();
    } catch (e) {
      if (e instanceof StoreUnavailable || !isFull(e)) throw e;
      if (!full) {
        full = true;
        log.error("the disk is full: this Region refuses changes and keeps serving reads until space is freed", { region, file });
      }
      throw new StoreUnavailable(`Region ${region} cannot take changes now: its store's disk is full. Reads still work; try again later.`, { cause: e });
    }
    if (full && !db.inTransaction) {
      full = false; // committed: there is space again
      log.info("changes are written again: the disk has space", { region, file });
    }
    return result;
  }

  wrapWrites(db, {
    statement: (run) => (...params) => guarded(() => run(...params)),
    transaction: (run) => (...args) => guarded(() => run(...args)),
  });
}
