// Two `meridian serve` nodes of one Region on one PostgreSQL (issue 14 items 2 and 4): different
// data directories, the same seal (the root key in MERIDIAN_ROOT_KEY), the Region's schema shared.
// What one node acknowledges, the other serves at once — a secret, a new access key, a disabled KMS
// key — whatever it had read and cached before; the background jobs the first node ran at start
// are not run again by the second; and when one node is killed with -9 in the middle of writes and
// reads, every write it acknowledged is read on the other, which goes on serving.

import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { CreateKeyCommand, DisableKeyCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { ADMIN, spawnMeridian, waitForExit } from "../support/meridian.js";
import { freshDatabase, noPostgres, type TestDatabase } from "../support/postgres-database.js";

const REGION = "us-east-1";
const SCHEMA = "meridian_us_east_1";
type Credentials = { accessKeyId: string; secretAccessKey: string };

describe("two nodes of one Region on one PostgreSQL", { skip: noPostgres }, () => {
  let db: TestDatabase;
  let root: string;
  let topology: string;
  const nodes: Record<"a" | "b", { child?: ChildProcess; url: string }> = { a: { url: "" }, b: { url: "" } };
  const clients: { destroy(): void }[] = [];
  const client = <C extends { destroy(): void }>(c: C) => (clients.push(c), c);
  const secrets = (n: "a" | "b", credentials: Credentials = ADMIN) =>
    client(new SecretsManagerClient({ endpoint: nodes[n].url, region: REGION, credentials, maxAttempts: 1 }));
  const kms = (n: "a" | "b") => client(new KMSClient({ endpoint: nodes[n].url, region: REGION, credentials: ADMIN, maxAttempts: 1 }));
  const iam = (n: "a" | "b") => client(new IAMClient({ endpoint: nodes[n].url, region: REGION, credentials: ADMIN, maxAttempts: 1 }));
  const lastRuns = async () => Object.fromEntries((await db.query<{ key: string; value: string }>(`SELECT key, value FROM ${SCHEMA}.meta WHERE key LIKE 'jobs/%/last-run' ORDER BY key`)).map((r) => [r.key, r.value]));
  let runsAfterFirstNode: Record<string, string> = {};

  async function start(n: "a" | "b") {
    // one process per node (--workers 1): killing it kills the node
    const p = spawnMeridian(join(root, n), ["--store", db.url, "--topology", topology, "--workers", "1"]);
    nodes[n].child = p.child;
    nodes[n].url = await p.url;
  }

  before(async () => {
    db = await freshDatabase("meridian_nodes");
    root = mkdtempSync(join(tmpdir(), "meridian-pg-nodes-"));
    topology = join(root, "topology.json");
    writeFileSync(topology, JSON.stringify({ partitions: [{ name: "aws", homeRegion: REGION, regions: [{ name: REGION }] }] }));
    await start("a");
    runsAfterFirstNode = await lastRuns();
    await start("b");
  });

  after(async () => {
    for (const c of clients) c.destroy();
    for (const n of Object.values(nodes)) {
      n.child?.kill("SIGKILL");
      if (n.child) await waitForExit(n.child);
    }
    await db?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("a secret written on one node is read at once on the other, after it had read the older value", async () => {
    await secrets("a").send(new CreateSecretCommand({ Name: "app/db", SecretString: "v1" }));
    assert.equal((await secrets("b").send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "v1");
    await secrets("b").send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: "v2" }));
    assert.equal((await secrets("a").send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "v2");
    await secrets("a").send(new PutSecretValueCommand({ SecretId: "app/db", SecretString: "v3" }));
    assert.equal((await secrets("b").send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "v3");
  });

  it("an access key made on one node signs a request on the other at once", async () => {
    // node b has loaded its identities (it answered above); the new user and key are node a's doing
    await iam("a").send(new CreateUserCommand({ UserName: "reader" }));
    await iam("a").send(
      new PutUserPolicyCommand({
        UserName: "reader",
        PolicyName: "read",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] }),
      }),
    );
    const { AccessKey } = await iam("a").send(new CreateAccessKeyCommand({ UserName: "reader" }));
    const key = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
    assert.equal((await secrets("b", key).send(new GetSecretValueCommand({ SecretId: "app/db" }))).SecretString, "v3");
  });

  it("a KMS key disabled on one node is refused on the other at once, though it had just used it", async () => {
    const { KeyMetadata } = await kms("a").send(new CreateKeyCommand({}));
    const KeyId = KeyMetadata!.KeyId!;
    const Plaintext = Buffer.from("hello");
    assert.ok((await kms("b").send(new EncryptCommand({ KeyId, Plaintext }))).CiphertextBlob);
    await kms("a").send(new DisableKeyCommand({ KeyId }));
    await assert.rejects(kms("b").send(new EncryptCommand({ KeyId, Plaintext })), (e: Error) => e.name === "DisabledException");
  });

  it("the background jobs the first node ran at start were not run again by the second", async () => {
    assert.ok(Object.keys(runsAfterFirstNode).length >= 5, `the first node ran its jobs: ${JSON.stringify(runsAfterFirstNode)}`);
    assert.deepEqual(await lastRuns(), runsAfterFirstNode);
  });

  it("a node killed with -9 during writes and reads loses no acknowledged write; the other keeps serving", async () => {
    const acked: string[] = [];
    let stop = false;
    let readsOnB = 0;
    const writes = (async () => {
      for (let i = 0; !stop; i++) {
        const name = `load/${i}`;
        try {
          await secrets("a").send(new CreateSecretCommand({ Name: name, SecretString: `value-${i}` }));
          acked.push(name);
        } catch {
          return; // node a is gone: what it acknowledged is in `acked`
        }
      }
    })();
    const reads = (async () => {
      while (!stop) {
        await secrets("b").send(new GetSecretValueCommand({ SecretId: "app/db" }));
        readsOnB++;
      }
    })();
    while (acked.length < 20) await new Promise((r) => setTimeout(r, 10));
    nodes.a.child!.kill("SIGKILL");
    await waitForExit(nodes.a.child!);
    nodes.a.child = undefined;
    await writes;
    const readsAtKill = readsOnB;
    while (readsOnB < readsAtKill + 20) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await reads; // rejects if a read on node b failed
    for (const name of acked) {
      const got = await secrets("b").send(new GetSecretValueCommand({ SecretId: name }));
      assert.equal(got.SecretString, `value-${name.split("/")[1]}`);
    }
    await secrets("b").send(new CreateSecretCommand({ Name: "after/kill", SecretString: "still serving" }));
    assert.equal((await secrets("b").send(new GetSecretValueCommand({ SecretId: "after/kill" }))).SecretString, "still serving");
  });
});
