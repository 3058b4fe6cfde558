// The audit sink over real SQLite Region stores: a change's event is on disk before `record`
// resolves, reads are written in batches, each event lands in its Region, the queries filter, and
// no secret value ever reaches the file.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { RegionStore, StoredAuditEvent } from "../store/store.js";
import type { AuditedCall } from "./audit-types.js";
import { makeAuditTrail, type AuditTrailDeps } from "./audit-trail.js";
import { auditedCall, bob } from "../../test/support/audited-call.js";

const CANARY = "audit-plaintext-canary";
const T0 = Date.UTC(2026, 10, 28, 17, 0, 0);

const call = (operation: string, over: Partial<AuditedCall> = {}) => auditedCall(T0, "eu-west-1", operation, over);

/** Region stores in a temporary directory, closed and removed when the test ends. */
function stores(t: { after(fn: () => Promise<void>): void }, ...regions: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "meridian-audit-"));
  const byRegion = new Map<string, RegionStore>(regions.map((r) => [r, openSqliteStore(join(dir, `${r}.sqlite`))]));
  t.after(async () => {
    for (const s of byRegion.values()) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, byRegion, storeOf: (r: string) => byRegion.get(r) };
}

/** Event names in a file as another process would read them (a second, read-only connection). */
function namesOnDisk(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT event_name FROM audit_events ORDER BY seq").all() as { event_name: string }[]).map((r) => r.event_name);
  } finally {
    db.close();
  }
}

test("a change's event is on disk when record resolves, with the reads queued before it", async (t) => {
  const { dir, storeOf } = stores(t, "eu-west-1");
  const trail = makeAuditTrail({ storeOf, batchDelayMs: 60_000 });
  const file = join(dir, "eu-west-1.sqlite");

  await trail.record(call("GetSecretValue"));
  await trail.record(call("DescribeSecret"));
  assert.deepEqual(namesOnDisk(file), [], "reads wait for their batch");

  await trail.record(call("PutSecretValue", { input: { SecretId: "app/db", SecretString: "x" } }));
  assert.deepEqual(namesOnDisk(file), ["GetSecretValue", "DescribeSecret", "PutSecretValue"]);

  await trail.record(call("DeleteSecret", { error: { code: "AccessDeniedException", message: "denied" } }));
  assert.deepEqual(namesOnDisk(file).at(-1), "DeleteSecret", "a denied change is recorded as durably");
});

test("reads are written in batches, without waiting for the disk: at the batch size, after the delay, or at flush", async (t) => {
  const { storeOf } = stores(t, "eu-west-1");
  const store = storeOf("eu-west-1")!;
  const batches: string[] = [];
  const deps: AuditTrailDeps = {
    storeOf: (r) => ({
      appendAuditEvents: (events: StoredAuditEvent[], options?: { relaxed?: boolean }) => {
        batches.push(`${events.length} ${options?.relaxed ? "relaxed" : "durable"}`);
        return storeOf(r)!.appendAuditEvents(events, options);
      },
    }),
    batchSize: 500,
    batchDelayMs: 20,
  };
  const trail = makeAuditTrail(deps);

  for (let i = 0; i < 1000; i++) await trail.record(call("GetSecretValue", { time: T0 + i }));
  assert.deepEqual(batches, ["500 relaxed", "500 relaxed"]);

  // The delay is a timer: node's mock timers move it, no sleeping.
  t.mock.timers.enable({ apis: ["setTimeout"] });
  await trail.record(call("ListSecrets"));
  await trail.record(call("ListSecrets"));
  t.mock.timers.tick(19);
  assert.equal(batches.length, 2, "not written before the delay");
  t.mock.timers.tick(1);
  assert.deepEqual(batches.slice(2), ["2 relaxed"], "written once the delay is over");
  t.mock.timers.reset();

  await trail.record(call("DescribeSecret"));
  await trail.flush();
  assert.deepEqual(batches.slice(3), ["1 relaxed"]);

  await trail.record(call("GetSecretValue"));
  await trail.record(call("TagResource"));
  assert.deepEqual(batches.slice(4), ["2 durable"], "a change takes the queued reads with it, and waits for the disk");
  assert.equal((await store.queryAuditEvents({})).length, 1005);
});

test("each event goes to the store of its Region", async (t) => {
  const { storeOf } = stores(t, "eu-west-1", "us-east-1");
  const trail = makeAuditTrail({ storeOf });
  await trail.record(call("CreateSecret", { region: "us-east-1", input: { Name: "a" } }));
  await trail.record(call("GetSecretValue", { region: "eu-west-1" }));
  await trail.flush();
  const names = async (r: string) => (await storeOf(r)!.queryAuditEvents({})).map((e) => `${e.event.awsRegion}:${e.event.eventName}`);
  assert.deepEqual(await names("us-east-1"), ["us-east-1:CreateSecret"]);
  assert.deepEqual(await names("eu-west-1"), ["eu-west-1:GetSecretValue"]);
});

test("a change whose Region has no store here is refused; a lost batch of reads is reported", async () => {
  const errors: unknown[] = [];
  const trail = makeAuditTrail({ storeOf: () => undefined, onError: (e) => errors.push(e) });
  await assert.rejects(trail.record(call("CreateSecret", { region: "xx-nowhere-1" })), /no store for Region xx-nowhere-1/);
  await trail.record(call("GetSecretValue", { region: "xx-nowhere-1" }));
  await trail.flush();
  assert.equal(errors.length, 1);
});

test("flush waits for a batch already being written: a store closed after it loses no read event", async () => {
  // a store that writes after a round trip (PostgreSQL), and refuses once closed
  const written: StoredAuditEvent[] = [];
  let closed = false;
  const store = {
    async appendAuditEvents(events: StoredAuditEvent[]) {
      await new Promise((r) => setTimeout(r, 30));
      if (closed) throw new Error("Cannot use a pool after calling end on the pool");
      written.push(...events);
    },
  };
  const errors: unknown[] = [];
  const trail = makeAuditTrail({ storeOf: () => store, batchSize: 1, onError: (e) => errors.push(e) });
  await trail.record(call("GetSecretValue")); // the batch is full: its write begins now
  await trail.flush(); // as a server's close does, before it closes the stores
  closed = true;
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(errors, []);
  assert.deepEqual(written.map((e) => e.event.eventName), ["GetSecretValue"]);
});

test("queries: newest first, by time, caller, event name, and a page at a time", async (t) => {
  const { storeOf } = stores(t, "eu-west-1");
  const store = storeOf("eu-west-1")!;
  const trail = makeAuditTrail({ storeOf });
  const minute = 60_000;
  await trail.record(call("CreateSecret", { time: T0, input: { Name: "app/db" } }));
  await trail.record(call("GetSecretValue", { time: T0 + minute, principal: bob }));
  await trail.record(call("GetSecretValue", { time: T0 + 2 * minute }));
  await trail.record(call("DeleteSecret", { time: T0 + 3 * minute, principal: bob, error: { code: "AccessDeniedException", message: "no" } }));
  await trail.flush();

  const names = async (q: Parameters<RegionStore["queryAuditEvents"]>[0]) =>
    (await store.queryAuditEvents(q)).map((e) => `${e.event.eventName}@${(e.time - T0) / minute}`);
  assert.deepEqual(await names({}), ["DeleteSecret@3", "GetSecretValue@2", "GetSecretValue@1", "CreateSecret@0"]);
  assert.deepEqual(await names({ from: T0 + minute, to: T0 + 2 * minute }), ["GetSecretValue@2", "GetSecretValue@1"]);
  assert.deepEqual(await names({ principal: "bob" }), ["DeleteSecret@3", "GetSecretValue@1"]);
  assert.deepEqual(await names({ principal: "user/alice" }), ["GetSecretValue@2", "CreateSecret@0"]);
  assert.deepEqual(await names({ eventName: "getsecretvalue" }), ["GetSecretValue@2", "GetSecretValue@1"]);

  const first = await store.queryAuditEvents({ limit: 3 });
  const last = first.at(-1)!;
  assert.deepEqual(await names({ limit: 3, after: { time: last.time, seq: last.seq } }), ["CreateSecret@0"]);

  const [denied] = await store.queryAuditEvents({ limit: 1 });
  assert.equal(denied.event.errorCode, "AccessDeniedException");
  assert.equal(denied.event.userIdentity.userName, "bob");

  await store.wipe();
  assert.equal((await store.queryAuditEvents({})).length, 4, "a permissive-mode reset keeps the audit trail");
});

test("no secret value reaches the store's files", async (t) => {
  const { dir, storeOf } = stores(t, "eu-west-1");
  const trail = makeAuditTrail({ storeOf });
  const arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-AbCdEf";
  await trail.record(call("CreateSecret", { input: { Name: "app/db", SecretString: CANARY }, output: { ARN: arn, Name: "app/db", VersionId: "v1" } }));
  await trail.record(call("PutSecretValue", { input: { SecretId: "app/db", SecretString: CANARY }, output: { ARN: arn, VersionId: "v2" } }));
  await trail.record(call("GetSecretValue", { output: { ARN: arn, Name: "app/db", VersionId: "v2", SecretString: CANARY, VersionStages: ["AWSCURRENT"] } }));
  await trail.record(call("GetRandomPassword", { input: {}, output: { RandomPassword: CANARY } }));
  await trail.flush();
  assert.equal((await storeOf("eu-west-1")!.queryAuditEvents({})).length, 4);

  const files = () => readdirSync(dir).map((f) => readFileSync(join(dir, f)));
  const seen = (bytes: Buffer) => bytes.includes(CANARY) || bytes.includes(Buffer.from(CANARY, "utf16le"));
  assert.ok(files().length > 0);
  assert.ok(!files().some(seen), "not in the database or its WAL while open");
  await storeOf("eu-west-1")!.close();
  assert.ok(!files().some(seen), "not in the database after a checkpoint");
});

test("retention: events from before the cut are purged, later ones kept", async (t) => {
  const { storeOf } = stores(t, "eu-west-1");
  const store = storeOf("eu-west-1")!;
  const trail = makeAuditTrail({ storeOf });
  const day = 86_400_000;
  await trail.record(call("CreateSecret", { time: T0 - 100 * day, input: { Name: "app/old" } }));
  await trail.record(call("PutSecretValue", { time: T0 - 89 * day }));
  await trail.record(call("DeleteSecret", { time: T0 }));
  assert.equal(await store.purgeAuditEvents(T0 - 90 * day), 1);
  assert.deepEqual((await store.queryAuditEvents({})).map((e) => e.event.eventName), ["DeleteSecret", "PutSecretValue"]);
  assert.equal(await store.purgeAuditEvents(T0 - 90 * day), 0);
});
