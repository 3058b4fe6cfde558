// KMS keys and aliases in a Region's PostgreSQL store; key material inside is wrapped by the root
// key. Every change moves the keys generation in its own transaction.

import type { AliasRecord, KeyRecord } from "../../contract/kms-types.js";
import type { KeyRepo } from "../store.js";
import { decodeDoc, encodeDoc } from "../json-codec.js";
import type { PostgresDb } from "./postgres-db.js";
import { bump } from "./postgres-generations.js";

export function makePostgresKeyRepo(db: PostgresDb): KeyRepo {
  const docs = async <T>(sql: string, params: string[] = []) => (await db.rows<{ doc: string }>(sql, params)).map((r) => decodeDoc<T>(r.doc));
  const changing = (sql: string, params: string[]) =>
    db.write(async (tx) => {
      await tx.run(sql, params);
      await bump(tx, db.schema, "keys");
    });
  return {
    getKey: async (arn) => (await docs<KeyRecord>("SELECT doc FROM kms_keys WHERE arn = $1", [arn]))[0],
    listKeys: (accountId) => docs<KeyRecord>("SELECT doc FROM kms_keys WHERE account_id = $1 ORDER BY arn", [accountId]),
    allKeys: () => docs<KeyRecord>("SELECT doc FROM kms_keys ORDER BY arn"),
    putKey: (key) =>
      changing("INSERT INTO kms_keys (arn, account_id, doc) VALUES ($1, $2, $3) ON CONFLICT (arn) DO UPDATE SET account_id = excluded.account_id, doc = excluded.doc", [
        key.arn, key.accountId, encodeDoc(key),
      ]),
    async deleteKey(arn) {
      await db.write(async (tx) => {
        const [row] = await tx.rows<{ doc: string }>("SELECT doc FROM kms_keys WHERE arn = $1 FOR UPDATE", [arn]);
        if (!row) return;
        const record = decodeDoc<KeyRecord>(row.doc);
        for (const a of await tx.rows<{ alias_name: string; doc: string }>("SELECT alias_name, doc FROM kms_aliases WHERE account_id = $1", [record.accountId])) {
          if (decodeDoc<AliasRecord>(a.doc).targetKeyId === record.keyId) {
            await tx.run("DELETE FROM kms_aliases WHERE account_id = $1 AND alias_name = $2", [record.accountId, a.alias_name]);
          }
        }
        await tx.run("DELETE FROM kms_keys WHERE arn = $1", [arn]);
        await bump(tx, db.schema, "keys");
      });
    },
    getAlias: async (accountId, aliasName) => (await docs<AliasRecord>("SELECT doc FROM kms_aliases WHERE account_id = $1 AND alias_name = $2", [accountId, aliasName]))[0],
    listAliases: (accountId) => docs<AliasRecord>("SELECT doc FROM kms_aliases WHERE account_id = $1 ORDER BY alias_name", [accountId]),
    putAlias: (alias) =>
      changing("INSERT INTO kms_aliases (account_id, alias_name, doc) VALUES ($1, $2, $3) ON CONFLICT (account_id, alias_name) DO UPDATE SET doc = excluded.doc", [
        alias.accountId, alias.aliasName, encodeDoc(alias),
      ]),
    deleteAlias: (accountId, aliasName) => changing("DELETE FROM kms_aliases WHERE account_id = $1 AND alias_name = $2", [accountId, aliasName]),
  };
}
