// Secrets and their sealed values in a Region's SQLite store.

import type Database from "better-sqlite3";
import type { SealedValue, SecretRecord } from "../../contract/secret-types.js";
import { StoreConflict, type SecretCommit, type SecretPageQuery, type SecretRepo } from "../store.js";
import { secretDoc, secretOfRow, SECRET_KEY, type AccessDoc, type SecretRow } from "../sql-rows.js";
import { UPSERT_OUTBOX } from "./sqlite-replication-repo.js";
import type { GenerationCounters } from "./sqlite-generations.js";
import type { Durability } from "./sqlite-durability.js";

const toRecord = (row: SecretRow | undefined): SecretRecord | undefined => row && secretOfRow(row);

/**
 * Decoded records are cached by ARN and by account+name. This connection's changes pass through
 * commit, touch or purge, which drop the entries; another's (a worker process sharing the file)
 * move the secrets generation, naming the secret, and the caches drop what the moves since they
 * last looked changed before they answer again (all of it when the log cannot say).
 * The caches hold what the file holds: metadata and ciphertext, never a plaintext value.
 */
const MAX_CACHED = 10_000;

function makeRecordCache() {
  const byArn = new Map<string, SecretRecord>();
  const arnByName = new Map<string, string>();
  const nameKey = (accountId: string, name: string) => `${accountId}\u0000${name}`;
  return {
    byName(accountId: string, name: string) {
      const arn = arnByName.get(nameKey(accountId, name));
      return arn === undefined ? undefined : byArn.get(arn);
    },
    byArn: (arn: string) => byArn.get(arn),
    remember(record: SecretRecord | undefined) {
      if (!record) return record;
      if (byArn.size >= MAX_CACHED) {
        const oldest = byArn.keys().next().value as string;
        this.forget(oldest);
      }
      byArn.set(record.arn, record);
      arnByName.set(nameKey(record.accountId, record.name), record.arn);
      return record;
    },
    forget(arn: string) {
      const record = byArn.get(arn);
      if (record) arnByName.delete(nameKey(record.accountId, record.name));
      byArn.delete(arn);
    },
    clear() {
      byArn.clear();
      arnByName.clear();
    },
  };
}

/** Sealed values (ciphertext only) by secret, dropped with the secret's record on every change. */
function makeValueCache() {
  const bySecret = new Map<string, Map<string, SealedValue>>();
  return {
    get: (arn: string, versionId: string) => bySecret.get(arn)?.get(versionId),
    remember(arn: string, value: SealedValue | undefined) {
      if (!value) return value;
      let versions = bySecret.get(arn);
      if (!versions) {
        if (bySecret.size >= MAX_CACHED) bySecret.delete(bySecret.keys().next().value as string);
        versions = new Map();
        bySecret.set(arn, versions);
      }
      versions.set(value.versionId, value);
      return value;
    },
    forget: (arn: string) => bySecret.delete(arn),
    clear: () => bySecret.clear(),
  };
}

export function makeSqliteSecretRepo(
  db: Database.Database,
  { relaxed }: Pick<Durability, "relaxed">,
  generations: GenerationCounters,
): SecretRepo & { clearCache(): void } {
  const records = makeRecordCache();
  const values = makeValueCache();
  let cachedAt = generations.current().secrets;
  const cache = {
    ...records,
    forget(arn: string) {
      records.forget(arn);
      values.forget(arn);
    },
    clear() {
      records.clear();
      values.clear();
    },
    /** drop what another connection changed since the caches last looked */
    check() {
      const now = generations.current().secrets;
      if (now === cachedAt) return;
      const changed = generations.changedBetween("secrets", cachedAt, now);
      if (changed) for (const arn of changed) cache.forget(arn);
      else cache.clear();
      cachedAt = now;
    },
  };
  const changed = (arn: string) => generations.bump("secrets", arn);
  const byName = db.prepare("SELECT doc, revision, access_doc FROM secrets WHERE account_id = ? AND name = ?");
  const byArn = db.prepare("SELECT doc, revision, access_doc FROM secrets WHERE arn = ?");
  const all = db.prepare("SELECT doc, revision, access_doc FROM secrets WHERE account_id = ?");
  // secrets_by_name (account_id, name) covers it: one index walk, no table read
  const accounts = db.prepare("SELECT DISTINCT account_id FROM secrets ORDER BY account_id");
  // One statement per order: created date or name, ascending or descending, with or without
  // the secrets scheduled for deletion. Ties: name, then ARN, ascending (as sortSecrets).
  const pages = new Map<string, Database.Statement>();
  const pageStatement = (q: SecretPageQuery) => {
    const key = `${q.by}/${q.order}/${q.includeDeleted}`;
    let statement = pages.get(key);
    if (!statement) {
      const dir = q.order === "desc" ? "DESC" : "ASC";
      const orderBy = q.by === "name" ? `name ${dir}, arn ASC` : `created_date ${dir}, name ASC, arn ASC`;
      const live = q.includeDeleted ? "" : " AND purge_date IS NULL";
      statement = db.prepare(`SELECT doc, revision, access_doc FROM secrets WHERE account_id = ?${live} ORDER BY ${orderBy} LIMIT ? OFFSET ?`);
      pages.set(key, statement);
    }
    return statement;
  };
  // The range walks the name index; substr keeps it exact whatever follows the prefix.
  const byNamePrefix = db.prepare(
    "SELECT doc, revision, access_doc FROM secrets WHERE account_id = ? AND name >= ? AND name < ? AND substr(name, 1, length(?)) = ?",
  );
  const due = db.prepare("SELECT doc, revision, access_doc FROM secrets WHERE purge_date IS NOT NULL AND purge_date <= ?");
  const insert = db.prepare(
    "INSERT INTO secrets (arn, account_id, name, created_date, purge_date, revision, doc) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const update = db.prepare(
    "UPDATE secrets SET name = ?, purge_date = ?, revision = ?, doc = ? WHERE arn = ? AND revision = ?",
  );
  const getValue = db.prepare("SELECT kind, wrapped_key, iv, ciphertext FROM secret_values WHERE arn = ? AND version_id = ?");
  const putValue = db.prepare(
    "INSERT OR REPLACE INTO secret_values (arn, version_id, kind, wrapped_key, iv, ciphertext) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const deleteValue = db.prepare("DELETE FROM secret_values WHERE arn = ? AND version_id = ?");
  const queue = db.prepare(UPSERT_OUTBOX);
  const accessOf = db.prepare("SELECT access_doc FROM secrets WHERE arn = ?");
  const setAccess = db.prepare("UPDATE secrets SET access_doc = ? WHERE arn = ?");
  const deleteSecret = db.prepare("DELETE FROM secrets WHERE arn = ? AND (? IS NULL OR revision = ?)");
  const deleteValues = db.prepare("DELETE FROM secret_values WHERE arn = ?");

  const commit = db.transaction((c: SecretCommit) => {
    const r = c.record;
    cache.forget(r.arn);
    changed(r.arn);
    const doc = secretDoc(r);
    if (c.expectedRevision === 0) {
      try {
        insert.run(r.arn, r.accountId, r.name, r.createdDate, r.purgeDate ?? null, r.revision, doc);
      } catch (e) {
        if ((e as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT")) throw new StoreConflict("name");
        throw e;
      }
    } else if (update.run(r.name, r.purgeDate ?? null, r.revision, doc, r.arn, c.expectedRevision).changes === 0) {
      throw new StoreConflict("revision");
    }
    for (const v of c.putValues ?? []) putValue.run(r.arn, v.versionId, v.kind, v.wrappedKey, v.iv, v.ciphertext);
    for (const id of c.deleteValues ?? []) deleteValue.run(r.arn, id);
    for (const o of c.outbox ?? []) queue.run(r.arn, o.region, r.accountId, o.op, r.revision, 0, c.at ?? 0);
  });

  // the last-accessed day is bookkeeping: no response waits for it to reach the disk
  const touch = relaxed(db.transaction((arn: string, versionId: string, day: number) => {
    cache.forget(arn);
    const row = accessOf.get(arn) as { access_doc: string } | undefined;
    if (!row) return;
    const access = JSON.parse(row.access_doc) as AccessDoc;
    if (access[SECRET_KEY] === day && access[versionId] === day) return; // noted already (another worker)
    access[SECRET_KEY] = day;
    access[versionId] = day;
    setAccess.run(JSON.stringify(access), arn);
    changed(arn);
  }));

  const purge = db.transaction((arn: string, revision: number | null) => {
    cache.forget(arn);
    if (deleteSecret.run(arn, revision, revision).changes === 0) return false;
    deleteValues.run(arn);
    changed(arn);
    return true;
  });

  return {
    async findSecretByName(accountId, name) {
      cache.check();
      return cache.byName(accountId, name) ?? cache.remember(toRecord(byName.get(accountId, name) as SecretRow | undefined));
    },
    async findSecretByArn(arn) {
      cache.check();
      return cache.byArn(arn) ?? cache.remember(toRecord(byArn.get(arn) as SecretRow | undefined));
    },
    clearCache: () => cache.clear(),
    async listSecrets(accountId) {
      return (all.all(accountId) as SecretRow[]).map((row) => toRecord(row)!);
    },
    async listSecretsByNamePrefix(accountId, prefixes) {
      const found = new Map<string, SecretRecord>();
      for (const prefix of new Set(prefixes)) {
        for (const row of byNamePrefix.all(accountId, prefix, `${prefix}\u{10FFFF}`, prefix, prefix) as SecretRow[]) {
          const record = toRecord(row)!;
          found.set(record.arn, record);
        }
      }
      return [...found.values()];
    },
    async listSecretsPage(accountId, q) {
      return (pageStatement(q).all(accountId, q.limit, q.offset) as SecretRow[]).map((row) => toRecord(row)!);
    },
    async getValue(arn, versionId): Promise<SealedValue | undefined> {
      cache.check();
      const cached = values.get(arn, versionId);
      if (cached) return cached;
      const row = getValue.get(arn, versionId) as
        | { kind: "string" | "binary"; wrapped_key: Buffer; iv: Buffer; ciphertext: Buffer }
        | undefined;
      if (!row) return undefined;
      return values.remember(arn, { versionId, kind: row.kind, wrappedKey: row.wrapped_key, iv: row.iv, ciphertext: row.ciphertext });
    },
    async commitSecret(c) {
      commit(c);
    },
    async touchAccessed(arn, versionId, day) {
      try {
        touch(arn, versionId, day);
      } catch {
        // bookkeeping never fails a read (a full disk is reported once, by sqlite-write-failures.ts)
      }
    },
    async purgeSecret(arn, expectedRevision) {
      return purge(arn, expectedRevision ?? null);
    },
    async secretsDueForPurge(now) {
      return (due.all(now) as SecretRow[]).map((row) => toRecord(row)!);
    },
    async secretAccounts() {
      return (accounts.all() as { account_id: string }[]).map((row) => row.account_id);
    },
  };
}
