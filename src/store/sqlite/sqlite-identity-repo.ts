// Access keys and IAM entities in a Region's SQLite store. Entities are JSON documents keyed by
// account, kind and name; a secret access key is only ever stored wrapped.

import type Database from "better-sqlite3";
import type { AccessKeyRecord, IamEntity } from "../../contract/identity-types.js";
import type { IdentityRepo } from "../store.js";
import { decodeDoc, encodeDoc } from "../json-codec.js";
import type { GenerationCounters } from "./sqlite-generations.js";
import type { Durability } from "./sqlite-durability.js";

export function makeSqliteIdentityRepo(db: Database.Database, { relaxed }: Pick<Durability, "relaxed">, generations: GenerationCounters): IdentityRepo {
  const changed = () => generations.bump("identities");
  const getAccessKey = db.prepare("SELECT doc FROM access_keys WHERE access_key_id = ?");
  const listAccessKeys = db.prepare("SELECT doc FROM access_keys ORDER BY access_key_id");
  const putAccessKey = db.prepare("INSERT OR REPLACE INTO access_keys (access_key_id, doc) VALUES (?, ?)");
  const deleteAccessKey = db.prepare("DELETE FROM access_keys WHERE access_key_id = ?");
  const recordUse = db.prepare("UPDATE access_keys SET doc = json_set(doc, '$.lastUsed', json(?)) WHERE access_key_id = ?");
  // a note of a key's last use is bookkeeping: no response waits for it to reach the disk
  const noteUse = relaxed((lastUsed: string, id: string) => recordUse.run(lastUsed, id));
  const listEntities = db.prepare("SELECT doc FROM iam_entities ORDER BY account_id, kind, name");
  const putEntity = db.prepare("INSERT OR REPLACE INTO iam_entities (account_id, kind, name, doc) VALUES (?, ?, ?, ?)");
  const deleteEntity = db.prepare("DELETE FROM iam_entities WHERE account_id = ? AND kind = ? AND name = ?");
  const applyChanges = db.transaction((put: IamEntity[], del: Pick<IamEntity, "accountId" | "kind" | "name">[]) => {
    for (const e of del) deleteEntity.run(e.accountId, e.kind, e.name);
    for (const e of put) putEntity.run(e.accountId, e.kind, e.name, encodeDoc(e));
    changed();
  });
  // a key's last use is not an identity change: the caches of other processes may keep theirs
  const writeKey = db.transaction((id: string, doc: string) => {
    putAccessKey.run(id, doc);
    changed();
  });
  const removeKey = db.transaction((id: string) => {
    deleteAccessKey.run(id);
    changed();
  });

  return {
    async getAccessKey(id) {
      const row = getAccessKey.get(id) as { doc: string } | undefined;
      return row && decodeDoc<AccessKeyRecord>(row.doc);
    },
    async listAccessKeys() {
      return (listAccessKeys.all() as { doc: string }[]).map((r) => decodeDoc<AccessKeyRecord>(r.doc));
    },
    async putAccessKey(key) {
      writeKey(key.accessKeyId, encodeDoc(key));
    },
    async deleteAccessKey(id) {
      removeKey(id);
    },
    async recordAccessKeyUse(id, lastUsed) {
      noteUse(JSON.stringify(lastUsed), id);
    },
    async listIamEntities() {
      return (listEntities.all() as { doc: string }[]).map((r) => decodeDoc<IamEntity>(r.doc));
    },
    async applyIamChanges(put, del = []) {
      applyChanges(put, del);
    },
  };
}
