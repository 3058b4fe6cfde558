// `meridian audit` over a data directory filled by the real audit trail: one Region's store still
// open as a running server would hold it, another closed, a third from before the audit trail.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { model as kms } from "../generated/kms-model.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { RegionStore } from "../store/store.js";
import type { AuditedCall } from "../audit/audit-types.js";
import { makeAuditTrail } from "../audit/audit-trail.js";
import type { CloudTrailEvent } from "../contract/audit-records.js";
import { audit } from "./audit.js";
import { alice, auditedCall, bob } from "../../test/support/audited-call.js";

const CANARY = "audit-plaintext-canary";
const T0 = Date.UTC(2026, 10, 28, 17, 0, 0);
const minute = 60_000;

let dir: string;
let running: RegionStore;

const call = (region: string, minutes: number, operation: string, over: Partial<AuditedCall> = {}) =>
  auditedCall(T0 + minutes * minute, region, operation, over);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "meridian-audit-cli-"));
  running = openSqliteStore(join(dir, "us-east-1.sqlite"));
  const closed = openSqliteStore(join(dir, "eu-west-1.sqlite"));
  const stores: Record<string, RegionStore> = { "us-east-1": running, "eu-west-1": closed };
  const trail = makeAuditTrail({ storeOf: (r) => stores[r] });
  await trail.record(call("us-east-1", 0, "CreateSecret", { input: { Name: "app/db", SecretString: CANARY } }));
  await trail.record(call("eu-west-1", 1, "GetSecretValue", { principal: bob, output: { SecretString: CANARY } }));
  await trail.record(call("us-east-1", 2, "GetSecretValue"));
  await trail.record(call("eu-west-1", 3, "DeleteSecret", { principal: bob, error: { code: "AccessDeniedException", message: "denied" } }));
  await trail.record(call("us-east-1", 4, "Encrypt", { service: "kms", model: kms, input: { KeyId: "alias/app", Plaintext: CANARY } }));
  await trail.flush();
  await closed.close();
  // a store from before the audit trail: no audit_events table
  new Database(join(dir, "ap-south-1.sqlite")).exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)").close();
});

after(async () => {
  await running.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<string> {
  let out = "";
  await audit(["--data-dir", dir, ...argv], {}, (text) => void (out += text));
  return out;
}

const jsonLines = (text: string) => text.trimEnd().split("\n").map((l) => JSON.parse(l) as CloudTrailEvent);
const names = (text: string) => jsonLines(text).map((e) => `${e.awsRegion}:${e.eventName}`);

test("the table lists every Region's events, newest first, with caller and error", async () => {
  const lines = (await run()).trimEnd().split("\n");
  assert.match(lines[0], /^TIME\s+REGION\s+EVENT SOURCE\s+EVENT NAME\s+USER\s+ERROR$/);
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(/\s+/)),
    [
      ["2026-11-28T17:04:00Z", "us-east-1", "kms.amazonaws.com", "Encrypt", "alice"],
      ["2026-11-28T17:03:00Z", "eu-west-1", "secretsmanager.amazonaws.com", "DeleteSecret", "bob", "AccessDeniedException"],
      ["2026-11-28T17:02:00Z", "us-east-1", "secretsmanager.amazonaws.com", "GetSecretValue", "alice"],
      ["2026-11-28T17:01:00Z", "eu-west-1", "secretsmanager.amazonaws.com", "GetSecretValue", "bob"],
      ["2026-11-28T17:00:00Z", "us-east-1", "secretsmanager.amazonaws.com", "CreateSecret", "alice"],
    ],
  );
});

test("filters: Region, time, user, event name, limit", async () => {
  assert.deepEqual(names(await run("--json", "--region", "eu-west-1")), ["eu-west-1:DeleteSecret", "eu-west-1:GetSecretValue"]);
  assert.deepEqual(names(await run("--json", "--region", "eu-west-1,ap-south-1")), ["eu-west-1:DeleteSecret", "eu-west-1:GetSecretValue"]);
  assert.deepEqual(names(await run("--json", "--since", "2026-11-28T17:01:00Z", "--until", "2026-11-28T17:02:00Z")), [
    "us-east-1:GetSecretValue",
    "eu-west-1:GetSecretValue",
  ]);
  assert.deepEqual(names(await run("--json", "--user", "bob")), ["eu-west-1:DeleteSecret", "eu-west-1:GetSecretValue"]);
  assert.deepEqual(names(await run("--json", "--user", "arn:aws:iam::111122223333:user/alice", "--event-name", "GetSecretValue")), [
    "us-east-1:GetSecretValue",
  ]);
  assert.deepEqual(names(await run("--json", "--limit", "2")), ["us-east-1:Encrypt", "eu-west-1:DeleteSecret"]);
  assert.equal(await run("--event-name", "RotateSecret"), "No audit events match.\n");
});

test("--json prints one whole CloudTrail event per line, with no secret value", async () => {
  const text = await run("--json");
  assert.ok(!text.includes(CANARY));
  const events = jsonLines(text);
  assert.equal(events.length, 5);
  const create = events.find((e) => e.eventName === "CreateSecret")!;
  assert.equal(create.eventSource, "secretsmanager.amazonaws.com");
  assert.equal(create.userIdentity.arn, alice.arn);
  assert.equal(create.readOnly, false);
  assert.deepEqual(create.requestParameters, { name: "app/db", secretString: "HIDDEN_DUE_TO_SECURITY_REASONS" });
  assert.equal(events.find((e) => e.eventName === "Encrypt")?.readOnly, true);
});

test("arguments that do not make sense are refused with the reason", async () => {
  await assert.rejects(run("--since", "yesterday"), /--since must be a time in ISO 8601/);
  await assert.rejects(run("--limit", "0"), /--limit must be a positive number/);
  await assert.rejects(run("--region", "mars-1"), /no store for Region mars-1/);
  await assert.rejects(audit(["--data-dir", join(dir, "nope")], {}, () => {}), /no data directory/);
});

test("`meridian audit` runs from the command line, reading the data directory from MERIDIAN_DATA_DIR", async () => {
  const main = fileURLToPath(new URL("./main.js", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [main, "audit", "--json", "--event-name", "CreateSecret"], {
    env: { ...process.env, MERIDIAN_DATA_DIR: dir },
  });
  assert.deepEqual(names(stdout), ["us-east-1:CreateSecret"]);
});
