// The PostgreSQL store's one way to reach the database: a pool, reads as single statements, and
// every write as a transaction (`write`). A write transaction carries a call's pending audit event
// (../call-events.ts) as the SQLite store does: if it changed a row for a call whose event is still
// pending, the event is appended to the chain just before COMMIT, and put back if it rolls back.
// Bookkeeping (`relaxed`) commits with synchronous_commit off: no response waits for its WAL flush,
// and it carries no event.

import type pg from "pg";
import { pendingEventFor } from "../call-events.js";
import { StoreUnavailable, type StoredAuditEvent } from "../store.js";
import { isDiskFull } from "./postgres-errors.js";
import type { SharedPool } from "./postgres-pool.js";

type Param = string | number | boolean | Buffer | null;

/** A statement runner: the pool (autocommit) or one transaction's client. */
export interface Queryable {
  rows<R>(sql: string, params?: Param[]): Promise<R[]>;
  /** run a writing statement; the number of rows it changed */
  run(sql: string, params?: Param[]): Promise<number>;
}

interface WriteOptions {
  /** bookkeeping: no response waits for the disk, and it carries no call's event */
  relaxed?: boolean;
}

export interface PostgresDb extends Queryable {
  readonly schema: string;
  /** a connection on the Region's schema, for what runs several statements on one (a snapshot read) */
  checkout(): Promise<pg.PoolClient>;
  write<T>(body: (tx: Queryable) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** a read of several statements from one snapshot (REPEATABLE READ, read-only) */
  snapshot<T>(body: (tx: Queryable) => Promise<T>): Promise<T>;
  /** where the call events are appended inside a write (set once by the audit repo) */
  carryEventsWith(append: (tx: Queryable, events: StoredAuditEvent[]) => Promise<void>): void;
  /** after each durable commit, how long it took (the store's metrics) */
  onCommit?: (ms: number) => void;
  close(): Promise<void>;
}

function runner(client: pg.PoolClient, onChange?: () => void): Queryable {
  return {
    async rows<R>(sql: string, params: Param[] = []) {
      return (await client.query(sql, params)).rows as R[];
    },
    async run(sql: string, params: Param[] = []) {
      const n = (await client.query(sql, params)).rowCount ?? 0;
      if (n > 0) onChange?.();
      return n;
    },
  };
}

/** Roll back after `error`; a connection that cannot even do that is dropped from the pool, not reused. */
async function rollback(client: pg.PoolClient, error: unknown): Promise<unknown> {
  try {
    await client.query("ROLLBACK");
  } catch {
    client.release(true);
    client.release = () => undefined; // the finally's release: already done
  }
  return error;
}

/** Statements in autocommit, each on a connection checked out for it. */
function autocommit(checkout: () => Promise<pg.PoolClient>): Queryable {
  const once = async <T>(f: (q: Queryable) => Promise<T>): Promise<T> => {
    const client = await checkout();
    try {
      const result = await f(runner(client));
      client.release();
      return result;
    } catch (e) {
      // a statement's own error leaves the connection usable; a lost connection is dropped
      client.release((e as { code?: unknown }).code === undefined);
      throw e;
    }
  };
  return {
    rows: (sql, params) => once((q) => q.rows(sql, params)),
    run: (sql, params) => once((q) => q.run(sql, params)),
  };
}

export function makePostgresDb(pool: SharedPool, schema: string, region: string): PostgresDb {
  const checkout = () => pool.checkout(schema);
  let appendEvents: ((tx: Queryable, events: StoredAuditEvent[]) => Promise<void>) | undefined;
  const db: PostgresDb = {
    schema,
    checkout,
    ...autocommit(checkout),
    carryEventsWith(append) {
      appendEvents = append;
    },
    async write(body, options = {}) {
      const pending = options.relaxed ? undefined : pendingEventFor(region);
      const client = await checkout();
      let changed = false;
      let took = false;
      try {
        await client.query(options.relaxed ? "BEGIN; SET LOCAL synchronous_commit TO OFF" : "BEGIN");
        const tx = runner(client, () => (changed = true));
        const result = await body(tx);
        // the call's event commits with its change: taken first, so its own rows do not take it again
        if (pending && changed && !pending.taken && !pending.closed && appendEvents) {
          const events = pending.take();
          took = true;
          try {
            await appendEvents(tx, events);
          } catch (e) {
            throw new Error(`the call's audit event could not be written: ${(e as Error).message}`, { cause: e });
          }
        }
        const started = performance.now();
        await client.query("COMMIT");
        if (!options.relaxed) db.onCommit?.(performance.now() - started);
        return result;
      } catch (e) {
        if (took) pending!.putBack(); // rolled back with the transaction
        await rollback(client, e);
        if (isDiskFull(e)) {
          throw new StoreUnavailable(`Region ${region} cannot take changes now: its store's disk is full. Reads still work; try again later.`, { cause: e });
        }
        throw e;
      } finally {
        client.release();
      }
    },
    async snapshot(body) {
      const client = await checkout();
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const result = await body(runner(client));
        await client.query("COMMIT");
        return result;
      } catch (e) {
        throw await rollback(client, e);
      } finally {
        client.release();
      }
    },
    close: () => pool.release(),
  };
  return db;
}
