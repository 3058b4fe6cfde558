// The schema of a Region's PostgreSQL store: one schema per Region (`meridian_us_east_1`) in the
// database of the connection string, its tables as the SQLite store's (records as JSON documents
// beside the columns looked up or ordered by; values and key material only ever ciphertext). Text
// is compared byte-wise (COLLATE "C"), so names sort as they do in SQLite whatever the database's
// locale. Migrations are numbered and recorded; nodes starting at once take an advisory lock, so
// one migrates and the others find it done.

import pg from "pg";
import { quoteIdent, type SharedPool } from "./postgres-pool.js";

/** The schema a Region's store lives in, unless the configuration names one. */
export function schemaFor(region: string): string {
  return `meridian_${region.replace(/[^a-z0-9]/gi, "_").toLowerCase()}`;
}

const T = 'TEXT COLLATE "C"';

/** Each step runs once per schema, in order, in one transaction with its record in schema_migrations. */
const MIGRATIONS: string[] = [
  `
CREATE TABLE secrets (
  arn ${T} PRIMARY KEY,
  account_id ${T} NOT NULL,
  name ${T} NOT NULL,
  created_date BIGINT NOT NULL,
  purge_date BIGINT,
  revision BIGINT NOT NULL,
  doc TEXT NOT NULL,
  access_doc TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX secrets_by_name ON secrets(account_id, name);
CREATE INDEX secrets_by_purge ON secrets(purge_date) WHERE purge_date IS NOT NULL;
CREATE INDEX secrets_by_created ON secrets(account_id, created_date, name, arn);
CREATE TABLE secret_values (
  arn ${T} NOT NULL,
  version_id ${T} NOT NULL,
  kind TEXT NOT NULL,
  wrapped_key BYTEA NOT NULL,
  iv BYTEA NOT NULL,
  ciphertext BYTEA NOT NULL,
  PRIMARY KEY (arn, version_id)
);
CREATE TABLE kms_keys (arn ${T} PRIMARY KEY, account_id ${T} NOT NULL, doc TEXT NOT NULL);
CREATE INDEX kms_keys_by_account ON kms_keys(account_id, arn);
CREATE TABLE kms_aliases (account_id ${T} NOT NULL, alias_name ${T} NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (account_id, alias_name));
CREATE TABLE access_keys (access_key_id ${T} PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE iam_entities (
  account_id ${T} NOT NULL,
  kind ${T} NOT NULL,
  name ${T} NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (account_id, kind, name)
);
CREATE TABLE outbox (
  arn ${T} NOT NULL,
  region ${T} NOT NULL,
  account_id ${T} NOT NULL,
  op TEXT NOT NULL,
  revision BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  queued_at BIGINT NOT NULL DEFAULT 0,
  lease_until BIGINT,
  lease_owner TEXT,
  PRIMARY KEY (arn, region)
);
CREATE INDEX outbox_due ON outbox(next_attempt_at);
CREATE TABLE replica_status (arn ${T} NOT NULL, region ${T} NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (arn, region));
CREATE TABLE audit_events (
  seq BIGINT PRIMARY KEY,
  event_time BIGINT NOT NULL,
  region TEXT NOT NULL,
  event_source TEXT NOT NULL,
  event_name TEXT NOT NULL,
  principal_arn TEXT NOT NULL,
  user_name TEXT,
  event_id TEXT NOT NULL,
  error_code TEXT,
  doc TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit_events(event_time, seq);
CREATE TABLE audit_chain (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  anchor_hash TEXT NOT NULL,
  anchor_position BIGINT NOT NULL,
  head_hash TEXT NOT NULL,
  head_position BIGINT NOT NULL,
  doc_bytes BIGINT NOT NULL
);
INSERT INTO audit_chain VALUES (1, '${"0".repeat(64)}', 0, '${"0".repeat(64)}', 0, 0);
CREATE TABLE locks (name ${T} PRIMARY KEY, owner TEXT NOT NULL, lease_until BIGINT NOT NULL);
CREATE TABLE meta (key ${T} PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE generations (kind TEXT PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO generations VALUES ('secrets', 0), ('keys', 0), ('identities', 0);
`,
  // 2: capabilities' documents (CloudFormation's stacks, change sets, exports), as sqlite-schema.ts's
  `
CREATE TABLE documents (kind ${T} NOT NULL, account_id ${T} NOT NULL, key ${T} NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, account_id, key));
`,
  // 3: what each move of a change counter changed (postgres-generations.ts), so caches forget only that
  `
CREATE TABLE generation_changes (kind TEXT NOT NULL, n BIGINT NOT NULL, subject TEXT, PRIMARY KEY (kind, n));
`,
];

/** tables a permissive-mode reset empties (as sqlite-schema.ts's: meta, identities and the audit trail stay) */
export const resettableTables = ["secrets", "secret_values", "kms_keys", "kms_aliases", "outbox", "replica_status", "documents"];

/**
 * Create the schema and bring it to the newest migration, under an advisory lock on the schema's
 * name (held by this session only while it migrates), so nodes starting at once migrate once.
 */
export async function migrate(pool: SharedPool, schema: string): Promise<void> {
  const client = await pool.checkout(schema);
  const s = quoteIdent(schema);
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [`meridian:${schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const done = (await client.query(`SELECT coalesce(max(version), 0) AS v FROM ${s}.schema_migrations`)).rows[0] as { v: number };
      for (let version = done.v + 1; version <= MIGRATIONS.length; version++) {
        await client.query("BEGIN");
        try {
          await client.query(`SET LOCAL search_path TO ${s}`);
          await client.query(MIGRATIONS[version - 1]!);
          await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [version]);
          await client.query("COMMIT");
        } catch (e) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw e;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [`meridian:${schema}`]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** Does the schema exist (a reader creates nothing)? */
export async function schemaExists(pool: SharedPool, schema: string): Promise<boolean> {
  const client = await pool.checkout(schema);
  try {
    const { rows } = await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'audit_chain'", [schema]);
    return rows.length > 0;
  } finally {
    client.release();
  }
}

/** The Regions with a schema in the database of `url`, sorted (`meridian audit` without --region). */
export async function postgresRegions(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string }>(
      "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'audit_chain' AND table_schema LIKE 'meridian\\_%' ORDER BY 1",
    );
    return rows.map((r) => r.schema.slice("meridian_".length).replace(/_/g, "-")).sort();
  } finally {
    await client.end();
  }
}
