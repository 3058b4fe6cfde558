// Secrets and their sealed values in a Region's PostgreSQL store. Nothing is cached here: every
// read asks the database, so a read on one node sees what another node acknowledged. A commit's
// outbox rows and the secrets generation move in the change's own transaction.

import type { SealedValue, SecretRecord } from "../../contract/secret-types.js";
import { StoreConflict, type SecretPageQuery, type SecretRepo } from "../store.js";
import { decodeDoc, encodeDoc } from "../json-codec.js";
import type { PostgresDb } from "./postgres-db.js";
import { UPSERT_OUTBOX } from "./postgres-replication-repo.js";
import { bump } from "./postgres-generations.js";
import { isUniqueViolation } from "./postgres-errors.js";

interface SecretRow {
  doc: string;
  revision: number;
  access_doc: string;
}

type AccessDoc = Record<string, number>; // "" → secret, versionId → version
const SECRET_KEY = "";
const COLUMNS = "doc, revision, access_doc";

function toRecord(row: SecretRow): SecretRecord {
  const record = decodeDoc<SecretRecord>(row.doc);
  record.revision = row.revision;
  const access = JSON.parse(row.access_doc) as AccessDoc;
  record.lastAccessedDate = access[SECRET_KEY];
  for (const v of record.versions) v.lastAccessedDate = access[v.versionId];
  return record;
}

function docOf(record: SecretRecord): string {
  const { lastAccessedDate: _a, revision: _r, ...rest } = record;
  return encodeDoc({ ...rest, versions: rest.versions.map(({ lastAccessedDate: _v, ...v }) => v) });
}

function pageSql(q: SecretPageQuery): string {
  const dir = q.order === "desc" ? "DESC" : "ASC";
  const orderBy = q.by === "name" ? `name ${dir}, arn ASC` : `created_date ${dir}, name ASC, arn ASC`;
  const live = q.includeDeleted ? "" : " AND purge_date IS NULL";
  return `SELECT ${COLUMNS} FROM secrets WHERE account_id = $1${live} ORDER BY ${orderBy} LIMIT $2 OFFSET $3`;
}

export function makePostgresSecretRepo(db: PostgresDb): SecretRepo {
  const records = async (sql: string, params: (string | number)[]) => (await db.rows<SecretRow>(sql, params)).map(toRecord);
  const one = async (sql: string, params: string[]) => (await records(sql, params))[0];
  return {
    findSecretByName: (accountId, name) => one(`SELECT ${COLUMNS} FROM secrets WHERE account_id = $1 AND name = $2`, [accountId, name]),
    findSecretByArn: (arn) => one(`SELECT ${COLUMNS} FROM secrets WHERE arn = $1`, [arn]),
    listSecrets: (accountId) => records(`SELECT ${COLUMNS} FROM secrets WHERE account_id = $1`, [accountId]),
    listSecretsPage: (accountId, q) => records(pageSql(q), [accountId, q.limit, q.offset]),
    async listSecretsByNamePrefix(accountId, prefixes) {
      const found = new Map<string, SecretRecord>();
      for (const prefix of new Set(prefixes)) {
        // the range walks the name index (byte order); starts_with keeps it exact
        const sql = `SELECT ${COLUMNS} FROM secrets WHERE account_id = $1 AND name >= $2 AND name < $3 AND starts_with(name, $2)`;
        for (const record of await records(sql, [accountId, prefix, `${prefix}\u{10FFFF}`])) found.set(record.arn, record);
      }
      return [...found.values()];
    },
    async getValue(arn, versionId): Promise<SealedValue | undefined> {
      const [row] = await db.rows<{ kind: "string" | "binary"; wrapped_key: Buffer; iv: Buffer; ciphertext: Buffer }>(
        "SELECT kind, wrapped_key, iv, ciphertext FROM secret_values WHERE arn = $1 AND version_id = $2",
        [arn, versionId],
      );
      return row && { versionId, kind: row.kind, wrappedKey: row.wrapped_key, iv: row.iv, ciphertext: row.ciphertext };
    },
    async commitSecret(c) {
      const r = c.record;
      await db.write(async (tx) => {
        const doc = docOf(r);
        if (c.expectedRevision === 0) {
          try {
            // a savepoint-free insert: a unique violation aborts the transaction, which is what we want
            await tx.run(
              "INSERT INTO secrets (arn, account_id, name, created_date, purge_date, revision, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)",
              [r.arn, r.accountId, r.name, r.createdDate, r.purgeDate ?? null, r.revision, doc],
            );
          } catch (e) {
            if (isUniqueViolation(e)) throw new StoreConflict("name");
            throw e;
          }
        } else {
          const n = await tx.run("UPDATE secrets SET name = $1, purge_date = $2, revision = $3, doc = $4 WHERE arn = $5 AND revision = $6", [
            r.name, r.purgeDate ?? null, r.revision, doc, r.arn, c.expectedRevision,
          ]);
          if (n === 0) throw new StoreConflict("revision");
        }
        for (const v of c.putValues ?? []) {
          await tx.run(
            `INSERT INTO secret_values (arn, version_id, kind, wrapped_key, iv, ciphertext) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (arn, version_id) DO UPDATE SET kind = excluded.kind, wrapped_key = excluded.wrapped_key, iv = excluded.iv, ciphertext = excluded.ciphertext`,
            [r.arn, v.versionId, v.kind, v.wrappedKey, v.iv, v.ciphertext],
          );
        }
        for (const id of c.deleteValues ?? []) await tx.run("DELETE FROM secret_values WHERE arn = $1 AND version_id = $2", [r.arn, id]);
        for (const o of c.outbox ?? []) await tx.run(UPSERT_OUTBOX, [r.arn, o.region, r.accountId, o.op, r.revision, 0, c.at ?? 0]);
        await bump(tx, db.schema, "secrets");
      });
    },
    async touchAccessed(arn, versionId, day) {
      try {
        await db.write(
          async (tx) => {
            const [row] = await tx.rows<{ access_doc: string }>("SELECT access_doc FROM secrets WHERE arn = $1 FOR UPDATE", [arn]);
            if (!row) return;
            const access = JSON.parse(row.access_doc) as AccessDoc;
            access[SECRET_KEY] = day;
            access[versionId] = day;
            await tx.run("UPDATE secrets SET access_doc = $1 WHERE arn = $2", [JSON.stringify(access), arn]);
            await bump(tx, db.schema, "secrets");
          },
          { relaxed: true },
        );
      } catch {
        // bookkeeping never fails a read
      }
    },
    purgeSecret(arn, expectedRevision) {
      return db.write(async (tx) => {
        const n = await tx.run("DELETE FROM secrets WHERE arn = $1 AND ($2::bigint IS NULL OR revision = $2::bigint)", [arn, expectedRevision ?? null]);
        if (n === 0) return false;
        await tx.run("DELETE FROM secret_values WHERE arn = $1", [arn]);
        await bump(tx, db.schema, "secrets");
        return true;
      });
    },
    secretsDueForPurge: (now) => records(`SELECT ${COLUMNS} FROM secrets WHERE purge_date IS NOT NULL AND purge_date <= $1`, [now]),
    async secretAccounts() {
      return (await db.rows<{ account_id: string }>("SELECT DISTINCT account_id FROM secrets ORDER BY account_id")).map((r) => r.account_id);
    },
  };
}
