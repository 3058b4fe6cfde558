// The store conformance suite (test/conformance/store-conformance.ts) against the PostgreSQL store,
// each test on a schema of its own in the database of MERIDIAN_TEST_POSTGRES_URL (which .ci/run
// sets), dropped after; "sharing" opens two stores on one schema, as two nodes of a Region do. Then
// what only a server-backed store has: nodes starting at once migrate once, and a change by one
// node is announced to the others (LISTEN/NOTIFY).

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import pg from "pg";
import { storeConformance } from "../../../test/conformance/store-conformance.js";
import { openAuditReader, openStore, parseStoreConfig } from "../make-store.js";
import { openPostgresStore } from "./postgres-store.js";
import type { GenerationKind } from "./postgres-generations.js";
import { secret } from "../../../test/conformance/store/fixtures.js";
import { SECRET_KEY } from "../sql-rows.js";

const URL_ = process.env.MERIDIAN_TEST_POSTGRES_URL;
const skip = URL_ ? undefined : "MERIDIAN_TEST_POSTGRES_URL is unset: no PostgreSQL to test against (.ci/run sets it)";
const REGION = "us-east-1";

const freshSchema = () => `meridian_test_${randomBytes(6).toString("hex")}`;
async function dropSchema(schema: string) {
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
const config = (schema: string) => ({ kind: "postgres" as const, url: URL_!, schema });

storeConformance<string>("postgres", {
  skip,
  freshPlace: freshSchema,
  open: (schema) => openStore({ dataDir: "/nonexistent", region: REGION }, config(schema)),
  openAuditReader: (schema) => openAuditReader({ dataDir: "/nonexistent", region: REGION }, config(schema)),
  drop: dropSchema,
});

describe("PostgreSQL store: several nodes", { skip }, () => {
  it("nodes opening a new schema at once migrate it once, and all serve it", async (t) => {
    const schema = freshSchema();
    t.after(() => dropSchema(schema));
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url: URL_!, schema, region: REGION })));
    t.after(async () => {
      for (const s of stores) await s.close();
    });
    await stores[0]!.putMeta("written-by", "node-0");
    for (const s of stores) assert.equal(await s.getMeta("written-by"), "node-0");
    const client = new pg.Client({ connectionString: URL_ });
    await client.connect();
    t.after(() => client.end());
    const { rows } = await client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    // every migration once, in order (the first schema, capabilities' documents, the counters' change log)
    assert.deepEqual(rows.map((r: { version: number }) => r.version), [1, 2, 3]);
  });

  it("a secret another node changed is forgotten alone; a move the log cannot explain empties the cache", async (t) => {
    const schema = freshSchema();
    t.after(() => dropSchema(schema));
    const a = await openPostgresStore({ url: URL_!, schema, region: REGION });
    const b = await openPostgresStore({ url: URL_!, schema, region: REGION });
    const raw = new pg.Client({ connectionString: URL_ });
    await raw.connect();
    t.after(async () => {
      await raw.end();
      await a.close();
      await b.close();
    });
    const [x, y] = [secret("app/x"), secret("app/y")];
    for (const record of [x, y]) await b.commitSecret({ record, expectedRevision: 0 });
    for (const record of [x, y]) assert.ok(await a.findSecretByArn(record.arn)); // both cached
    // a probe no node knows of: whoever reads y's row again sees this access date
    await raw.query(`UPDATE "${schema}".secrets SET access_doc = $1 WHERE arn = $2`, [JSON.stringify({ [SECRET_KEY]: 1234 }), y.arn]);

    await b.commitSecret({ record: { ...x, revision: 2 }, expectedRevision: 1 });
    assert.equal((await a.findSecretByArn(x.arn))?.revision, 2, "the changed secret is read again");
    assert.equal((await a.findSecretByArn(y.arn))?.lastAccessedDate, undefined, "the other is still served from the cache");

    await raw.query(`UPDATE "${schema}".generations SET n = n + 1 WHERE kind = 'secrets'`); // naming no secret
    assert.equal((await a.findSecretByArn(y.arn))?.lastAccessedDate, 1234, "emptied: read again");
  });

  it("announces another node's change of identities to the listening node", async (t) => {
    const schema = freshSchema();
    t.after(() => dropSchema(schema));
    const a = await openPostgresStore({ url: URL_!, schema, region: REGION });
    const b = await openPostgresStore({ url: URL_!, schema, region: REGION });
    t.after(async () => {
      await a.close();
      await b.close();
    });
    const heard = new Promise<GenerationKind>((resolve) => b.onChange!((kind) => kind === "identities" && resolve(kind)));
    // the listener connects in the background: keep changing until it hears (it must, within the test's time)
    let done = false;
    void heard.then(() => (done = true));
    for (let i = 0; !done; i++) {
      await a.applyIamChanges([]);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await heard, "identities");
  });
});

describe("parseStoreConfig", () => {
  it("reads sqlite, a PostgreSQL connection string, and refuses anything else in one line", () => {
    assert.deepEqual(parseStoreConfig(undefined), { kind: "sqlite" });
    assert.deepEqual(parseStoreConfig("sqlite"), { kind: "sqlite" });
    assert.deepEqual(parseStoreConfig("postgres://u@db:5432/meridian"), { kind: "postgres", url: "postgres://u@db:5432/meridian" });
    assert.deepEqual(parseStoreConfig("postgresql://db/m"), { kind: "postgres", url: "postgresql://db/m" });
    assert.throws(() => parseStoreConfig("mysql://db/m"), /a store is 'sqlite' or a postgres:\/\/ connection string, not 'mysql…'/);
  });
});
