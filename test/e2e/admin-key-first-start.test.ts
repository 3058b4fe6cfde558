// Issue 12 item 5: a first start that failed after generating the admin key (the port taken) kept
// a key that was never printed, leaving the data directory with no usable credentials. The key is
// now made only once the port is Meridian's, so the next start makes and prints one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliPath, ROOT_KEY, waitForExit } from "../support/meridian.js";

function serve(dataDir: string, port: number) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MERIDIAN_") && !k.startsWith("AWS_")));
  const child = spawn(process.execPath, [cliPath, "serve", "--port", String(port), "--data-dir", dataDir], {
    env: { ...env, MERIDIAN_ROOT_KEY: ROOT_KEY },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

test("a first start that cannot take its port keeps no admin key; the next start makes and prints one", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-first-"));
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const port = (taken.address() as { port: number }).port;
  try {
    const failed = serve(dataDir, port);
    assert.notEqual(await waitForExit(failed.child), 0);
    assert.doesNotMatch(failed.output(), /AWS_SECRET_ACCESS_KEY=/, "no key shown by a start that failed");
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
  const second = serve(dataDir, port);
  try {
    const printed = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no key printed: ${second.output()}`)), 20_000);
      second.child.stdout.on("data", () => {
        const m = /export AWS_SECRET_ACCESS_KEY=(\S+)/.exec(second.output());
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    assert.ok(printed.length >= 40, "the second start made and printed the admin key");
  } finally {
    second.child.kill("SIGTERM");
    await waitForExit(second.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
