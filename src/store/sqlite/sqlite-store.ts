// The SQLite implementation of the Region store (DESIGN §7): one file per Region in WAL mode.
// Commits do not wait for the disk; whenDurable() syncs them as a group (sqlite-durability.ts), and
// no response leaves before the changes it may depend on are durable, so an acknowledged write
// survives a crash of the process or the machine.

import { closeSync, openSync } from "node:fs";
import { basename } from "node:path";
import Database from "better-sqlite3";
import type { RegionStore, StoredAuditEvent } from "../store.js";
import { schema, resettableTables } from "./sqlite-schema.js";
import { generationsSchema, makeGenerations } from "./sqlite-generations.js";
import { makeSqliteSecretRepo } from "./sqlite-secret-repo.js";
import { makeSqliteKeyRepo } from "./sqlite-key-repo.js";
import { makeSqliteReplicationRepo } from "./sqlite-replication-repo.js";
import { makeSqliteIdentityRepo } from "./sqlite-identity-repo.js";
import { makeSqliteLockRepo } from "./sqlite-lock-repo.js";
import { makeSqliteDocumentRepo } from "./sqlite-document-repo.js";
import { makeSqliteAuditRepo, migrateAuditChain } from "./sqlite-audit-repo.js";
import { makeGroupCommit, syncFileAt } from "./sqlite-durability.js";
import { checkpointInBackground } from "./checkpointer.js";
import { carryCallEvents } from "./sqlite-call-events.js";
import { refuseWritesWhenFull } from "./sqlite-write-failures.js";
import { makeLogger, type Logger } from "../../util/logger.js";
import { quickCheck } from "./sqlite-damage.js";
import { makeSyncMetrics } from "../store-metrics.js";

const WAL_SIZE_LIMIT = 8 * 1024 * 1024;

/** `region` labels the store's metrics; by default the file's name without its extension. */
export function openSqliteStore(
  file: string,
  region = basename(file).replace(/\.[^.]*$/, ""),
  log: Logger = makeLogger(),
  { sole = false }: { sole?: boolean } = {},
): RegionStore {
  // The owner's alone whatever the umask: SQLite gives the -wal and -shm files this file's mode.
  closeSync(openSync(file, "a", 0o600));
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    // the WAL shrinks back to this after each checkpoint that empties it, so it cannot keep a peak
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    // Damage is found here, naming the file (make-store.ts), not by the first request to read it.
    quickCheck(db);
    db.exec(schema);
    db.exec(generationsSchema);
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  const wal = syncFileAt(`${file}-wal`);
  const metrics = makeSyncMetrics(region);
  const durability = makeGroupCommit(db, wal, metrics.recordSync);
  const checkpoints = checkpointInBackground(db, file);
  // a call's audit event commits with its change (the audit repo's statements are prepared on first use)
  let insertEvents: (events: StoredAuditEvent[]) => void = () => {};
  carryCallEvents(db, { region, relaxed: durability.inRelaxed, insert: (events) => insertEvents(events) });
  refuseWritesWhenFull(db, file, region, log); // outermost: it sees what the others throw

  const getMeta = db.prepare("SELECT value FROM meta WHERE key = ?");
  const putMeta = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  const listMeta = db.prepare("SELECT key, value FROM meta WHERE substr(key, 1, length(?)) = ? ORDER BY key");
  const wipe = db.transaction(() => {
    for (const t of resettableTables) db.prepare(`DELETE FROM ${t}`).run();
  });

  const generations = makeGenerations(db, sole);
  const { clearCache, ...secretRepo } = makeSqliteSecretRepo(db, durability, generations);
  const { insertInTransaction, ...auditRepo } = makeSqliteAuditRepo(db, durability);
  insertEvents = insertInTransaction;
  return {
    ...secretRepo,
    ...makeSqliteKeyRepo(db, generations),
    ...makeSqliteReplicationRepo(db, durability),
    ...makeSqliteIdentityRepo(db, durability, generations),
    ...auditRepo,
    ...makeSqliteLockRepo(db, durability),
    ...makeSqliteDocumentRepo(db),
    whenDurable: () => durability.whenDurable(),
    generations: () => generations.current(),
    metrics: metrics.registry,
    async getMeta(key) {
      return (getMeta.get(key) as { value: string } | undefined)?.value;
    },
    async putMeta(key, value) {
      putMeta.run(key, value);
    },
    async listMeta(prefix) {
      return (listMeta.all(prefix, prefix) as { key: string; value: string }[]).map((r) => [r.key, r.value]);
    },
    async wipe() {
      wipe();
      for (const kind of ["secrets", "keys"] as const) generations.bump(kind);
      clearCache();
    },
    async close() {
      await checkpoints.stop();
      // closing checkpoints the WAL into the database file and syncs it
      await durability.close(() => {
        generations.close();
        if (db.open) db.close();
      });
      await wal.close();
    },
  };
}

/** Columns added after a store was first created. */
function migrate(db: Database.Database): void {
  const outboxColumns = (db.pragma("table_info(outbox)") as { name: string }[]).map((c) => c.name);
  if (!outboxColumns.includes("queued_at")) db.exec("ALTER TABLE outbox ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0");
  if (!outboxColumns.includes("lease_owner")) db.exec("ALTER TABLE outbox ADD COLUMN lease_until INTEGER; ALTER TABLE outbox ADD COLUMN lease_owner TEXT;");
  migrateAuditChain(db);
}
