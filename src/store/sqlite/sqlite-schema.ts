// Schema of a Region's SQLite store. Records are JSON documents beside the few columns that are
// looked up or ordered by; values and key material are blobs that are only ever ciphertext.

export const schema = `
CREATE TABLE IF NOT EXISTS secrets (
  arn TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  created_date INTEGER NOT NULL,
  purge_date INTEGER,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL,
  access_doc TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX IF NOT EXISTS secrets_by_name ON secrets(account_id, name);
CREATE INDEX IF NOT EXISTS secrets_by_purge ON secrets(purge_date) WHERE purge_date IS NOT NULL;
CREATE INDEX IF NOT EXISTS secrets_by_created ON secrets(account_id, created_date, name, arn);
CREATE TABLE IF NOT EXISTS secret_values (
  arn TEXT NOT NULL,
  version_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  wrapped_key BLOB NOT NULL,
  iv BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  PRIMARY KEY (arn, version_id)
);
CREATE TABLE IF NOT EXISTS kms_keys (
  arn TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kms_aliases (
  account_id TEXT NOT NULL,
  alias_name TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (account_id, alias_name)
);
CREATE TABLE IF NOT EXISTS access_keys (
  access_key_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS iam_entities (
  account_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (account_id, kind, name)
);
CREATE TABLE IF NOT EXISTS outbox (
  arn TEXT NOT NULL,
  region TEXT NOT NULL,
  account_id TEXT NOT NULL,
  op TEXT NOT NULL,
  revision INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  queued_at INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER,
  lease_owner TEXT,
  PRIMARY KEY (arn, region)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(next_attempt_at);
CREATE TABLE IF NOT EXISTS replica_status (
  arn TEXT NOT NULL,
  region TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (arn, region)
);
CREATE TABLE IF NOT EXISTS audit_events (
  seq INTEGER PRIMARY KEY,
  event_time INTEGER NOT NULL,
  region TEXT NOT NULL,
  event_source TEXT NOT NULL,
  event_name TEXT NOT NULL,
  principal_arn TEXT NOT NULL,
  user_name TEXT,
  event_id TEXT NOT NULL,
  error_code TEXT,
  doc TEXT NOT NULL,
  prev_hash TEXT,
  hash TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit_events(event_time, seq);
CREATE TABLE IF NOT EXISTS audit_chain (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  anchor_hash TEXT NOT NULL,
  anchor_position INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  head_position INTEGER NOT NULL,
  doc_bytes INTEGER
);
CREATE TABLE IF NOT EXISTS locks (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
  kind TEXT NOT NULL,
  account_id TEXT NOT NULL,
  key TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, account_id, key)
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** tables a permissive-mode reset empties; the root key check value and access keys survive, and so
 *  does the audit trail (audit_events and its hash chain, audit_chain): a reset is itself a change
 *  to account for, not a way to erase the record of what was done before it; documents (stacks)
 *  go with the secrets and keys they describe */
export const resettableTables = ["secrets", "secret_values", "kms_keys", "kms_aliases", "outbox", "replica_status", "documents"];
