// Named locks for background jobs (issue 11 item 4) in the Region's PostgreSQL schema: one row per
// lock, taken by one upsert whose update applies only to a lock that expired or that the caller
// holds, so of two nodes asking at once one wins (the second waits on the first's row, then sees
// it held). A lost lock is only a job that may run twice, once: no response waits for the disk.

import type { LockRepo } from "../store.js";
import type { PostgresDb } from "./postgres-db.js";

const TAKE = `INSERT INTO locks (name, owner, lease_until) VALUES ($1, $2, $3)
  ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
  WHERE locks.lease_until <= $4 OR locks.owner = excluded.owner`;

export function makePostgresLockRepo(db: PostgresDb): LockRepo {
  return {
    tryLock: async (name, owner, ttlMs, now) => (await db.write((tx) => tx.run(TAKE, [name, owner, now + ttlMs, now]), { relaxed: true })) > 0,
    async releaseLock(name, owner) {
      await db.write((tx) => tx.run("DELETE FROM locks WHERE name = $1 AND owner = $2", [name, owner]), { relaxed: true });
    },
  };
}
