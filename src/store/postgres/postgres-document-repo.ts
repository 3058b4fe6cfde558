// Capabilities' JSON documents (CloudFormation's stacks, change sets, exports) in the Region's
// PostgreSQL schema: one row per (kind, account, key), each call's changes in one transaction, as
// sqlite-document-repo.ts keeps them. The store never looks inside a document.

import type { DocumentRepo, StoredDocument } from "../store.js";
import { decodeDoc, encodeDoc } from "../json-codec.js";
import type { PostgresDb } from "./postgres-db.js";

interface Row {
  kind: string;
  account_id: string;
  key: string;
  doc: string;
}

const fromRow = (r: Row): StoredDocument => ({ kind: r.kind, accountId: r.account_id, key: r.key, doc: decodeDoc(r.doc) });

const PUT = `INSERT INTO documents (kind, account_id, key, doc) VALUES ($1, $2, $3, $4)
  ON CONFLICT (kind, account_id, key) DO UPDATE SET doc = excluded.doc`;

export function makePostgresDocumentRepo(db: PostgresDb): DocumentRepo {
  return {
    async getDocument(kind, accountId, key) {
      const rows = await db.rows<{ doc: string }>("SELECT doc FROM documents WHERE kind = $1 AND account_id = $2 AND key = $3", [kind, accountId, key]);
      return rows[0] && decodeDoc(rows[0].doc);
    },
    async listDocuments(kind, accountId) {
      const rows =
        accountId === undefined
          ? await db.rows<Row>("SELECT * FROM documents WHERE kind = $1 ORDER BY account_id, key", [kind])
          : await db.rows<Row>("SELECT * FROM documents WHERE kind = $1 AND account_id = $2 ORDER BY key", [kind, accountId]);
      return rows.map(fromRow);
    },
    async writeDocuments(puts, removes = []) {
      await db.write(async (tx) => {
        for (const d of removes) await tx.run("DELETE FROM documents WHERE kind = $1 AND account_id = $2 AND key = $3", [d.kind, d.accountId, d.key]);
        for (const d of puts) await tx.run(PUT, [d.kind, d.accountId, d.key, encodeDoc(d.doc)]);
      });
    },
  };
}
