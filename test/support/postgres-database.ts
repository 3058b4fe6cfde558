// The PostgreSQL the tests of the PostgreSQL store run against: MERIDIAN_TEST_POSTGRES_URL (which
// .ci/run sets), a role that may create databases. Each test takes a database of its own, dropped
// after, so tests running at once never see each other's schemas.

import { randomBytes } from "node:crypto";
import pg from "pg";

export const postgresUrl = process.env.MERIDIAN_TEST_POSTGRES_URL || undefined;

/** Why the PostgreSQL tests cannot run here (for `skip`), or undefined when they can. */
export const noPostgres = postgresUrl
  ? undefined
  : "skipped: MERIDIAN_TEST_POSTGRES_URL is unset (e.g. postgres://postgres@127.0.0.1:5432/test; .ci/run sets it)";

async function admin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  /** one query on the database (a test looking at what the nodes share) */
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** A new, empty database on the test server, named `<prefix>_<random>`. */
export async function freshDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const u = new URL(postgresUrl!);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    url,
    name,
    async query<R>(sql: string, params: unknown[] = []) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows as R[];
      } finally {
        await c.end();
      }
    },
    // FORCE: a node killed with -9 may leave its connections for the server to notice later
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
