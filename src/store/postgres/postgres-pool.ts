// One pool of connections per PostgreSQL database (connection string) in a process, shared by every
// Region whose schema lives there, so a node hosting many Regions holds a handful of connections,
// not a pool per Region. A connection is pointed at a Region's schema (search_path) when it is
// checked out for it, only when it last served another. The pool closes with its last Region.

import pg from "pg";

// bigint (COUNT, BIGINT columns) as a JavaScript number: every value kept is an epoch ms or a counter
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

/** Connections per database per process, unless MERIDIAN_POSTGRES_POOL_SIZE says otherwise. */
const DEFAULT_POOL_SIZE = 10;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface SharedPool {
  /** a connection whose search_path is `schema`; give it back with release() (release(true) drops it) */
  checkout(schema: string): Promise<pg.PoolClient>;
  /** this user is done with the pool; the last one closes it */
  release(): Promise<void>;
}

const pools = new Map<string, { pool: pg.Pool; users: number; onError: Set<(e: Error) => void> }>();
const schemaOf = new WeakMap<pg.PoolClient, string>();

/**
 * The process's pool for `url`. An idle connection that drops (the database restarting) is reported
 * to `onError` and replaced on next use, rather than taking the process down.
 */
export function sharedPool(url: string, onError: (e: Error) => void): SharedPool {
  let entry = pools.get(url);
  if (!entry) {
    const size = Number(process.env.MERIDIAN_POSTGRES_POOL_SIZE) || DEFAULT_POOL_SIZE;
    const created = { pool: new pg.Pool({ connectionString: url, max: size, types }), users: 0, onError: new Set<(e: Error) => void>() };
    created.pool.on("error", (e) => {
      for (const f of created.onError) f(e);
    });
    pools.set(url, created);
    entry = created;
  }
  const e = entry;
  e.users++;
  e.onError.add(onError);
  let released = false;
  return {
    async checkout(schema) {
      const client = await e.pool.connect();
      if (schemaOf.get(client) !== schema) {
        try {
          await client.query(`SET search_path TO ${quoteIdent(schema)}`);
        } catch (err) {
          client.release(true);
          throw err;
        }
        schemaOf.set(client, schema);
      }
      return client;
    },
    async release() {
      if (released) return;
      released = true;
      e.onError.delete(onError);
      if (--e.users === 0) {
        pools.delete(url);
        await e.pool.end();
      }
    },
  };
}
