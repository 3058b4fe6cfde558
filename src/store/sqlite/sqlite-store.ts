// The SQLite implementation of the Region store (DESIGN §7): one file per Region, WAL, and
// synchronous=FULL so an acknowledged write survives a crash of the process or the machine.

import Database from "better-sqlite3";
import type { RegionStore } from "../store.js";
import { schema, resettableTables } from "./sqlite-schema.js";
import { makeSqliteSecretRepo } from "./sqlite-secret-repo.js";
import { makeSqliteKeyRepo } from "./sqlite-key-repo.js";
import { makeSqliteReplicationRepo } from "./sqlite-replication-repo.js";
import { makeSqliteIdentityRepo } from "./sqlite-identity-repo.js";
import { makeSqliteAuditRepo } from "./sqlite-audit-repo.js";

export function openSqliteStore(file: string): RegionStore {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.exec(schema);
  migrate(db);

  const getMeta = db.prepare("SELECT value FROM meta WHERE key = ?");
  const putMeta = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  const wipe = db.transaction(() => {
    for (const t of resettableTables) db.prepare(`DELETE FROM ${t}`).run();
  });

  const { clearCache, ...secretRepo } = makeSqliteSecretRepo(db);
  return {
    ...secretRepo,
    ...makeSqliteKeyRepo(db),
    ...makeSqliteReplicationRepo(db),
    ...makeSqliteIdentityRepo(db),
    ...makeSqliteAuditRepo(db),
    async getMeta(key) {
      return (getMeta.get(key) as { value: string } | undefined)?.value;
    },
    async putMeta(key, value) {
      putMeta.run(key, value);
    },
    async wipe() {
      wipe();
      clearCache();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Columns added after a store was first created. */
function migrate(db: Database.Database): void {
  const outboxColumns = (db.pragma("table_info(outbox)") as { name: string }[]).map((c) => c.name);
  if (!outboxColumns.includes("queued_at")) db.exec("ALTER TABLE outbox ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0");
}
