// Issue 10, item 11: an audit trail you can trust. Every event is chained by hash to the one
// written before it in its Region; `meridian audit verify` checks each Region's chain and names the
// first broken link when an event was edited, removed or reordered. Retention pruning keeps an
// anchor, so what remains still verifies.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { CreateAccessKeyCommand, CreateUserCommand } from "@aws-sdk/client-iam";
import { startMeridian, ADMIN, cliPath } from "../support/meridian.js";
import { runProgram } from "../support/aws-cli.js";
import { signAtClock } from "../support/sign-at-clock.js";
import { atClock, destroyClients, iamAs } from "../e2e/iam-support.js";
import { days } from "../../src/util/clock.js";

const CANARY = "chain-canary-plaintext-8d1e";
const REGIONS = ["us-east-1", "eu-west-1"];
let base: string;
const scratch: string[] = [];

const verify = (dataDir: string, ...args: string[]) =>
  runProgram(process.execPath, [cliPath, "audit", "verify", "--data-dir", dataDir, ...args], { PATH: process.env.PATH });

/** A copy of the stopped server's data directory, to tamper with. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), "meridian-chain-"));
  cpSync(base, dir, { recursive: true });
  scratch.push(dir);
  return dir;
}

function withDb<T>(dir: string, region: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dir, `${region}.sqlite`));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const rows = (db: Database.Database) => db.prepare("SELECT seq, event_id, event_name, doc FROM audit_events ORDER BY seq").all() as { seq: number; event_id: string; event_name: string; doc: string }[];

before(async () => {
  base = mkdtempSync(join(tmpdir(), "meridian-chain-base-"));
  const m = await startMeridian({ dataDir: base, regions: REGIONS });
  for (const region of REGIONS) {
    const sm = m.secrets(region);
    await sm.send(new CreateSecretCommand({ Name: "app/db", SecretString: CANARY }));
    await sm.send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: `${CANARY}-2` }));
    // reads are written in batches: the chain follows the order rows are written, not call order
    await Promise.all([1, 2, 3, 4].map(() => sm.send(new GetSecretValueCommand({ SecretId: "app/db" }))));
    await sm.send(new ListSecretsCommand({}));
    await sm.send(new CreateSecretCommand({ Name: "app/other", SecretString: CANARY }));
  }
  const iam = iamAs(m, ADMIN);
  await iam.send(new CreateUserCommand({ UserName: "chained" }));
  await iam.send(new CreateAccessKeyCommand({ UserName: "chained" }));
  destroyClients();
  await m.stop();
});

after(() => {
  for (const d of [base, ...scratch]) rmSync(d, { recursive: true, force: true });
});

test("an untouched trail verifies: a summary per Region, exit 0, and no secret in the files", async () => {
  const r = await verify(base);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const region of REGIONS) assert.match(r.stdout, new RegExp(`^${region}\\s+intact\\s+\\d+ events`, "m"));
  assert.match(r.stdout, /^us-east-1\s+intact\s+(1[0-9]|[2-9]\d) events/m, "the IAM calls are in the home Region's chain too");
  for (const f of readdirSync(base)) assert.ok(!readFileSync(join(base, f)).includes(CANARY), `${f} holds a secret value`);
});

test("an edited event breaks the chain at that event: exit non-zero, Region, position and event id named", async () => {
  const dir = copy();
  const target = withDb(dir, "eu-west-1", (db) => {
    const all = rows(db);
    const row = all.find((r) => r.event_name === "PutSecretValue")!;
    // the call made to look as if it came from elsewhere, as someone covering their tracks would
    const doc = row.doc.replace('"sourceIPAddress":"127.0.0.1"', '"sourceIPAddress":"10.0.0.1"');
    assert.notEqual(doc, row.doc);
    db.prepare("UPDATE audit_events SET doc = ? WHERE seq = ?").run(doc, row.seq);
    return { ...row, position: all.indexOf(row) + 1 };
  });
  const r = await verify(dir);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /^us-east-1\s+intact/m, "other Regions are still checked");
  assert.match(r.stdout, new RegExp(`^eu-west-1\\s+BROKEN at event ${target.position} .*${target.event_id}`, "m"));
  assert.match(r.stdout, /edited/);
});

test("a removed event breaks the chain at the event after it", async () => {
  const dir = copy();
  const removed = withDb(dir, "us-east-1", (db) => {
    const all = rows(db);
    const victim = all.find((r) => r.event_name === "CreateSecret")!;
    db.prepare("DELETE FROM audit_events WHERE seq = ?").run(victim.seq);
    return { victim, next: all[all.indexOf(victim) + 1]!, position: all.indexOf(victim) + 1 };
  });
  const r = await verify(dir);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, new RegExp(`^us-east-1\\s+BROKEN at event ${removed.position} .*${removed.next.event_id}`, "m"));
  assert.match(r.stdout, /removed or reordered/);
});

test("the newest events removed, or two events swapped, are found too", async () => {
  const truncated = copy();
  withDb(truncated, "us-east-1", (db) => db.prepare("DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)").run());
  const t = await verify(truncated);
  assert.notEqual(t.code, 0);
  assert.match(t.stdout, /^us-east-1\s+BROKEN .*missing/m);

  const swapped = copy();
  withDb(swapped, "eu-west-1", (db) => {
    const [a, b] = rows(db).filter((r) => r.event_name === "GetSecretValue");
    const swap = db.prepare("UPDATE audit_events SET doc = ?, event_id = ? WHERE seq = ?");
    swap.run(b!.doc, b!.event_id, a!.seq);
    swap.run(a!.doc, a!.event_id, b!.seq);
  });
  const s = await verify(swapped);
  assert.notEqual(s.code, 0);
  assert.match(s.stdout, /^eu-west-1\s+BROKEN/m);
});

test("retention pruning keeps an anchor: what remains verifies, and new events chain on", async () => {
  const dir = mkdtempSync(join(tmpdir(), "meridian-chain-retention-"));
  scratch.push(dir);
  let now = Date.now() - days(100);
  const clock = { now: () => now };
  const first = await startMeridian({ dataDir: dir, regions: ["us-east-1"], clock });
  const old = signAtClock(first.secrets("us-east-1"), clock);
  await old.send(new CreateSecretCommand({ Name: "old", SecretString: CANARY }));
  await old.send(new GetSecretValueCommand({ SecretId: "old" }));
  now += days(50);
  await old.send(new PutSecretValueCommand({ SecretId: "old", SecretString: CANARY }));
  await first.stop();
  const before = withDb(dir, "us-east-1", (db) => rows(db).length);

  // Restarted 100 days later: the audit retention job, run at start, drops the events older than 90 days (the default).
  now += days(50);
  const second = await startMeridian({ dataDir: dir, regions: ["us-east-1"], clock });
  const fresh = signAtClock(second.secrets("us-east-1"), clock);
  await fresh.send(new GetSecretValueCommand({ SecretId: "old" }));
  await atClock(iamAs(second, ADMIN), clock).send(new CreateUserCommand({ UserName: "later" }));
  destroyClients();
  await second.stop();

  const after = withDb(dir, "us-east-1", (db) => rows(db).map((r) => r.event_name));
  assert.ok(!after.includes("CreateSecret"), "the oldest events were pruned");
  assert.ok(after.includes("PutSecretValue") && after.includes("CreateUser"));
  assert.ok(after.length < before + 2);
  const r = await verify(dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^us-east-1\s+intact\s+\d+ events.*2 pruned/m);
});
