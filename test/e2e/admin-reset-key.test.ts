// Issue 12 item 5: a lost admin key has a way back. `meridian admin reset-key`, with the data
// directory and its seal and the server stopped, prints a new key for the operator account's root,
// revokes the old one and records the reset in the audit trail; it refuses while a server holds the
// directory, and a key it could not print is never stored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { keyAccepted } from "../support/key-check.js";
import { cliPath, operatorEnv, printedKey, spawnServe, waitForExit } from "../support/meridian.js";

type Key = { accessKeyId: string; secretAccessKey: string };

/** `meridian serve` with no admin key given: resolves once its banner is complete. */
async function serve(dataDir: string) {
  const { child, banner: printed } = spawnServe(dataDir);
  const banner = await printed;
  const url = /listening on (\S+)/.exec(banner)![1]!;
  return {
    banner,
    client: (key: Key) => new SecretsManagerClient({ endpoint: url, region: "us-east-1", credentials: key, maxAttempts: 1 }),
    async stop() {
      child.kill("SIGTERM");
      assert.equal(await waitForExit(child), 0);
    },
  };
}

function meridian(args: string[], stdout?: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (stdout === undefined) {
    return new Promise((resolve) =>
      execFile(process.execPath, [cliPath, ...args], { env: operatorEnv() }, (error, out, err) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
      ),
    );
  }
  const child = spawn(process.execPath, [cliPath, ...args], { env: operatorEnv(), stdio: ["ignore", stdout, "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  return waitForExit(child).then((code) => ({ code, stdout: "", stderr }));
}

const works = (server: Awaited<ReturnType<typeof serve>>, key: Key) => keyAccepted(server.client(key));

const resetEvents = async (dataDir: string) =>
  (await meridian(["audit", "--data-dir", dataDir, "--event-name", "ResetAdminKey", "--json"])).stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { awsRegion: string; userIdentity: { invokedBy?: string }; responseElements: { accessKeyId: string; revokedAccessKeyIds: string[] } });

test("admin reset-key: refused while serving; a key it cannot print is not stored; then the old key is refused, the new one works, and the trail shows it", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-reset-key-"));
  try {
    const first = await serve(dataDir);
    const old = printedKey(first.banner);
    assert.ok(old, `the first start printed a key:\n${first.banner}`);
    try {
      const refused = await meridian(["admin", "reset-key", "--data-dir", dataDir]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /is in use by process \d+ .*stop that server first/);
      assert.equal(printedKey(refused.stdout), undefined, "no key printed while a server holds the directory");
    } finally {
      await first.stop();
    }

    // stdout that cannot be written (opened read-only): the reset fails and changes nothing.
    const readOnly = openSync("/dev/null", "r");
    try {
      const failed = await meridian(["admin", "reset-key", "--data-dir", dataDir], readOnly);
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, /EBADF/);
    } finally {
      closeSync(readOnly);
    }
    assert.deepEqual(await resetEvents(dataDir), []);
    const unchanged = await serve(dataDir);
    try {
      assert.equal(await works(unchanged, old), true, "the old key still works after a reset that could not print");
    } finally {
      await unchanged.stop();
    }

    const reset = await meridian(["admin", "reset-key", "--data-dir", dataDir]);
    assert.equal(reset.code, 0, reset.stderr);
    const fresh = printedKey(reset.stdout);
    assert.ok(fresh && fresh.accessKeyId !== old.accessKeyId, reset.stdout);
    assert.match(reset.stdout, new RegExp(`revoked ${old.accessKeyId}`));

    const after = await serve(dataDir);
    try {
      assert.match(after.banner, /AWS_ACCESS_KEY_ID=<the admin access key id>/, "a restart makes no new key");
      assert.equal(await works(after, old), false, "the old key is refused");
      assert.equal(await works(after, fresh), true, "the new key works");
    } finally {
      await after.stop();
    }

    const events = await resetEvents(dataDir);
    const home = events.find((e) => e.awsRegion === "us-east-1");
    assert.ok(home, `a ResetAdminKey event in us-east-1: ${JSON.stringify(events)}`);
    assert.equal(home.userIdentity.invokedBy, "meridian admin reset-key");
    assert.deepEqual(home.responseElements, { accessKeyId: fresh.accessKeyId, revokedAccessKeyIds: [old.accessKeyId] });
    assert.doesNotMatch(JSON.stringify(events), new RegExp(fresh.secretAccessKey.replace(/[+/]/g, "\\$&")), "the secret never reaches the trail");
    const verify = await meridian(["audit", "verify", "--data-dir", dataDir]);
    assert.equal(verify.code, 0, verify.stdout);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
