// An acknowledged write survives `kill -9`; SIGTERM finishes what is in flight and exits 0; a wrong
// root key is refused without touching the data directory. Each step runs `meridian serve` as a
// child process on the same data directory, in order.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { ADMIN, spawnMeridian, waitForExit } from "../support/meridian.js";
import { prepareRequest } from "../support/raw-request.js";
import { waitFor } from "../support/wait-for.js";

const CONCURRENCY = 8;
const KILL_AFTER_ACKS = 200;
const TIMEOUT = { timeout: 60_000 };

interface Ack {
  name: string;
  versionId: string;
  value: string;
}

let dataDir: string;
const children: ChildProcess[] = [];
const clients: SecretsManagerClient[] = [];
const acked: Ack[] = [];

function start(env: Record<string, string> = {}) {
  const started = spawnMeridian(dataDir, [], env);
  children.push(started.child);
  return started;
}

async function client(env: Record<string, string> = {}) {
  const started = start(env);
  const url = await started.url;
  const sm = new SecretsManagerClient({ endpoint: url, region: "us-east-1", credentials: ADMIN, maxAttempts: 1 });
  clients.push(sm);
  return { ...started, url, sm };
}

/** sha256 of every file under the data directory, by name. */
function hashes(): Record<string, string> {
  const out: Record<string, string> = {};
  // serve.lock is the running process's, not data: a refused start may remove a dead holder's
  for (const name of readdirSync(dataDir).sort()) if (name !== "serve.lock") out[name] = createHash("sha256").update(readFileSync(join(dataDir, name))).digest("hex");
  return out;
}

async function readsBack(sm: SecretsManagerClient, acks: Ack[]) {
  // Eight at a time, every acknowledged version by its id.
  const queue = [...acks];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let a = queue.shift(); a; a = queue.shift()) {
        const got = await sm.send(new GetSecretValueCommand({ SecretId: a.name, VersionId: a.versionId }));
        assert.equal(got.SecretString, a.value, `${a.name} ${a.versionId}`);
        assert.equal(got.VersionId, a.versionId);
      }
    }),
  );
}

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), "meridian-durability-"));
});

after(async () => {
  for (const c of clients) c.destroy();
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(children.map(waitForExit));
  rmSync(dataDir, { recursive: true, force: true });
});

test("a stream of concurrent writes is cut by kill -9 after 200 acknowledgements", TIMEOUT, async () => {
  const { child, sm } = await client();
  const pool: string[] = [];
  const failures: unknown[] = [];
  let killed = false;
  let created = 0;
  let resolveKilled!: () => void;
  const killedNow = new Promise<void>((r) => (resolveKilled = r));

  async function worker(w: number) {
    while (!killed) {
      const value = `v-${w}-${randomBytes(12).toString("hex")}`;
      try {
        let ack: Ack;
        if (pool.length < 4 || Math.random() < 0.25) {
          const name = `durable/${w}/${created++}`;
          const out = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
          ack = { name, versionId: out.VersionId!, value };
          pool.push(name);
        } else {
          const name = pool[Math.floor(Math.random() * pool.length)]!;
          const out = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
          ack = { name, versionId: out.VersionId!, value };
        }
        if (killed) return; // answered after the kill: cannot have been acknowledged before it
        acked.push(ack);
        if (acked.length >= KILL_AFTER_ACKS) {
          killed = true;
          child.kill("SIGKILL");
          resolveKilled();
        }
      } catch (e) {
        if (!killed) failures.push(e);
        return;
      }
    }
  }

  const workers = Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  await Promise.race([killedNow, workers]);
  await workers;
  assert.deepEqual(failures, []);
  assert.equal(child.signalCode ?? (await waitForExit(child), child.signalCode), "SIGKILL");
  assert.ok(acked.length >= KILL_AFTER_ACKS);
  assert.ok(new Set(acked.map((a) => a.name)).size < acked.length, "the stream held PutSecretValue writes");
});

// Right after kill -9 the latest writes are still in the -wal files: the hardest case to leave alone.
test("a different MERIDIAN_ROOT_KEY is refused with a clear message and the data directory is untouched", TIMEOUT, async () => {
  const before = hashes();
  assert.ok(Object.keys(before).some((f) => f.endsWith(".sqlite-wal")), Object.keys(before).join(", "));
  const wrong = start({ MERIDIAN_ROOT_KEY: Buffer.alloc(32, 9).toString("base64") });
  await assert.rejects(wrong.url);
  assert.notEqual(await waitForExit(wrong.child), 0);
  assert.match(wrong.output(), /^meridian: the root key from MERIDIAN_ROOT_KEY.* is not the one that sealed the stores in \S+; nothing was changed$/m);
  assert.doesNotMatch(wrong.output(), /\n\s+at /, "a stack trace instead of a message");
  assert.deepEqual(hashes(), before);
});

test("every write acknowledged before kill -9 reads back after a restart with the right key", TIMEOUT, async () => {
  const { child, sm } = await client();
  await readsBack(sm, acked);
  child.kill("SIGTERM");
  assert.equal(await waitForExit(child), 0);
});

test("SIGTERM lets an in-flight request finish, then exits 0", TIMEOUT, async () => {
  const { child, url, output } = await client();
  const value = `in-flight-${randomBytes(12).toString("hex")}`;
  const name = acked[0]!.name;
  const { headers, body } = await prepareRequest(url, {
    credentials: ADMIN,
    target: "secretsmanager.PutSecretValue",
    body: { SecretId: name, SecretString: value, ClientRequestToken: "in-flight-0000-0000-0000-000000000000" },
  });
  const u = new URL(url);
  // Expect: 100-continue (unsigned, as the SDKs send it): the server's 100 Continue says it has read
  // the request's head and is serving it, which no fixed wait could promise.
  const req = request({
    host: u.hostname,
    port: Number(u.port),
    method: "POST",
    path: "/",
    headers: { ...headers, "content-length": String(body.length), expect: "100-continue" },
  });
  const continued = new Promise<void>((resolve) => req.on("continue", resolve));
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject);
  });
  // Half the body is sent: the request is in flight on the server when the signal arrives.
  req.flushHeaders();
  await continued;
  req.write(body.subarray(0, 20));
  child.kill("SIGTERM");
  await waitFor(() => /SIGTERM: finishing in-flight requests/.test(output()), { what: "the server to take the SIGTERM" });
  assert.equal(child.exitCode, null, "exited before the in-flight request finished");
  req.end(body.subarray(20));

  const answer = await response;
  const answeredAt = Date.now();
  assert.equal(answer.status, 200, answer.text);
  const versionId = (JSON.parse(answer.text) as { VersionId: string }).VersionId;
  assert.equal(await waitForExit(child), 0);
  // The answered connection is closed rather than kept alive, so the exit does not wait on it.
  assert.ok(Date.now() - answeredAt < 3000, `exited ${Date.now() - answeredAt} ms after the answer`);
  acked.push({ name, versionId, value });
});

test("a second start on the same data directory finds everything as it was", TIMEOUT, async () => {
  const { child, sm } = await client();
  await readsBack(sm, acked);
  // The write that finished during shutdown is the current version of its secret.
  const last = acked.at(-1)!;
  const current = await sm.send(new GetSecretValueCommand({ SecretId: last.name }));
  assert.equal(current.SecretString, last.value);
  const described = await sm.send(new DescribeSecretCommand({ SecretId: last.name }));
  assert.deepEqual(described.VersionIdsToStages?.[last.versionId], ["AWSCURRENT"]);
  child.kill("SIGTERM");
  assert.equal(await waitForExit(child), 0);

  // After a clean stop too, a wrong root key changes nothing.
  const before = hashes();
  const wrong = start({ MERIDIAN_ROOT_KEY: Buffer.alloc(32, 9).toString("base64") });
  await assert.rejects(wrong.url);
  assert.notEqual(await waitForExit(wrong.child), 0);
  assert.deepEqual(hashes(), before);
});
