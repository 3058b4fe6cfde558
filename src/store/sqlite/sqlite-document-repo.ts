// Capabilities' JSON documents (CloudFormation's stacks, change sets, exports) in the Region's
// SQLite file: one row per (kind, account, key), written in one transaction per call.

import type Database from "better-sqlite3";
import type { DocumentRepo, StoredDocument } from "../store.js";
import { decodeDoc, encodeDoc } from "../json-codec.js";

interface Row {
  kind: string;
  account_id: string;
  key: string;
  doc: string;
}

const fromRow = (r: Row): StoredDocument => ({ kind: r.kind, accountId: r.account_id, key: r.key, doc: decodeDoc(r.doc) });

export function makeSqliteDocumentRepo(db: Database.Database): DocumentRepo {
  const get = db.prepare("SELECT doc FROM documents WHERE kind = ? AND account_id = ? AND key = ?");
  const listAccount = db.prepare("SELECT * FROM documents WHERE kind = ? AND account_id = ? ORDER BY key");
  const listAll = db.prepare("SELECT * FROM documents WHERE kind = ? ORDER BY account_id, key");
  const put = db.prepare("INSERT OR REPLACE INTO documents (kind, account_id, key, doc) VALUES (?, ?, ?, ?)");
  const del = db.prepare("DELETE FROM documents WHERE kind = ? AND account_id = ? AND key = ?");
  const write = db.transaction((puts: StoredDocument[], removes: Omit<StoredDocument, "doc">[]) => {
    for (const d of removes) del.run(d.kind, d.accountId, d.key);
    for (const d of puts) put.run(d.kind, d.accountId, d.key, encodeDoc(d.doc));
  });
  return {
    async getDocument(kind, accountId, key) {
      const row = get.get(kind, accountId, key) as { doc: string } | undefined;
      return row && decodeDoc(row.doc);
    },
    async listDocuments(kind, accountId) {
      const rows = (accountId === undefined ? listAll.all(kind) : listAccount.all(kind, accountId)) as Row[];
      return rows.map(fromRow);
    },
    async writeDocuments(puts, removes = []) {
      write(puts, removes);
    },
  };
}
