// Issue 14 item 1 and 4: `meridian serve --workers 2` — two worker processes share the port and
// answer reads from the shared stores; the primary writes every change. Each request below opens
// a connection of its own, taken by whichever worker accepts it first, so the reads after a write
// land on both workers, each having cached what it read before the write. (Clients time out after
// ten seconds: a connection that hangs is a failure here, never a wait for ever.) A worker
// killed with kill -9 under load is replaced and costs no acknowledged write. `npm test` runs it
// twice: on SQLite files, then with the node's stores in PostgreSQL (storeArgs).

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "node:http";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import { CreateKeyCommand, DescribeKeyCommand, DisableKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { ADMIN, assertTestStore, spawnMeridian, storeArgs, waitForExit } from "../support/meridian.js";
import { waitFor } from "../support/wait-for.js";

const WORKERS = 2;
/** Enough fresh connections that every worker answers several of them. */
const READS = 3 * WORKERS;

const dataDir = mkdtempSync(join(tmpdir(), "meridian-workers-"));
let child: ChildProcess;
let url: string;

before(async () => {
  const started = spawnMeridian(dataDir, ["--workers", String(WORKERS), ...(await storeArgs(dataDir))]);
  child = started.child;
  url = await started.url;
  assertTestStore(dataDir);
});

after(async () => {
  child.kill("SIGTERM");
  await waitForExit(child);
  rmSync(dataDir, { recursive: true, force: true });
});

/** A client whose every request opens a connection of its own, so that the workers share them. */
const fresh = { requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: false }), requestTimeout: 10_000, throwOnRequestTimeout: true }) };
const secrets = (credentials = ADMIN, maxAttempts = 1) => new SecretsManagerClient({ endpoint: url, region: "us-east-1", credentials, maxAttempts, ...fresh });
const kms = () => new KMSClient({ endpoint: url, region: "us-east-1", credentials: ADMIN, maxAttempts: 1, ...fresh });
const iam = () => new IAMClient({ endpoint: url, region: "us-east-1", credentials: ADMIN, maxAttempts: 1, ...fresh });

/** The process ids of the primary's children: its workers. */
function workerPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // stat: pid (comm) state ppid …; comm may hold spaces, so read after its closing parenthesis
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === child.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function readsAll<T>(read: () => Promise<T>): Promise<T[]> {
  const seen: T[] = [];
  for (let i = 0; i < READS; i++) seen.push(await read());
  return seen;
}

test("a change acknowledged through one worker is read through every worker at once, whatever each had cached", async () => {
  assert.equal(workerPids().length, WORKERS);
  const sm = secrets();
  await sm.send(new CreateSecretCommand({ Name: "shared", SecretString: "v1", Description: "first" }));
  const value = async () => (await sm.send(new GetSecretValueCommand({ SecretId: "shared" }))).SecretString;
  const description = async () => (await sm.send(new DescribeSecretCommand({ SecretId: "shared" }))).Description;
  assert.deepEqual(await readsAll(value), Array(READS).fill("v1")); // each worker has read, and cached, v1
  assert.deepEqual(await readsAll(description), Array(READS).fill("first"));

  await sm.send(new PutSecretValueCommand({ SecretId: "shared", SecretString: "v2" }));
  assert.deepEqual(await readsAll(value), Array(READS).fill("v2"));
  await sm.send(new UpdateSecretCommand({ SecretId: "shared", Description: "second" }));
  assert.deepEqual(await readsAll(description), Array(READS).fill("second"));
});

test("a KMS key disabled through the writer is disabled on every worker at once", async () => {
  const k = kms();
  const { KeyMetadata } = await k.send(new CreateKeyCommand({}));
  const state = async () => (await k.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }))).KeyMetadata?.KeyState;
  assert.deepEqual(await readsAll(state), Array(READS).fill("Enabled"));
  await k.send(new DisableKeyCommand({ KeyId: KeyMetadata!.KeyId }));
  assert.deepEqual(await readsAll(state), Array(READS).fill("Disabled"));
});

test("a new access key signs on every worker at once, its use is reported whichever process answers, and a deleted one signs on none", async () => {
  const i = iam();
  await i.send(new CreateUserCommand({ UserName: "reader" }));
  await i.send(
    new PutUserPolicyCommand({
      UserName: "reader",
      PolicyName: "read",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] }),
    }),
  );
  const { AccessKey } = await i.send(new CreateAccessKeyCommand({ UserName: "reader" }));
  const lastUsed = async () => (await i.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: AccessKey!.AccessKeyId! }))).AccessKeyLastUsed;
  assert.equal((await lastUsed())?.ServiceName, "N/A", "not used yet");
  const reader = secrets({ accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! });
  const outcome = () =>
    reader.send(new GetSecretValueCommand({ SecretId: "shared" })).then(
      (r) => r.SecretString,
      (e: Error) => e.name,
    );
  assert.deepEqual(await readsAll(outcome), Array(READS).fill("v2"));
  // The reads were answered by the workers; IAM's answer comes from the writer, which noted none.
  const used = await lastUsed();
  assert.deepEqual([used?.ServiceName, used?.Region], ["secretsmanager", "us-east-1"]);
  assert.ok(used?.LastUsedDate instanceof Date);
  await i.send(new DeleteAccessKeyCommand({ UserName: "reader", AccessKeyId: AccessKey!.AccessKeyId! }));
  assert.deepEqual(await readsAll(outcome), Array(READS).fill("UnrecognizedClientException"));
});

test("a worker killed with kill -9 under load is replaced, and every acknowledged write reads back", async () => {
  const writer = secrets(ADMIN, 3);
  await writer.send(new CreateSecretCommand({ Name: "load", SecretString: "start" }));
  const acked: { versionId: string; value: string }[] = [];
  let running = true;
  let n = 0;
  const writes = async () => {
    while (running) {
      const value = `value-${n++}`;
      try {
        const { VersionId } = await writer.send(new PutSecretValueCommand({ SecretId: "load", SecretString: value }));
        acked.push({ versionId: VersionId!, value });
      } catch {
        // the killed worker's connections: not acknowledged, so nothing is promised of them
      }
    }
  };
  const reads = async () => {
    while (running) await writer.send(new GetSecretValueCommand({ SecretId: "load" })).catch(() => undefined);
  };
  const load = [writes(), writes(), reads(), reads()];
  await waitFor(() => acked.length >= 20, { what: "writes under way" });
  const [victim] = workerPids();
  process.kill(victim!, "SIGKILL");
  const ackedAtKill = acked.length;
  await waitFor(() => acked.length >= ackedAtKill + 20, { what: "writes after the kill" });
  running = false;
  await Promise.all(load);

  await waitFor(() => workerPids().length === WORKERS && !workerPids().includes(victim!), { what: "a replacement worker" });
  // AWS keeps 100 versions with a staging label or recent: the last ones acknowledged read back by id
  const check = secrets();
  for (const { versionId, value } of acked.slice(-50)) {
    const read = await check.send(new GetSecretValueCommand({ SecretId: "load", VersionId: versionId })).catch((e: Error) => e);
    assert.ok(!(read instanceof Error), `${versionId}: ${read instanceof Error ? read.message : ""}`);
    assert.equal(read.SecretString, value);
  }
  const current = await readsAll(async () => (await check.send(new GetSecretValueCommand({ SecretId: "load" }))).SecretString);
  // the two writers' last answers may arrive in either order: the value is one of theirs, the same on every worker
  assert.equal(new Set(current).size, 1, current.join(", "));
  assert.ok(acked.slice(-2).some((a) => a.value === current[0]), current[0]);
});
