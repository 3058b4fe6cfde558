// Named locks for background jobs (issue 11 item 4) in the Region's SQLite file: one row per lock.
// Taking one is a single upsert, so two connections (two nodes) cannot both win it. Locks are not
// resettable data: a permissive-mode wipe leaves them to their TTL.

import type Database from "better-sqlite3";
import type { LockRepo } from "../store.js";
import type { Durability } from "./sqlite-durability.js";

export function makeSqliteLockRepo(db: Database.Database, { relaxed }: Pick<Durability, "relaxed">): LockRepo {
  // the update applies only to a lock that expired or that the caller already holds
  const take = db.prepare(
    `INSERT INTO locks (name, owner, lease_until) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
     WHERE locks.lease_until <= ? OR locks.owner = excluded.owner`,
  );
  const release = db.prepare("DELETE FROM locks WHERE name = ? AND owner = ?");
  // A lock lost to a power cut is only a job that may run twice, once; nothing waits for the disk.
  const takeRelaxed = relaxed((name: string, owner: string, ttlMs: number, now: number) => take.run(name, owner, now + ttlMs, now).changes > 0);
  const releaseRelaxed = relaxed((name: string, owner: string) => release.run(name, owner));
  return {
    async tryLock(name, owner, ttlMs, now) {
      return takeRelaxed(name, owner, ttlMs, now);
    },
    async releaseLock(name, owner) {
      releaseRelaxed(name, owner);
    },
  };
}
