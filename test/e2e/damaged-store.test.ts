// Issue 12 item 3: a damaged Region file stopped every Region with a message that named no file
// ("file is not a database"), and damaged pages surfaced as a 500 per request. Now each store is
// quick-checked at open; a damaged one, found at start or while serving, takes its own Region out
// of service (logged once, naming the file; health says so) and the other Regions serve.
import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { ADMIN, startMeridian, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { status } from "../../src/cli/status.js";

const REGIONS = ["us-east-1", "eu-west-1"];
const OUT = "Region eu-west-1 is out of service: its store is damaged. The operator must restore it from a backup.";

/** A data directory whose two Regions hold `count` secrets each, closed cleanly (its WAL checkpointed away). */
async function dataDirWithSecrets(count: number): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-damaged-"));
  const m = await startMeridian({ dataDir, regions: REGIONS });
  try {
    for (const region of REGIONS) {
      const sm = m.secrets(region);
      for (let i = 0; i < count; i++) {
        await sm.send(new CreateSecretCommand({ Name: `app/secret-${i}`, SecretString: `${region}-value-${i}-${"x".repeat(400)}` }));
      }
    }
  } finally {
    await m.stop();
  }
  return dataDir;
}

function overwrite(file: string, offset: number, length: number): void {
  const fd = openSync(file, "r+");
  try {
    writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Garbage over every leaf page of the table holding the secrets' values. */
function damageValuePages(file: string): void {
  const db = new Database(file, { readonly: true });
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const pages = db.prepare("SELECT pageno FROM dbstat WHERE name = 'secret_values' AND pagetype = 'leaf'").all() as { pageno: number }[];
  db.close();
  assert.ok(pages.length > 2, "the values fill several pages");
  assert.ok(statSync(file).size >= Math.max(...pages.map((p) => p.pageno)) * pageSize, "every value page is in the file, none only in a WAL");
  for (const { pageno } of pages) overwrite(file, (pageno - 1) * pageSize, pageSize);
}

/** The healthy Region reads and writes; the damaged one answers every call with the clear error. */
async function assertOnlyEuWest1Out(m: TestServer): Promise<void> {
  const east = m.secrets("us-east-1");
  assert.match((await east.send(new GetSecretValueCommand({ SecretId: "app/secret-1" }))).SecretString!, /^us-east-1-value-1-/);
  await east.send(new PutSecretValueCommand({ SecretId: "app/secret-1", SecretString: "changed" }));
  await east.send(new CreateSecretCommand({ Name: "app/new", SecretString: "new" }));
  assert.equal((await east.send(new GetSecretValueCommand({ SecretId: "app/new" }))).SecretString, "new");

  const west = m.secrets("eu-west-1");
  await refuses(west.send(new GetSecretValueCommand({ SecretId: "app/secret-1" })), { name: "InternalServiceError", message: OUT, status: 500 });
  await refuses(west.send(new CreateSecretCommand({ Name: "app/other", SecretString: "v" })), { name: "InternalServiceError", message: OUT, status: 500 });
  const kms = new KMSClient({ endpoint: m.url, region: "eu-west-1", credentials: ADMIN, maxAttempts: 1 });
  try {
    await refuses(kms.send(new ListKeysCommand({})), { name: "KMSInternalException", message: OUT, status: 500 });
  } finally {
    kms.destroy();
  }

  assert.deepEqual(await health(m), { status: "degraded", regions: 2, unhealthy: { "eu-west-1": OUT } });
}

/** /_meridian/health's answer; 200 while any Region serves. */
async function health(m: TestServer): Promise<unknown> {
  const response = await fetch(new URL("/_meridian/health", m.url));
  assert.equal(response.status, 200);
  return response.json();
}

/** The cause is logged once, naming the file, whatever number of calls met it. */
function assertLoggedOnce(logs: string[], file: string, cause: RegExp): void {
  const naming = logs.filter((l) => l.includes(file));
  assert.equal(naming.length, 1, `one log line names ${file}: ${naming.join("\n")}`);
  const line = JSON.parse(naming[0]!) as { level: string; msg: string; region: string };
  assert.equal(line.level, "error");
  assert.equal(line.region, "eu-west-1");
  assert.ok(line.msg.startsWith(`Region eu-west-1's store ${file} is damaged: `), line.msg);
  assert.match(line.msg, cause);
}

test("a Region file that is not a database takes only its own Region out of service", async () => {
  const dataDir = await dataDirWithSecrets(3);
  const file = join(dataDir, "eu-west-1.sqlite");
  overwrite(file, 0, 100); // the header
  const m = await startMeridian({ dataDir, regions: REGIONS });
  try {
    await assertOnlyEuWest1Out(m);
    assertLoggedOnce(m.logs, file, /file is not a database/);
    const report = await status(m.url);
    assert.ok(report.startsWith(`Regions out of service (the log names each store and why):\n  eu-west-1              ${OUT}\n\n`), report);
  } finally {
    await m.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("pages damaged after a clean shutdown are found by the quick check at start", async () => {
  const dataDir = await dataDirWithSecrets(40);
  const file = join(dataDir, "eu-west-1.sqlite");
  damageValuePages(file);
  const m = await startMeridian({ dataDir, regions: REGIONS });
  try {
    assert.deepEqual(await health(m), { status: "degraded", regions: 2, unhealthy: { "eu-west-1": OUT } }, "found at start, before any call read a value");
    await assertOnlyEuWest1Out(m);
    // quick_check raises what it cannot step over (a table's pages) rather than listing it
    assertLoggedOnce(m.logs, file, /database disk image is malformed/);
  } finally {
    await m.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("damage met while serving takes the Region out of service as at start", async () => {
  const dataDir = await dataDirWithSecrets(40);
  const file = join(dataDir, "eu-west-1.sqlite");
  const m = await startMeridian({ dataDir, regions: REGIONS });
  try {
    assert.deepEqual(await health(m), { status: "ok", regions: 2 }, "the store passed its quick check");
    // The store passed its quick check at open; now its value pages go bad under it. Another
    // connection's write makes the server's connection drop its page cache (WAL mode does on any
    // change it did not make), so its next read meets the damage on disk.
    damageValuePages(file);
    const poke = new Database(file);
    poke.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('test-poke', '1')").run();
    poke.close();

    await assertOnlyEuWest1Out(m);
    assertLoggedOnce(m.logs, file, /database disk image is malformed/);
    assert.deepEqual(
      m.logs.filter((l) => JSON.parse(l).msg === "internal error"),
      [],
      "no call's failure is logged as an internal error of its own",
    );
  } finally {
    await m.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a store that cannot be opened takes only its own Region out, and says so", async () => {
  const dataDir = await dataDirWithSecrets(1);
  const file = join(dataDir, "eu-west-1.sqlite");
  rmSync(file);
  mkdirSync(file); // nothing can open a directory as its file
  const m = await startMeridian({ dataDir, regions: REGIONS });
  try {
    const unopenable = "Region eu-west-1 is out of service: its store cannot be opened. The operator must repair or restore it.";
    assert.deepEqual(await health(m), { status: "degraded", regions: 2, unhealthy: { "eu-west-1": unopenable } });
    await refuses(m.secrets("eu-west-1").send(new GetSecretValueCommand({ SecretId: "app/secret-0" })), { name: "InternalServiceError", message: unopenable, status: 500 });
    assert.match((await m.secrets("us-east-1").send(new GetSecretValueCommand({ SecretId: "app/secret-0" }))).SecretString!, /^us-east-1-value-0-/);
    const naming = m.logs.filter((l) => l.includes(file));
    assert.equal(naming.length, 1);
    assert.ok((JSON.parse(naming[0]!) as { msg: string }).msg.startsWith(`Region eu-west-1's store ${file} cannot be opened: `));
  } finally {
    await m.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a damaged home Region takes its partition's identities with it: no other Region stands in", async () => {
  const dataDir = await dataDirWithSecrets(1);
  overwrite(join(dataDir, "us-east-1.sqlite"), 0, 100);
  const m = await startMeridian({ dataDir, regions: REGIONS });
  try {
    assert.equal(m.server.createdAdminKey, undefined, "no second admin key is made elsewhere");
    // eu-west-1's store is sound, but the keys that sign for it are in us-east-1's
    const homeOut = "Region us-east-1 is out of service: its store is damaged. The operator must restore it from a backup.";
    await refuses(m.secrets("eu-west-1").send(new GetSecretValueCommand({ SecretId: "app/secret-0" })), { name: "InternalServiceError", message: homeOut, status: 500 });
    assert.deepEqual(await health(m), { status: "degraded", regions: 2, unhealthy: { "us-east-1": homeOut } });
  } finally {
    await m.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a process whose only Region's store is damaged refuses to start, naming the file", async () => {
  const dataDir = await dataDirWithSecrets(1);
  const file = join(dataDir, "eu-west-1.sqlite");
  overwrite(file, 0, 100);
  try {
    await assert.rejects(startMeridian({ dataDir, regions: ["eu-west-1"] }), { message: `Region eu-west-1's store ${file} is damaged: file is not a database` });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
