// `meridian backup` refuses a PostgreSQL store, saying what to use instead, before it reads anything.

import { test } from "node:test";
import assert from "node:assert/strict";
import { backup } from "./backup.js";

test("meridian backup refuses a PostgreSQL store (--store or MERIDIAN_STORE) and names pg_dump", async () => {
  const write = () => assert.fail("nothing is written");
  const refused = /the Regions' store is PostgreSQL: back it up with pg_dump/;
  await assert.rejects(backup(["--out", "/tmp/never-written.db", "--store", "postgres://db/m"], {}, write, "0"), refused);
  await assert.rejects(backup(["--out", "/tmp/never-written.db"], { MERIDIAN_STORE: "postgresql://db/m" }, write, "0"), refused);
});
