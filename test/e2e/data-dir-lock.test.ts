// Issue 12 item 4: two servers on one data directory ran side by side and served different values.
// A start now takes the directory's lock and refuses, naming the process, while another holds it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnMeridian, startMeridian, storeArgs, storeFor, waitForExit } from "../support/meridian.js";

const freshDir = () => mkdtempSync(join(tmpdir(), "meridian-lock-"));

test("a second server on a served data directory is refused, naming the process; after a stop it starts", async () => {
  const dataDir = freshDir();
  const first = await startMeridian({ dataDir });
  try {
    await assert.rejects(startMeridian({ dataDir }), (e: Error) => {
      assert.match(e.message, new RegExp(`data directory .* is in use by process ${process.pid} \\(started `));
      assert.match(e.message, /serve\.lock/);
      return true;
    });
  } finally {
    await first.stop();
  }
  const second = await startMeridian({ dataDir });
  await second.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a server process holding the directory refuses an in-process start, and its lock is taken over after kill -9", async () => {
  const dataDir = freshDir();
  const child = spawnMeridian(dataDir, await storeArgs(dataDir));
  try {
    await child.url;
    await assert.rejects(startMeridian({ dataDir }), new RegExp(`in use by process ${child.child.pid} `));
  } finally {
    child.child.kill("SIGKILL");
    await waitForExit(child.child);
  }
  const after = await startMeridian({ dataDir }); // the holder is gone: its lock is stale
  await after.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a lock naming a process that no longer exists does not block a start", async () => {
  const dataDir = freshDir();
  const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  writeFileSync(join(dataDir, "serve.lock"), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }));
  const m = await startMeridian({ dataDir });
  await m.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a start that fails after taking the lock gives it back", async () => {
  const dataDir = freshDir();
  const holder = await startMeridian();
  try {
    // Same port as a running server: listen fails after the stores are open.
    const { startServer } = await import("../../src/server.js");
    const port = Number(new URL(holder.url).port);
    await assert.rejects(
      startServer({
        host: "127.0.0.1",
        port,
        dataDir,
        store: await storeFor(dataDir),
        auth: "strict",
        accountId: "111111111111",
        env: { MERIDIAN_ROOT_KEY: Buffer.alloc(32, 7).toString("base64") },
      }),
      /EADDRINUSE/,
    );
  } finally {
    await holder.stop();
  }
  const m = await startMeridian({ dataDir });
  await m.stop();
  rmSync(dataDir, { recursive: true, force: true });
});
