// One way to watch every write a store's connection makes: each repo prepares its statements and
// transactions through `db`, so wrapping `db.prepare` (the run of each writing statement) and
// `db.transaction` (the body, and the call that runs and commits it) reaches all of them, and no
// repo can forget. Group commit, a call's audit event and the handling of a full disk are each one
// such wrapper. Install them before any statement is prepared; the last installed runs outermost.

import type Database from "better-sqlite3";

type Run = (...args: unknown[]) => unknown;
type RunResult = Database.RunResult;

export interface WriteWrappers {
  /** around the run of every writing statement (autocommit, or inside a transaction) */
  statement?: (run: (...params: unknown[]) => RunResult) => (...params: unknown[]) => RunResult;
  /** around a transaction's body, inside the transaction (before its COMMIT) */
  body?: (body: Run) => Run;
  /** around the call that begins, runs and commits (or rolls back) a transaction */
  transaction?: (run: Run) => Run;
}

export function wrapWrites(db: Database.Database, w: WriteWrappers): void {
  if (w.statement) {
    const wrap = w.statement;
    const prepare = db.prepare.bind(db) as Database.Database["prepare"];
    db.prepare = ((...args: Parameters<Database.Database["prepare"]>) => {
      const statement = prepare(...args);
      if (statement.readonly) return statement;
      statement.run = wrap(statement.run.bind(statement) as (...params: unknown[]) => RunResult) as typeof statement.run;
      return statement;
    }) as Database.Database["prepare"];
  }
  if (w.body || w.transaction) {
    const body = w.body ?? ((b: Run) => b);
    const outer = w.transaction ?? ((t: Run) => t);
    const transaction = db.transaction.bind(db);
    db.transaction = ((fn: Run) => {
      const wrapped = body(fn);
      const t = transaction(function (this: unknown, ...args: unknown[]) {
        return wrapped.apply(this, args);
      });
      return Object.assign(outer(t), {
        default: outer(t.default),
        deferred: outer(t.deferred),
        immediate: outer(t.immediate),
        exclusive: outer(t.exclusive),
      });
    }) as Database.Database["transaction"];
  }
}
