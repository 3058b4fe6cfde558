// A Region's PostgreSQL store opened to read its audit trail only (`meridian audit`), beside the
// nodes writing it: nothing is created or migrated. A schema no node created yet reads as an empty
// chain at the genesis anchor.

import type { AuditReader } from "../store.js";
import { GENESIS } from "../../contract/audit-chain.js";
import { makePostgresDb } from "./postgres-db.js";
import { sharedPool } from "./postgres-pool.js";
import { makePostgresAuditRepo } from "./postgres-audit-repo.js";
import { schemaExists } from "./postgres-schema.js";

export async function openPostgresAuditReader(url: string, schema: string, region: string): Promise<AuditReader> {
  const pool = sharedPool(url, () => undefined);
  try {
    const exists = await schemaExists(pool, schema);
    const repo = makePostgresAuditRepo(makePostgresDb(pool, schema, region));
    return {
      queryAuditEvents: async (query) => (exists ? repo.queryAuditEvents(query) : []),
      async readAuditChain() {
        if (exists) return repo.readAuditChain();
        return { state: { anchorHash: GENESIS, anchorPosition: 0, headHash: GENESIS, headPosition: 0 }, rows: (async function* () {})() };
      },
      close: () => pool.release(), // closing twice is harmless, as SQLite's close is
    };
  } catch (e) {
    await pool.release().catch(() => undefined);
    throw e;
  }
}
