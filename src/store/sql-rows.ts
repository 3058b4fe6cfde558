// The rows the SQL stores (SQLite, PostgreSQL) keep secrets and outbox entries in, and the records
// they stand for: one mapping, whichever database holds the row.

import type { SecretRecord } from "../contract/secret-types.js";
import type { OutboxEntry } from "./store.js";
import { decodeDoc, encodeDoc } from "./json-codec.js";

/** A secret: its record (without revision and access dates) and the dates it was last read. */
export interface SecretRow {
  doc: string;
  revision: number;
  access_doc: string;
}

/** Last-accessed days: "" (SECRET_KEY) → the secret, versionId → that version. */
export type AccessDoc = Record<string, number>;
export const SECRET_KEY = "";

export function secretOfRow(row: SecretRow): SecretRecord {
  const record = decodeDoc<SecretRecord>(row.doc);
  record.revision = row.revision;
  const access = JSON.parse(row.access_doc) as AccessDoc;
  record.lastAccessedDate = access[SECRET_KEY];
  for (const v of record.versions) v.lastAccessedDate = access[v.versionId];
  return record;
}

/** A record's `doc` column: what neither the revision nor a read changes. */
export function secretDoc(record: SecretRecord): string {
  const { lastAccessedDate: _a, revision: _r, ...rest } = record;
  return encodeDoc({ ...rest, versions: rest.versions.map(({ lastAccessedDate: _v, ...v }) => v) });
}

export interface OutboxRow {
  arn: string;
  region: string;
  account_id: string;
  op: "sync" | "remove";
  revision: number;
  attempts: number;
  next_attempt_at: number;
  queued_at: number;
}

export const outboxEntryOf = (r: OutboxRow): OutboxEntry => ({
  arn: r.arn,
  region: r.region,
  accountId: r.account_id,
  op: r.op,
  revision: r.revision,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  queuedAt: r.queued_at,
});
