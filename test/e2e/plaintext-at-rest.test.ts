// DESIGN §4: no plaintext secret value is ever written to a store or a log. A real `meridian serve`
// takes random values through every write path, then every file under its data directory (SQLite
// files with their -wal and -shm) and everything it printed is searched for them. Started through
// the CLI, the data directory is its owner's alone and the generated root key file is 0600.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import { ADMIN, spawnMeridian, waitForExit } from "../support/meridian.js";
import { rawRequest } from "../support/raw-request.js";

const text = () => `plaintext-${randomBytes(24).toString("hex")}`;
const strings = { created: text(), put: text(), updated: text(), otherRegion: text(), refused: text() };
const binaries = { created: randomBytes(48), put: randomBytes(48), updated: randomBytes(48) };

// Every form a value could leak in: the UTF-8 text and its base64 (the wire form of a binary), and
// the raw bytes and base64 of each binary.
const needles: Array<[label: string, bytes: Buffer]> = [
  ...Object.entries(strings).flatMap(([k, v]): Array<[string, Buffer]> => [
    [`SecretString ${k} (UTF-8)`, Buffer.from(v, "utf8")],
    [`SecretString ${k} (base64)`, Buffer.from(Buffer.from(v, "utf8").toString("base64"))],
  ]),
  ...Object.entries(binaries).flatMap(([k, v]): Array<[string, Buffer]> => [
    [`SecretBinary ${k} (raw)`, v],
    [`SecretBinary ${k} (base64)`, Buffer.from(v.toString("base64"))],
  ]),
];

let root: string;
let dataDir: string;
let child: ChildProcess | undefined;
let output = "";
const clients: SecretsManagerClient[] = [];

function client(url: string, region = "us-east-1") {
  const c = new SecretsManagerClient({ endpoint: url, region, credentials: ADMIN, maxAttempts: 1 });
  clients.push(c);
  return c;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? [path, ...filesUnder(path)] : [path];
  });
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "meridian-at-rest-"));
  dataDir = join(root, "data"); // the CLI creates it
  // No MERIDIAN_ROOT_KEY: the file seal generates <data-dir>/root.key.
  const started = spawnMeridian(dataDir, [], { MERIDIAN_ROOT_KEY: "" });
  child = started.child;
  const url = await started.url;

  const sm = client(url);
  await sm.send(new CreateSecretCommand({ Name: "at-rest/string", SecretString: strings.created }));
  await sm.send(new PutSecretValueCommand({ SecretId: "at-rest/string", SecretString: strings.put }));
  await sm.send(new UpdateSecretCommand({ SecretId: "at-rest/string", SecretString: strings.updated }));
  await sm.send(new CreateSecretCommand({ Name: "at-rest/binary", SecretBinary: binaries.created }));
  await sm.send(new PutSecretValueCommand({ SecretId: "at-rest/binary", SecretBinary: binaries.put }));
  await sm.send(new UpdateSecretCommand({ SecretId: "at-rest/binary", SecretBinary: binaries.updated }));
  await client(url, "eu-west-1").send(new CreateSecretCommand({ Name: "at-rest/elsewhere", SecretString: strings.otherRegion }));

  // A refused write (the value is too long) must not echo the value either.
  const refused = await rawRequest(url, {
    credentials: ADMIN,
    target: "secretsmanager.PutSecretValue",
    body: { SecretId: "at-rest/string", SecretString: strings.refused.repeat(2000) },
  });
  assert.equal(refused.status, 400);
  assert.ok(!refused.text.includes(strings.refused), "an error response echoed the value");

  // The values were stored (not merely dropped): they read back.
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "at-rest/string" }))).SecretString, strings.updated);
  const previous = await sm.send(new GetSecretValueCommand({ SecretId: "at-rest/string", VersionStage: "AWSPREVIOUS" }));
  assert.equal(previous.SecretString, strings.put);
  const binary = await sm.send(new GetSecretValueCommand({ SecretId: "at-rest/binary" }));
  assert.deepEqual(Buffer.from(binary.SecretBinary!), binaries.updated);

  // Stopped hard, so the latest writes are still in the -wal files when the files are read.
  child.kill("SIGKILL");
  await waitForExit(child);
  output = started.output();
});

after(() => {
  for (const c of clients) c.destroy();
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

test("the stores hold no plaintext value in any form, -wal and -shm files included", () => {
  const files = filesUnder(dataDir).filter((f) => statSync(f).isFile());
  assert.ok(files.some((f) => f.endsWith(".sqlite-wal")), `expected WAL files after a hard stop, found ${files.join(", ")}`);
  let namesSeen = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const [label, needle] of needles) assert.equal(bytes.indexOf(needle), -1, `${label} found in ${file}`);
    if (bytes.includes("at-rest/elsewhere")) namesSeen++;
  }
  // The control: a secret's name is stored in the clear, so the scan does see what was written.
  assert.ok(namesSeen > 0, "the scan found not even the secret names the stores keep in the clear");
});

test("nothing the server printed holds a plaintext value", () => {
  assert.match(output, /listening on http:\/\//);
  const printed = Buffer.from(output, "utf8");
  for (const [label, needle] of needles) assert.equal(printed.indexOf(needle), -1, `${label} found in the server's output`);
});

test("started through the CLI, nothing under the data directory is readable by group or others", () => {
  const all = [dataDir, ...filesUnder(dataDir)];
  assert.ok(all.length > 3);
  for (const path of all) {
    const mode = statSync(path).mode & 0o777;
    assert.equal(mode & 0o077, 0, `${path} has mode ${mode.toString(8)}`);
  }
});

test("the generated root key file is 0600 and holds 32 bytes", () => {
  const file = join(dataDir, "root.key");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(Buffer.from(readFileSync(file, "utf8").trim(), "base64").length, 32);
});
