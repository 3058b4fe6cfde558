// The PostgreSQL implementation of the Region store (DESIGN §3, §7): one schema per Region in the
// database of a connection string, shared by every node that serves the Region. Each write is one
// transaction that commits durably before it returns (so whenDurable has nothing to wait for), and
// carries its call's audit event; bookkeeping commits without waiting for the WAL flush. Nothing
// is cached here: caches above the seam check generations() first, which asks the database.

import type { RegionStore } from "../store.js";
import { makeLogger, type Logger } from "../../util/logger.js";
import { makeSyncMetrics } from "../store-metrics.js";
import { makePostgresDb } from "./postgres-db.js";
import { quoteIdent, sharedPool } from "./postgres-pool.js";
import { migrate, resettableTables } from "./postgres-schema.js";
import { bump, listenForChanges, makeGenerationReader } from "./postgres-generations.js";
import { makePostgresSecretRepo } from "./postgres-secret-repo.js";
import { makePostgresKeyRepo } from "./postgres-key-repo.js";
import { makePostgresIdentityRepo } from "./postgres-identity-repo.js";
import { makePostgresReplicationRepo } from "./postgres-replication-repo.js";
import { appendToChain, makePostgresAuditRepo } from "./postgres-audit-repo.js";
import { makePostgresLockRepo } from "./postgres-lock-repo.js";
import { makePostgresDocumentRepo } from "./postgres-document-repo.js";

export interface PostgresPlace {
  url: string;
  schema: string;
  region: string;
  log?: Logger;
}

export async function openPostgresStore({ url, schema, region, log = makeLogger() }: PostgresPlace): Promise<RegionStore> {
  let reported = false;
  const onError = (e: Error) => {
    // once: a database restarting drops every idle connection at once
    if (!reported) log.error("a connection to the Region's PostgreSQL store was lost; the next call opens another", { region, error: e.message });
    reported = true;
  };
  const pool = sharedPool(url, onError);
  try {
    await migrate(pool, schema);
  } catch (e) {
    await pool.release().catch(() => undefined);
    throw e;
  }
  const db = makePostgresDb(pool, schema, region);
  const metrics = makeSyncMetrics(region);
  db.onCommit = metrics.recordSync;
  db.carryEventsWith(appendToChain);
  const generations = makeGenerationReader(db);
  const changes = listenForChanges(url, schema, onError);
  const s = quoteIdent(schema);

  return {
    ...makePostgresSecretRepo(db, generations),
    ...makePostgresKeyRepo(db),
    ...makePostgresIdentityRepo(db),
    ...makePostgresReplicationRepo(db),
    ...makePostgresAuditRepo(db),
    ...makePostgresLockRepo(db),
    ...makePostgresDocumentRepo(db),
    generations: () => generations.current(),
    onChange: (listener) => changes.onChange(listener),
    whenDurable: () => undefined,
    metrics: metrics.registry,
    async getMeta(key) {
      return (await db.rows<{ value: string }>("SELECT value FROM meta WHERE key = $1", [key]))[0]?.value;
    },
    async putMeta(key, value) {
      await db.write((tx) => tx.run("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]));
    },
    async listMeta(prefix) {
      const rows = await db.rows<{ key: string; value: string }>("SELECT key, value FROM meta WHERE starts_with(key, $1) ORDER BY key", [prefix]);
      return rows.map((r) => [r.key, r.value]);
    },
    async wipe() {
      await db.write(async (tx) => {
        for (const t of resettableTables) await tx.run(`DELETE FROM ${s}.${t}`);
        await bump(tx, schema, "secrets");
        await bump(tx, schema, "keys");
      });
    },
    async close() {
      await changes.close();
      await db.close();
    },
  };
}
