// `meridian audit --topology`: a Region whose topology entry names its own store (`store:`, here
// PostgreSQL) is read there, beside the data directory's SQLite files, by the listing and by
// `audit verify`, as `meridian serve` opens them. Needs the test PostgreSQL (MERIDIAN_TEST_POSTGRES_URL).

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../store/make-store.js";
import type { RegionStore } from "../store/store.js";
import { makeAuditTrail } from "../audit/audit-trail.js";
import type { CloudTrailEvent } from "../contract/audit-records.js";
import { audit } from "./audit.js";
import { freshDatabase, noPostgres } from "../../test/support/postgres-database.js";
import { auditedCall } from "../../test/support/audited-call.js";

const T0 = Date.UTC(2026, 11, 6, 3, 0, 0);

test("audit and audit verify read a Region where its topology entry's store: keeps it", { skip: noPostgres }, async (t) => {
  const db = await freshDatabase("meridian_audit_topology");
  const dir = mkdtempSync(join(tmpdir(), "meridian-audit-topology-"));
  const west = { kind: "postgres" as const, url: db.url };
  const stores: Record<string, RegionStore> = {
    "us-east-1": await openStore({ dataDir: dir, region: "us-east-1" }),
    "us-west-2": await openStore({ dataDir: dir, region: "us-west-2" }, west),
  };
  t.after(async () => {
    for (const s of Object.values(stores)) await s.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const trail = makeAuditTrail({ storeOf: (r) => stores[r] });
  for (const [i, region] of ["us-east-1", "us-west-2"].entries()) {
    await trail.record(auditedCall(T0 + i * 60_000, region, "DescribeSecret"));
  }
  await trail.flush();
  const topology = join(dir, "topology.json");
  const regions = [{ name: "us-east-1" }, { name: "us-west-2", store: db.url }];
  writeFileSync(topology, JSON.stringify({ partitions: [{ name: "aws", homeRegion: "us-east-1", regions }] }));

  const run = async (...argv: string[]) => {
    let out = "";
    const [verify, rest] = argv[0] === "verify" ? [["verify"], argv.slice(1)] : [[], argv];
    await audit([...verify, "--data-dir", dir, ...rest], {}, (text) => void (out += text));
    return out;
  };
  const regionsOf = (out: string) => out.trim().split("\n").map((l) => (JSON.parse(l) as CloudTrailEvent).awsRegion);
  assert.deepEqual(regionsOf(await run("--json")), ["us-east-1"], "without the topology: the data directory's files only");
  assert.deepEqual(regionsOf(await run("--json", "--topology", topology)), ["us-west-2", "us-east-1"]);
  assert.deepEqual(regionsOf(await run("--json", "--region", "us-west-2", "--topology", topology)), ["us-west-2"]);
  assert.match(await run("verify", "--topology", topology), /Audit trail intact in 2 Regions\./);
});
