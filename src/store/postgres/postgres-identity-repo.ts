// Access keys and IAM entities in a Region's PostgreSQL store (a secret access key only ever
// wrapped). Every change moves the identities generation and announces it, so the identity
// directory of every node sharing the schema reads them again; a key's last use does not.

import type { AccessKeyRecord, IamEntity } from "../../contract/identity-types.js";
import type { IdentityRepo } from "../store.js";
import { decodeDoc, encodeDoc } from "../json-codec.js";
import type { PostgresDb } from "./postgres-db.js";
import { bump } from "./postgres-generations.js";

const PUT_KEY = "INSERT INTO access_keys (access_key_id, doc) VALUES ($1, $2) ON CONFLICT (access_key_id) DO UPDATE SET doc = excluded.doc";
const PUT_ENTITY = `INSERT INTO iam_entities (account_id, kind, name, doc) VALUES ($1, $2, $3, $4)
  ON CONFLICT (account_id, kind, name) DO UPDATE SET doc = excluded.doc`;

export function makePostgresIdentityRepo(db: PostgresDb): IdentityRepo {
  const docs = async <T>(sql: string, params: string[] = []) => (await db.rows<{ doc: string }>(sql, params)).map((r) => decodeDoc<T>(r.doc));
  return {
    getAccessKey: async (id) => (await docs<AccessKeyRecord>("SELECT doc FROM access_keys WHERE access_key_id = $1", [id]))[0],
    listAccessKeys: () => docs<AccessKeyRecord>("SELECT doc FROM access_keys ORDER BY access_key_id"),
    putAccessKey: (key) =>
      db.write(async (tx) => {
        await tx.run(PUT_KEY, [key.accessKeyId, encodeDoc(key)]);
        await bump(tx, db.schema, "identities");
      }),
    deleteAccessKey: (id) =>
      db.write(async (tx) => {
        await tx.run("DELETE FROM access_keys WHERE access_key_id = $1", [id]);
        await bump(tx, db.schema, "identities");
      }),
    async recordAccessKeyUse(id, lastUsed) {
      // bookkeeping: no response waits for it, and it is no identity change
      await db.write(
        (tx) => tx.run("UPDATE access_keys SET doc = jsonb_set(doc::jsonb, '{lastUsed}', $1::jsonb)::text WHERE access_key_id = $2", [JSON.stringify(lastUsed), id]),
        { relaxed: true },
      );
    },
    listIamEntities: () => docs<IamEntity>("SELECT doc FROM iam_entities ORDER BY account_id, kind, name"),
    applyIamChanges: (put, remove = []) =>
      db.write(async (tx) => {
        for (const e of remove) await tx.run("DELETE FROM iam_entities WHERE account_id = $1 AND kind = $2 AND name = $3", [e.accountId, e.kind, e.name]);
        for (const e of put) await tx.run(PUT_ENTITY, [e.accountId, e.kind, e.name, encodeDoc(e)]);
        await bump(tx, db.schema, "identities");
      }),
  };
}
