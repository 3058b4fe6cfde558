// KMS keys and aliases in a Region's SQLite store; key material inside is wrapped by the root key.

import type Database from "better-sqlite3";
import type { AliasRecord, KeyRecord } from "../../contract/kms-types.js";
import type { KeyRepo } from "../store.js";
import type { GenerationCounters } from "./sqlite-generations.js";
import { decodeDoc, encodeDoc } from "../json-codec.js";

export function makeSqliteKeyRepo(db: Database.Database, generations: GenerationCounters): KeyRepo {
  const changed = () => generations.bump("keys");
  const getKey = db.prepare("SELECT doc FROM kms_keys WHERE arn = ?");
  const listKeys = db.prepare("SELECT doc FROM kms_keys WHERE account_id = ? ORDER BY arn");
  const putKey = db.prepare("INSERT OR REPLACE INTO kms_keys (arn, account_id, doc) VALUES (?, ?, ?)");
  const getAlias = db.prepare("SELECT doc FROM kms_aliases WHERE account_id = ? AND alias_name = ?");
  const listAliases = db.prepare("SELECT doc FROM kms_aliases WHERE account_id = ? ORDER BY alias_name");
  const putAlias = db.prepare("INSERT OR REPLACE INTO kms_aliases (account_id, alias_name, doc) VALUES (?, ?, ?)");
  const deleteAlias = db.prepare("DELETE FROM kms_aliases WHERE account_id = ? AND alias_name = ?");
  const allKeys = db.prepare("SELECT doc FROM kms_keys ORDER BY arn");
  const deleteKeyRow = db.prepare("DELETE FROM kms_keys WHERE arn = ?");
  const aliasesOf = db.prepare("SELECT alias_name, doc FROM kms_aliases WHERE account_id = ?");
  const deleteKey = db.transaction((arn: string) => {
    const key = getKey.get(arn) as { doc: string } | undefined;
    if (!key) return;
    const record = decodeDoc<KeyRecord>(key.doc);
    for (const row of aliasesOf.all(record.accountId) as { alias_name: string; doc: string }[]) {
      if (decodeDoc<AliasRecord>(row.doc).targetKeyId === record.keyId) deleteAlias.run(record.accountId, row.alias_name);
    }
    deleteKeyRow.run(arn);
    changed();
  });
  const write = <A extends unknown[]>(statement: { run(...a: A): unknown }) =>
    db.transaction((...a: A) => {
      statement.run(...a);
      changed();
    });
  const [writeKey, writeAlias, removeAlias] = [write(putKey), write(putAlias), write(deleteAlias)];
  const docs = <T>(rows: unknown[]) => (rows as { doc: string }[]).map((r) => decodeDoc<T>(r.doc));

  return {
    async getKey(arn) {
      const row = getKey.get(arn) as { doc: string } | undefined;
      return row && decodeDoc<KeyRecord>(row.doc);
    },
    async listKeys(accountId) {
      return docs<KeyRecord>(listKeys.all(accountId));
    },
    async putKey(key) {
      writeKey(key.arn, key.accountId, encodeDoc(key));
    },
    async deleteKey(arn) {
      deleteKey(arn);
    },
    async allKeys() {
      return docs<KeyRecord>(allKeys.all());
    },
    async getAlias(accountId, aliasName) {
      const row = getAlias.get(accountId, aliasName) as { doc: string } | undefined;
      return row && decodeDoc<AliasRecord>(row.doc);
    },
    async listAliases(accountId) {
      return docs<AliasRecord>(listAliases.all(accountId));
    },
    async putAlias(alias) {
      writeAlias(alias.accountId, alias.aliasName, encodeDoc(alias));
    },
    async deleteAlias(accountId, aliasName) {
      removeAlias(accountId, aliasName);
    },
  };
}
