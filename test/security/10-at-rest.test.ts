// Issue 10, item 10: what is on disk is its owner's alone, a root key others can read stops the
// start, the file seal says at start that it is not for production, and a client that hangs up
// mid-request is not an internal error.

import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../src/server.js";
import { makeLogger } from "../../src/util/logger.js";
import { ACCOUNT_ID, ADMIN, spawnMeridian, startMeridian, waitForExit } from "../support/meridian.js";
import { prepareRequest, rawRequest } from "../support/raw-request.js";

// The usual umask: what Meridian makes must be private whatever the umask lets through.
process.umask(0o022);

/** A first start with the file seal keeping its key in the data directory, as an operator's would. */
async function firstStart(dataDir: string) {
  const server = await startServer({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    auth: "strict",
    accountId: ACCOUNT_ID,
    env: { MERIDIAN_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, MERIDIAN_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey },
    log: makeLogger(() => {}),
  });
  await server.close();
}

/** Every entry of a directory with its mode, size, time of change and content hash. */
function snapshot(dir: string) {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const s = statSync(join(dir, name));
      const hash = s.isFile() ? createHash("sha256").update(readFileSync(join(dir, name))).digest("hex") : "";
      return { name, mode: s.mode, size: s.size, mtime: s.mtimeMs, ctime: s.ctimeMs, hash };
    });
}

test("a first start makes the data directory 0700 and the root key, stores and every other file in it 0600", async () => {
  const root = mkdtempSync(join(tmpdir(), "meridian-at-rest-"));
  try {
    const dataDir = join(root, "data");
    await firstStart(dataDir);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    const files = readdirSync(dataDir);
    assert.ok(files.includes("root.key"), `no root.key in ${files.join(", ")}`);
    assert.ok(files.some((f) => f.endsWith(".sqlite")), `no store in ${files.join(", ")}`);
    for (const f of files) {
      const mode = statSync(join(dataDir, f)).mode & 0o777;
      assert.equal(mode & 0o077, 0, `${f} is ${mode.toString(8)}: group or others have access`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a root key file that group or others can read stops the start with one line naming the fix, and changes nothing", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-at-rest-"));
  try {
    await firstStart(dataDir);
    const keyFile = join(dataDir, "root.key");
    for (const mode of [0o644, 0o640, 0o604]) {
      chmodSync(keyFile, mode);
      const before = snapshot(dataDir);
      const p = spawnMeridian(dataDir, [], { MERIDIAN_ROOT_KEY: "" });
      const started = await Promise.race([p.url.then(() => true, () => false), waitForExit(p.child).then(() => false)]);
      if (started) p.child.kill("SIGKILL");
      const code = await waitForExit(p.child);
      assert.ok(!started && code !== 0, `started with a ${mode.toString(8)} root key:\n${p.output()}`);
      const lines = p.output().trim().split("\n");
      assert.equal(lines.length, 1, p.output());
      assert.match(lines[0]!, new RegExp(`${keyFile}.*chmod 600 ${keyFile}`));
      assert.deepEqual(snapshot(dataDir), before);
    }
    // The fix it names is enough.
    chmodSync(keyFile, 0o600);
    const p = spawnMeridian(dataDir, [], { MERIDIAN_ROOT_KEY: "" });
    await p.url;
    p.child.kill("SIGKILL");
    await waitForExit(p.child);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the file seal says at start, in one line, that the root key lies beside the stores and which flag fixes it", async () => {
  const root = mkdtempSync(join(tmpdir(), "meridian-at-rest-"));
  try {
    for (const [name, env] of Object.entries<Record<string, string>>({ file: { MERIDIAN_ROOT_KEY: "" }, env: {} })) {
      const p = spawnMeridian(join(root, name), [], env);
      await p.url;
      // 'close', not 'exit': every line written to stdout and stderr has then been read.
      const closed = new Promise((resolve) => p.child.once("close", resolve));
      p.child.kill("SIGKILL");
      await closed;
      const line = p.output().split("\n").find((l) => /root key/i.test(l) && /--seal kms\|pkcs11/.test(l));
      assert.ok(line, `no line about the file seal and --seal kms|pkcs11 in:\n${p.output()}`);
      assert.match(line, name === "file" ? new RegExp(`beside the stores \\(${join(root, name, "root.key")}`) : /not sealed \(MERIDIAN_ROOT_KEY/);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("clients that hang up halfway through a body leave no internal error and no stack trace in the log", async () => {
  const m = await startMeridian();
  try {
    const url = new URL(m.url);
    const body = JSON.stringify({ SecretId: "app/db", Padding: "x".repeat(4000) });
    const signed = await prepareRequest(m.url, { target: "secretsmanager.GetSecretValue", body, credentials: ADMIN });
    const head =
      `POST / HTTP/1.1\r\n` +
      Object.entries({ ...signed.headers, "content-length": String(signed.body.length) }).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
      "\r\n";
    for (let i = 0; i < 50; i++) {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(head);
          socket.write(signed.body.subarray(0, signed.body.length / 2), () => {
            socket.destroy();
            resolve();
          });
        });
        socket.on("error", reject);
      });
    }
    // The server is still there, and by the time it has answered this it has seen every hang-up.
    const after = await rawRequest(m.url, { target: "secretsmanager.ListSecrets", body: {}, credentials: ADMIN });
    assert.equal(after.status, 200);
    await new Promise((r) => setImmediate(r));
    const errors = m.logs.filter((l) => /internal error|"level":"error"|\\n\s+at /.test(l));
    assert.deepEqual(errors, []);
  } finally {
    await m.stop();
  }
});
