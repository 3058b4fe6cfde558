// Issue 10, item 8: what an unauthenticated request can cost is bounded before any work is done for
// it. Measured on a real `meridian serve` process: its peak resident memory (VmHWM) while 100
// unauthenticated clients each try to send a 16 MiB body.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import type { ChildProcess } from "node:child_process";
import { spawnMeridian, waitForExit, ADMIN } from "../support/meridian.js";
import { prepareRequest, rawRequest } from "../support/raw-request.js";

const MiB = 1024 * 1024;
let child: ChildProcess;
let url: string;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "meridian-sec8-"));
  const started = spawnMeridian(dataDir);
  child = started.child;
  url = await started.url;
});
after(async () => {
  child.kill("SIGTERM");
  await waitForExit(child);
  rmSync(dataDir, { recursive: true, force: true });
});

function kib(field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)![1]);
}

/** POST `size` bytes to `path` with `headers`, written in 1 MiB pieces; resolves with the status (0: connection dropped). */
function bigPost(path: string, headers: Record<string, string>, size: number): Promise<number> {
  const piece = Buffer.alloc(MiB, 0x7b);
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      { host: u.hostname, port: Number(u.port), path, method: "POST", headers: { ...headers, "content-length": String(size) }, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(60_000, () => req.destroy());
    req.on("error", () => resolve(0));
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += MiB;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

test("100 unauthenticated 16 MiB POSTs (peer path without peering, unsigned, unknown key) do not grow the server's memory", async () => {
  const signedByUnknown = await prepareRequest(url, {
    target: "secretsmanager.GetSecretValue",
    body: {},
    credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" },
  });
  const kinds: [string, Record<string, string>][] = [
    ["/_meridian/replication/batch", { "content-type": "application/json" }],
    ["/", { "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.GetSecretValue" }],
    ["/", { ...signedByUnknown.headers }],
  ];
  const before = kib("VmRSS");
  const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => bigPost(kinds[i % 3]![0], kinds[i % 3]![1], 16 * MiB)));
  const peakGrowthMiB = (kib("VmHWM") - before) / 1024;
  assert.ok(statuses.every((s) => s === 0 || (s >= 400 && s < 500)), `answers: ${statuses.join(",")}`);
  assert.ok(peakGrowthMiB < 150, `peak resident memory grew ${peakGrowthMiB.toFixed(0)} MiB (from ${(before / 1024).toFixed(0)} MiB)`);

  // And the server is well: a signed call still works.
  const ok = await rawRequest(url, { target: "secretsmanager.ListSecrets", body: {}, credentials: ADMIN });
  assert.equal(ok.status, 200, ok.text);
});

test("a request from an unknown key is refused on its headers, before its body is read", async () => {
  const big = "x".repeat(2 * MiB); // over the 1 MiB body limit: had the body been read, the answer would be 413
  const res = await rawRequest(url, {
    target: "secretsmanager.GetSecretValue",
    body: big,
    credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" },
  });
  assert.equal(res.status, 400, res.text);
  assert.deepEqual(res.json, { __type: "UnrecognizedClientException", message: "The security token included in the request is invalid." });
  const unsigned = await rawRequest(url, { target: "secretsmanager.GetSecretValue", body: big, sign: false });
  assert.deepEqual(unsigned.json, { __type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" });
});

test("peer paths are closed when no peer secret is configured, whatever the body", async () => {
  const status = await bigPost("/_meridian/replication", { "content-type": "application/json" }, 8 * MiB);
  assert.ok(status === 403 || status === 0, String(status));
});
