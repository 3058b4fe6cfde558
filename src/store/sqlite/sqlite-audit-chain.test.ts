// The audit hash chain of a SQLite store made before the chain existed: it is chained when a server
// opens it (`meridian audit verify` reports it unchained until then). How any store links, prunes
// and verifies its chain is in the store conformance suite (test/conformance/store/audit.ts).

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "./sqlite-store.js";
import { verifyChain } from "../../contract/audit-chain.js";
import { verifyAudit } from "../../cli/audit-verify.js";
import { audit } from "../../cli/audit.js";
import type { RegionStore, StoredAuditEvent } from "../store.js";

const T0 = Date.UTC(2026, 10, 28, 17, 0, 0);

function stored(i: number, time = T0 + i, name = "GetSecretValue"): StoredAuditEvent {
  return {
    time,
    event: {
      eventVersion: "1.08",
      userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/alice", accountId: "111122223333", userName: "alice" },
      eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z"),
      eventSource: "secretsmanager.amazonaws.com",
      eventName: name,
      awsRegion: "eu-west-1",
      sourceIPAddress: "127.0.0.1",
      userAgent: "test",
      requestParameters: { secretId: "app/db" },
      responseElements: null,
      requestID: `req-${i}`,
      eventID: `event-${i}`,
      readOnly: true,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: "111122223333",
      eventCategory: "Management",
    },
  };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "meridian-chain-store-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function verdict(store: RegionStore) {
  const chain = await store.readAuditChain();
  assert.ok(chain);
  return verifyChain(chain.state, chain.rows, "eu-west-1");
}

test("a store from before the chain is chained when opened; until then verify calls it unchained", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "eu-west-1.sqlite");
  const old = new Database(file);
  old.exec(`CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, event_time INTEGER NOT NULL, region TEXT NOT NULL, event_source TEXT NOT NULL,
    event_name TEXT NOT NULL, principal_arn TEXT NOT NULL, user_name TEXT, event_id TEXT NOT NULL, error_code TEXT, doc TEXT NOT NULL)`);
  const insert = old.prepare("INSERT INTO audit_events (event_time, region, event_source, event_name, principal_arn, user_name, event_id, error_code, doc) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)");
  for (const i of [1, 2, 3]) {
    const { time, event } = stored(i);
    insert.run(time, event.awsRegion, event.eventSource, event.eventName, event.userIdentity.arn, "alice", event.eventID, JSON.stringify(event));
  }
  old.close();

  const out: string[] = [];
  assert.equal(await verifyAudit(["--data-dir", dir], {}, (s) => void out.push(s)), 1);
  assert.match(out.join(""), /^eu-west-1 {2}UNCHAINED: .*start `meridian serve` on this data directory once/m);
  const listed: string[] = [];
  assert.equal(await audit(["--data-dir", dir, "--json"], {}, (s) => void listed.push(s)), 0, "listing needs no chain");
  assert.equal(listed.length, 3);

  const store = openSqliteStore(file);
  const v = await verdict(store);
  assert.deepEqual(v.intact && v.events, 3);
  await store.appendAuditEvents([stored(4)]);
  await store.close();
  out.length = 0;
  assert.equal(await verifyAudit(["--data-dir", dir], {}, (s) => void out.push(s)), 0);
  assert.match(out.join(""), /^eu-west-1 {2}intact {2}4 events, head [0-9a-f]{64}$/m);
});
