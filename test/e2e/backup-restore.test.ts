// Issue 12 item 10: `meridian backup` while Meridian serves, `meridian restore`, and a server on the
// restored directory reading back every secret. A backup taken while secrets are written holds
// everything written before it began, every Region at one moment; one taken at rest restores the
// very same secrets. A restore refuses a directory a server holds, a non-empty one without --force,
// and a damaged or foreign backup or a wrong root key, replacing nothing. (The replication side of
// a restore is in backup-restore-replication.test.ts.)

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
} from "@aws-sdk/client-secrets-manager";
import { ACCOUNT_ID, startMeridian, type TestServer } from "../support/meridian.js";
import { waitFor } from "../support/wait-for.js";
import { eventually } from "../support/multiprocess.js";
import { openStore } from "../../src/store/make-store.js";
import { meridianCli, readEverything } from "./backup-support.js";

const PRIMARY = "us-east-1";
const REGIONS = [PRIMARY, "eu-west-1", "us-west-2"];
const REPLICAS = REGIONS.slice(1);

let m: TestServer;
let work: string;
before(async () => {
  m = await startMeridian({ regions: REGIONS });
  work = mkdtempSync(join(tmpdir(), "meridian-backup-e2e-"));
});
after(async () => {
  await m.stop();
  rmSync(work, { recursive: true, force: true });
});

const path = (name: string) => join(work, name);

interface Written {
  /** where it was written: "<region> <name>" */
  secret: string;
  value: string;
}

/** Secrets of several kinds in every Region, and one replicated from the primary to the others. */
async function seed(known: Map<string, Written>) {
  const remember = (region: string, name: string, r: { VersionId?: string }, value: string) => known.set(r.VersionId!, { secret: `${region} ${name}`, value });
  for (const region of REGIONS) {
    const sm = m.secrets(region);
    const plain = `plain-${region}`;
    remember(region, plain, await sm.send(new CreateSecretCommand({ Name: plain, SecretString: "v0", Description: "several versions" })), "v0");
    remember(region, plain, await sm.send(new PutSecretValueCommand({ SecretId: plain, SecretString: "v1" })), "v1");
    remember(region, plain, await sm.send(new PutSecretValueCommand({ SecretId: plain, SecretString: "staged", VersionStages: ["staging"] })), "staged");
    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    const binary = `binary-${region}`;
    remember(region, binary, await sm.send(new CreateSecretCommand({ Name: binary, SecretBinary: bytes, Tags: [{ Key: "kind", Value: "binary" }] })), bytes.toString("base64"));
    await sm.send(new CreateSecretCommand({ Name: `deleted-${region}`, SecretString: "gone soon" }));
    await sm.send(new DeleteSecretCommand({ SecretId: `deleted-${region}`, RecoveryWindowInDays: 7 }));
    remember(region, `busy-${region}`, await sm.send(new CreateSecretCommand({ Name: `busy-${region}`, SecretString: "w0" })), "w0");
  }
  const created = await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: "shared", SecretString: "w0", AddReplicaRegions: REPLICAS.map((Region) => ({ Region })) }));
  remember(PRIMARY, "shared", created, "w0");
  await eventually(async () => {
    const d = await m.secrets(PRIMARY).send(new DescribeSecretCommand({ SecretId: "shared" }));
    assert.deepEqual(d.ReplicationStatus?.map((s) => s.Status), ["InSync", "InSync"]);
  });
}

test("a backup taken while secrets are written restores every secret written before it began: values, versions, labels", async () => {
  const known = new Map<string, Written>(); // every version id written
  await seed(known);

  // Writes go on in every Region, and to the replicated secret, while the backup is taken.
  let stop = false;
  let writes = 0;
  const targets = [...REGIONS.map((r) => [r, `busy-${r}`] as const), [PRIMARY, "shared"] as const];
  const writer = (async () => {
    for (let i = 1; !stop; i++) {
      for (const [region, name] of targets) {
        const r = await m.secrets(region).send(new PutSecretValueCommand({ SecretId: name, SecretString: `w${i}` }));
        known.set(r.VersionId!, { secret: `${region} ${name}`, value: `w${i}` });
        writes++;
      }
    }
  })();
  await waitFor(() => writes >= 20, { what: "writes before the backup" });
  const writtenBefore = new Map(known);
  const writesAtStart = writes;
  const backup = await meridianCli(["backup", "--data-dir", m.dataDir, "--out", path("during.db")]);
  const writesAtEnd = writes;
  assert.ok(writesAtEnd > writesAtStart, "writes went on while the backup was taken");
  await waitFor(() => writes >= writesAtEnd + 8, { what: "writes after the backup" });
  stop = true;
  await writer;
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stdout, /Region stores: eu-west-1, us-east-1, us-west-2/);
  assert.equal(statSync(path("during.db")).mode & 0o777, 0o600);

  const restored = path("restored-during");
  const run = await meridianCli(["restore", "--from", path("during.db"), "--data-dir", restored]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(statSync(restored).mode & 0o777, 0o700);
  for (const f of readdirSync(restored)) assert.equal(statSync(join(restored, f)).mode & 0o777, 0o600, f);

  // One moment across Regions: what the primary recorded a replica applied, the replica's copy has.
  const primaryStore = await openStore({ dataDir: restored, region: PRIMARY });
  const shared = (await primaryStore.findSecretByName(ACCOUNT_ID, "shared"))!;
  const statuses = await primaryStore.replicaStatuses(shared.arn);
  await primaryStore.close();
  for (const region of REPLICAS) {
    const store = await openStore({ dataDir: restored, region });
    const replica = await store.findSecretByName(ACCOUNT_ID, "shared");
    await store.close();
    assert.ok(replica!.revision >= (statuses[region]?.revision ?? 0), `${region}'s copy is older than what ${PRIMARY} recorded it applied`);
  }

  const r = await startMeridian({ dataDir: restored, regions: REGIONS });
  try {
    for (const region of REGIONS) {
      const secrets = await readEverything(r.secrets(region));
      assert.deepEqual(secrets.map((s) => s.name), [`binary-${region}`, `busy-${region}`, `deleted-${region}`, `plain-${region}`, "shared"]);
      for (const s of secrets) {
        // every value is the one written for its version
        for (const [id, v] of Object.entries(s.versions)) if (!s.deleted) assert.equal(v.value, known.get(id)?.value, `${region} ${s.name} ${id}`);
        // every version written to the secret here before the backup began is there
        const lost = [...writtenBefore].filter(([id, w]) => w.secret === `${region} ${s.name}` && !(id in s.versions));
        assert.deepEqual(lost, [], `${region} ${s.name}: versions written before the backup are missing`);
      }
      const own = (name: string) => secrets.find((s) => s.name === name)!;
      const plain = own(`plain-${region}`);
      assert.equal(plain.description, "several versions");
      assert.deepEqual(Object.values(plain.versions).map((v) => `${v.value}:${v.stages.join("+")}`).sort(), ["staged:staging", "v0:AWSPREVIOUS", "v1:AWSCURRENT"]);
      assert.equal(own(`deleted-${region}`).deleted, true);
      assert.deepEqual(own(`binary-${region}`).tags, ["kind=binary"]);
      // the newest version there is the current one
      const busy = Object.entries(own(`busy-${region}`).versions).sort(([a], [b]) => Number(known.get(b)!.value.slice(1)) - Number(known.get(a)!.value.slice(1)));
      assert.deepEqual(busy[0]![1].stages, ["AWSCURRENT"]);
    }
  } finally {
    await r.stop();
  }
});

test("a backup taken at rest restores the very same secrets in every Region", async () => {
  const backup = await meridianCli(["backup", "--data-dir", m.dataDir, "--out", path("rest.db")]);
  assert.equal(backup.code, 0, backup.stderr);
  const restored = path("restored-rest");
  const run = await meridianCli(["restore", "--from", path("rest.db"), "--data-dir", restored]);
  assert.equal(run.code, 0, run.stderr);
  const r = await startMeridian({ dataDir: restored, regions: REGIONS });
  try {
    for (const region of REGIONS) assert.deepEqual(await readEverything(r.secrets(region)), await readEverything(m.secrets(region)), region);
    // The first start after the restore has reconciled the restored Regions, and says so no more.
    await waitFor(() => !existsSync(join(restored, "restore.json")), { what: "the restore marker to be cleared" });
  } finally {
    await r.stop();
  }
});

test("restore refuses a data directory a server holds, and a non-empty one without --force, replacing nothing", async () => {
  const backup = path("refusals.db");
  assert.equal((await meridianCli(["backup", "--data-dir", m.dataDir, "--out", backup])).code, 0);

  const held = await meridianCli(["restore", "--from", backup, "--data-dir", m.dataDir]);
  assert.equal(held.code, 2);
  assert.match(held.stderr, new RegExp(`data directory .* is in use by process ${process.pid} .*stop that server first`));

  const dir = path("refusals-target");
  assert.equal((await meridianCli(["restore", "--from", backup, "--data-dir", dir])).code, 0);
  writeFileSync(join(dir, "us-east-1.sqlite"), "not what was there"); // so a replacement would show
  const again = await meridianCli(["restore", "--from", backup, "--data-dir", dir]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /is not empty \(auth-mode, eu-west-1\.sqlite, restore\.json, root-key\.check, us-east-1\.sqlite, us-west-2\.sqlite\); a restore would replace what it holds: give --force/);
  assert.equal(readFileSync(join(dir, "us-east-1.sqlite"), "utf8"), "not what was there");

  writeFileSync(join(dir, "notes.txt"), "mine");
  const forced = await meridianCli(["restore", "--from", backup, "--data-dir", dir, "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /replaced: auth-mode, eu-west-1\.sqlite, restore\.json, root-key\.check, us-east-1\.sqlite, us-west-2\.sqlite\n/);
  assert.match(forced.stdout, /left as they were \(not Meridian's\): notes\.txt/);
  assert.equal(readFileSync(join(dir, "notes.txt"), "utf8"), "mine");
  const r = await startMeridian({ dataDir: dir, regions: REGIONS });
  try {
    assert.equal((await r.secrets(PRIMARY).send(new GetSecretValueCommand({ SecretId: "plain-us-east-1" }))).SecretString, "v1");
  } finally {
    await r.stop();
  }

  const foreign = path("not-a-data-dir");
  mkdirSync(foreign);
  writeFileSync(join(foreign, "notes.txt"), "mine");
  const refused = await meridianCli(["restore", "--from", backup, "--data-dir", foreign, "--force"]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /does not look like a Meridian data directory \(notes\.txt\)/);
  assert.deepEqual(readdirSync(foreign), ["notes.txt"]);
});

test("a damaged or foreign backup, or the wrong root key, is refused before anything is replaced", async () => {
  const good = path("to-damage.db");
  assert.equal((await meridianCli(["backup", "--data-dir", m.dataDir, "--out", good])).code, 0);
  const storeBytes = (db: Database.Database) =>
    Buffer.concat((db.prepare("SELECT data FROM chunks WHERE role = 'store' AND name = ? ORDER BY seq").all(PRIMARY) as { data: Buffer }[]).map((r) => r.data));
  const variants: [string, (file: string) => void, RegExp][] = [
    ["truncated", (f) => truncateSync(f, Math.floor(statSync(f).size / 2)), /cannot be restored: .*(damaged|malformed|not a database)/],
    [
      "a store's bytes changed",
      (f) => {
        const db = new Database(f);
        const bytes = storeBytes(db);
        bytes[bytes.length - 100] ^= 0xff;
        db.prepare("DELETE FROM chunks WHERE role = 'store' AND name = ?").run(PRIMARY);
        db.prepare("INSERT INTO chunks (role, name, seq, data) VALUES ('store', ?, 0, ?)").run(PRIMARY, bytes);
        db.close();
      },
      /is damaged: its copy of Region us-east-1's store does not match its checksum/,
    ],
    [
      "a damaged store, its checksum made to match",
      (f) => {
        const db = new Database(f);
        const bytes = storeBytes(db);
        bytes.fill(0xa5, 4096, 3 * 4096);
        db.prepare("DELETE FROM chunks WHERE role = 'store' AND name = ?").run(PRIMARY);
        db.prepare("INSERT INTO chunks (role, name, seq, data) VALUES ('store', ?, 0, ?)").run(PRIMARY, bytes);
        db.prepare("UPDATE files SET sha256 = ?, size = ? WHERE role = 'store' AND name = ?").run(createHash("sha256").update(bytes).digest("hex"), bytes.length, PRIMARY);
        db.close();
      },
      /its copy of Region us-east-1's store is not whole: .*(damaged|malformed)/,
    ],
    ["not a backup", (f) => copyFileSync(join(m.dataDir, "us-west-2.sqlite"), f), /is not a Meridian backup/],
  ];
  for (const [what, damage, expected] of variants) {
    const name = what.replace(/\W+/g, "-");
    const file = path(`${name}.db`);
    copyFileSync(good, file);
    damage(file);
    const dir = path(`restore-of-${name}`);
    const run = await meridianCli(["restore", "--from", file, "--data-dir", dir]);
    assert.equal(run.code, 2, `${what}: ${run.stdout}`);
    assert.match(run.stderr, expected, what);
    assert.deepEqual(readdirSync(dir), [], `${what}: the data directory stays empty`);
  }

  const wrongKey = await meridianCli(["restore", "--from", good, "--data-dir", path("wrong-key")], { MERIDIAN_ROOT_KEY: Buffer.alloc(32, 9).toString("base64") });
  assert.equal(wrongKey.code, 2);
  assert.match(wrongKey.stderr, /the root key from the file seal is not the one the backup's stores were sealed with/);
  const noKey = await meridianCli(["restore", "--from", good, "--data-dir", path("no-key")], { MERIDIAN_ROOT_KEY: undefined });
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /holds no sealed root key: its stores were sealed with MERIDIAN_ROOT_KEY \(file seal\); set it/);
  for (const d of ["wrong-key", "no-key"]) assert.deepEqual(readdirSync(path(d)), []);
});

test("a restore cut short leaves a directory no server starts on, saying how to finish it", async () => {
  const backup = path("cut-short.db");
  assert.equal((await meridianCli(["backup", "--data-dir", m.dataDir, "--out", backup])).code, 0);
  const dir = path("cut-short");
  assert.equal((await meridianCli(["restore", "--from", backup, "--data-dir", dir])).code, 0);
  // As if killed while moving the files in.
  writeFileSync(join(dir, "restore.json"), JSON.stringify({ state: "restoring", from: backup, takenAt: "x", regions: REGIONS }));
  await assert.rejects(startMeridian({ dataDir: dir, regions: REGIONS }), (e: Error) => {
    assert.match(e.message, new RegExp(`a restore into ${dir} from ${backup} did not finish.*meridian restore --from ${backup} --data-dir ${dir} --force`));
    return true;
  });
  const finished = await meridianCli(["restore", "--from", backup, "--data-dir", dir, "--force"]);
  assert.equal(finished.code, 0, finished.stderr);
  await (await startMeridian({ dataDir: dir, regions: REGIONS })).stop();
});

test("backup and restore answer --help, and meridian --help lists them", async () => {
  for (const command of ["backup", "restore"]) {
    const run = await meridianCli([command, "--help"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Usage: meridian ${command} `));
  }
  assert.match((await meridianCli(["--help"])).stdout, /\n {2}backup {4}.*\n[\s\S]*\n {2}restore {3}/);
});
