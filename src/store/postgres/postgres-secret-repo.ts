// Secrets and their sealed values in a Region's PostgreSQL store. A commit's outbox rows and the
// secrets generation move in the change's own transaction. Records and values read by ARN or name
// are cached (metadata and ciphertext only) and served only after the secrets generation, read
// from the database after the call began, says nothing changed since they were read: a read on one
// node sees what another node acknowledged, and concurrent calls share one generation read.

import type { SealedValue, SecretRecord } from "../../contract/secret-types.js";
import { StoreConflict, type SecretPageQuery, type SecretRepo } from "../store.js";
import { secretDoc, secretOfRow, SECRET_KEY, type AccessDoc, type SecretRow } from "../sql-rows.js";
import type { PostgresDb } from "./postgres-db.js";
import { UPSERT_OUTBOX } from "./postgres-replication-repo.js";
import { bump, changedBetween } from "./postgres-generations.js";
import { isUniqueViolation } from "./postgres-errors.js";
import type { GenerationReader } from "./postgres-generations.js";

const COLUMNS = "doc, revision, access_doc";


function pageSql(q: SecretPageQuery): string {
  const dir = q.order === "desc" ? "DESC" : "ASC";
  const orderBy = q.by === "name" ? `name ${dir}, arn ASC` : `created_date ${dir}, name ASC, arn ASC`;
  const live = q.includeDeleted ? "" : " AND purge_date IS NULL";
  return `SELECT ${COLUMNS} FROM secrets WHERE account_id = $1${live} ORDER BY ${orderBy} LIMIT $2 OFFSET $3`;
}

const MAX_CACHED = 10_000;

/**
 * What was read at one secrets generation. When the generation has moved, the moves since are read
 * from `generation_changes` and just the secrets they name are forgotten (everything when the log
 * cannot say), one catch-up at a time. `epoch` moves whenever anything is forgotten: a read that
 * checked before and finishes after keeps its answer out of the cache.
 */
function makeCache(db: Pick<PostgresDb, "rows">, generations: GenerationReader) {
  const byArn = new Map<string, SecretRecord | undefined>();
  const arnByName = new Map<string, string>();
  const values = new Map<string, Map<string, SealedValue>>();
  let cachedAt: number | undefined;
  let epoch = 0;
  let catchingUp: Promise<void> = Promise.resolve();
  const nameKey = (accountId: string, name: string) => `${accountId}\u0000${name}`;
  const clear = () => {
    byArn.clear();
    arnByName.clear();
    values.clear();
    epoch++;
  };
  const forget = (arn: string) => {
    const record = byArn.get(arn);
    if (record) arnByName.delete(nameKey(record.accountId, record.name));
    byArn.delete(arn);
    values.delete(arn);
    epoch++;
  };
  /** forget what moved the generation after `cachedAt` up to `now` */
  async function catchUp(now: number): Promise<void> {
    if (cachedAt !== undefined && now <= cachedAt) return; // a catch-up before this one went as far
    const changed = cachedAt === undefined ? undefined : await changedBetween(db, "secrets", cachedAt, now);
    if (changed) for (const arn of changed) forget(arn);
    else clear();
    cachedAt = now;
  }
  return {
    /** check the generation (read after this call began), forgetting what moved it; the epoch to remember under */
    async check(): Promise<number> {
      const now = (await generations.current()).secrets;
      if (now !== cachedAt) {
        const step = catchingUp.then(() => catchUp(now));
        catchingUp = step.catch(() => undefined);
        await step;
      }
      return epoch;
    },
    byName(accountId: string, name: string) {
      const arn = arnByName.get(nameKey(accountId, name));
      return arn === undefined ? undefined : byArn.get(arn);
    },
    byArn: (arn: string) => byArn.get(arn),
    value: (arn: string, versionId: string) => values.get(arn)?.get(versionId),
    remember(at: number, record: SecretRecord | undefined) {
      if (!record || at !== epoch) return record;
      if (byArn.size >= MAX_CACHED) clear();
      byArn.set(record.arn, record);
      arnByName.set(nameKey(record.accountId, record.name), record.arn);
      return record;
    },
    rememberValue(at: number, arn: string, value: SealedValue | undefined) {
      if (!value || at !== epoch) return value;
      if (values.size >= MAX_CACHED) clear();
      let versions = values.get(arn);
      if (!versions) values.set(arn, (versions = new Map()));
      versions.set(value.versionId, value);
      return value;
    },
    /** this node is changing a secret: reads under way keep what they read out of the cache */
    forget,
  };
}

export function makePostgresSecretRepo(db: PostgresDb, generations: GenerationReader): SecretRepo {
  const records = async (sql: string, params: (string | number)[]) => (await db.rows<SecretRow>(sql, params)).map(secretOfRow);
  const one = async (sql: string, params: string[]) => (await records(sql, params))[0];
  const cache = makeCache(db, generations);
  return {
    async findSecretByName(accountId, name) {
      const at = await cache.check();
      return cache.byName(accountId, name) ?? cache.remember(at, await one(`SELECT ${COLUMNS} FROM secrets WHERE account_id = $1 AND name = $2`, [accountId, name]));
    },
    async findSecretByArn(arn) {
      const at = await cache.check();
      return cache.byArn(arn) ?? cache.remember(at, await one(`SELECT ${COLUMNS} FROM secrets WHERE arn = $1`, [arn]));
    },
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
      const at = await cache.check();
      const cached = cache.value(arn, versionId);
      if (cached) return cached;
      const [row] = await db.rows<{ kind: "string" | "binary"; wrapped_key: Buffer; iv: Buffer; ciphertext: Buffer }>(
        "SELECT kind, wrapped_key, iv, ciphertext FROM secret_values WHERE arn = $1 AND version_id = $2",
        [arn, versionId],
      );
      return cache.rememberValue(at, arn, row && { versionId, kind: row.kind, wrappedKey: row.wrapped_key, iv: row.iv, ciphertext: row.ciphertext });
    },
    async commitSecret(c) {
      const r = c.record;
      cache.forget(r.arn);
      await db.write(async (tx) => {
        const doc = secretDoc(r);
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
        await bump(tx, db.schema, "secrets", r.arn);
      });
    },
    async touchAccessed(arn, versionId, day) {
      cache.forget(arn);
      try {
        await db.write(
          async (tx) => {
            const [row] = await tx.rows<{ access_doc: string }>("SELECT access_doc FROM secrets WHERE arn = $1 FOR UPDATE", [arn]);
            if (!row) return;
            const access = JSON.parse(row.access_doc) as AccessDoc;
            if (access[SECRET_KEY] === day && access[versionId] === day) return; // noted already (another node, a read beside this one)
            access[SECRET_KEY] = day;
            access[versionId] = day;
            await tx.run("UPDATE secrets SET access_doc = $1 WHERE arn = $2", [JSON.stringify(access), arn]);
            await bump(tx, db.schema, "secrets", arn);
          },
          { relaxed: true },
        );
      } catch {
        // bookkeeping never fails a read
      }
      // Reads beside the touch may have cached the row as it was before it: each would see the day
      // missing and touch again, and so on. Forgotten again now, the next read sees the day noted.
      cache.forget(arn);
    },
    purgeSecret(arn, expectedRevision) {
      cache.forget(arn);
      return db.write(async (tx) => {
        const n = await tx.run("DELETE FROM secrets WHERE arn = $1 AND ($2::bigint IS NULL OR revision = $2::bigint)", [arn, expectedRevision ?? null]);
        if (n === 0) return false;
        await tx.run("DELETE FROM secret_values WHERE arn = $1", [arn]);
        await bump(tx, db.schema, "secrets", arn);
        return true;
      });
    },
    secretsDueForPurge: (now) => records(`SELECT ${COLUMNS} FROM secrets WHERE purge_date IS NOT NULL AND purge_date <= $1`, [now]),
    async secretAccounts() {
      return (await db.rows<{ account_id: string }>("SELECT DISTINCT account_id FROM secrets ORDER BY account_id")).map((r) => r.account_id);
    },
  };
}
