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

/** The server's processes: the primary and its workers (meridian serve runs one per core). */
function serverPids(): number[] {
  const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  return [child.pid!, ...children.map(Number)];
}

/** Summed over the server's processes (for VmHWM, an upper bound of their joint peak). */
function kib(field: "VmRSS" | "VmHWM"): number {
  let total = 0;
  for (const pid of serverPids()) {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    total += Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  }
  return total;
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

/** Sends the head of a request announcing `announced` bytes and only its first KiB; resolves with the answer, if one comes before the body. */
function answerBeforeBody(headers: Record<string, string>, announced: number, at = url, path = "/"): Promise<{ status: number; text: string }> {
  const u = new URL(at);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: Number(u.port), path, method: "POST", headers: { ...headers, "content-length": String(announced) }, agent: false },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, text });
        });
      },
    );
    req.on("error", () => undefined); // the server may close once it has answered
    req.setTimeout(10_000, () => reject(new Error("no answer until the body was sent: the server waited for the body")));
    req.write(Buffer.alloc(1024, 0x7b)); // the rest of the body never comes
  });
}

test("a request from an unknown key, or unsigned, is answered on its headers, before its body is sent", async () => {
  const byUnknown = await prepareRequest(url, {
    target: "secretsmanager.GetSecretValue",
    body: {},
    credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" },
  });
  const unknown = await answerBeforeBody(byUnknown.headers, 512 * 1024);
  assert.equal(unknown.status, 400, unknown.text);
  assert.deepEqual(JSON.parse(unknown.text), { __type: "UnrecognizedClientException", message: "The security token included in the request is invalid." });
  const unsigned = await answerBeforeBody({ "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.GetSecretValue" }, 512 * 1024);
  assert.deepEqual(JSON.parse(unsigned.text), { __type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" });
});

test("an SDK-sized request refused on its headers still gets its answer while it is sending its body", async () => {
  const res = await rawRequest(url, {
    target: "secretsmanager.PutSecretValue",
    body: { SecretId: "x", SecretString: "y".repeat(200 * 1024) },
    credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" },
  });
  assert.equal(res.json?.__type, "UnrecognizedClientException", res.text);
});

test("peer paths are closed when no peer secret is configured, whatever the body", async () => {
  const status = await bigPost("/_meridian/replication", { "content-type": "application/json" }, 8 * MiB);
  assert.ok(status === 403 || status === 0, String(status));
});

test("with peering configured, a peer request not signed with the peer secret is answered before its body", async () => {
  const dir = mkdtempSync(join(tmpdir(), "meridian-sec8-peer-"));
  const peer = spawnMeridian(dir, [], { MERIDIAN_PEER_SECRET: "peer-secret-for-this-test-0123456789" });
  try {
    const peerUrl = await peer.url;
    const unsigned = await answerBeforeBody({ "content-type": "application/json" }, 8 * MiB, peerUrl, "/_meridian/replication/batch");
    assert.equal(unsigned.status, 400, unsigned.text);
    assert.equal(JSON.parse(unsigned.text).__type, "MissingAuthenticationTokenException");
  } finally {
    peer.child.kill("SIGTERM");
    await waitForExit(peer.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
