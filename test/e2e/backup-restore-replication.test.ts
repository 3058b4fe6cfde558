// A restored Region and its replication peers (issue 12 item 10): two Regions served from two data
// directories, as one process per Region (here two servers in this process, replicating over HTTP
// as signed peers). A Region restored from an older backup is behind its peers, and is reconciled:
// - a restored replica: the changes its primary made while it was down arrive when it is back; the
//   ones it had applied before and lost come with the primary Region's anti-entropy pass;
// - a restored primary: at its first start it moves its secrets and multi-Region keys ahead of the
//   replicas' revisions and runs its anti-entropy pass at once (the restore's marker), so the
//   replicas take the restored state, and its later changes, instead of ignoring them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateKeyCommand, EnableKeyRotationCommand, GetKeyRotationStatusCommand, KMSClient, ReplicateKeyCommand,
} from "@aws-sdk/client-kms";
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, TagResourceCommand,
} from "@aws-sdk/client-secrets-manager";
import { startServer, type RunningServer } from "../../src/server.js";
import type { Topology } from "../../src/config/topology.js";
import { makeLogger } from "../../src/util/logger.js";
import { ACCOUNT_ID, ADMIN, testEnv } from "../support/meridian.js";
import { eventually, freePort } from "../support/multiprocess.js";
import { meridianCli } from "./backup-support.js";

const PRIMARY = "us-east-1";
const REPLICA = "eu-west-1";
type Region = typeof PRIMARY | typeof REPLICA;
const PEER_SECRET = "backup-restore-test-peer-secret";

const root = mkdtempSync(join(tmpdir(), "meridian-restore-peers-"));
const dataDir = (region: Region) => join(root, region);
const ports = {} as Record<Region, number>;
const servers = {} as Record<Region, RunningServer | undefined>;
const clients: { destroy(): void }[] = [];
let topology: Topology;

async function start(region: Region) {
  servers[region] = await startServer({
    host: "127.0.0.1",
    port: ports[region],
    dataDir: dataDir(region),
    auth: "strict",
    accountId: ACCOUNT_ID,
    topology,
    regions: [region],
    peerSecret: PEER_SECRET,
    env: testEnv(),
    log: makeLogger(() => {}),
  });
}

async function stop(region: Region) {
  await servers[region]!.close();
  servers[region] = undefined;
}

function sm(region: Region) {
  const c = new SecretsManagerClient({ endpoint: `http://127.0.0.1:${ports[region]}`, region, credentials: ADMIN, maxAttempts: 1 });
  clients.push(c);
  return c;
}

function kms(region: Region) {
  const c = new KMSClient({ endpoint: `http://127.0.0.1:${ports[region]}`, region, credentials: ADMIN, maxAttempts: 1 });
  clients.push(c);
  return c;
}

async function restore(region: Region, backup: string) {
  const run = await meridianCli(["restore", "--from", backup, "--data-dir", dataDir(region), "--force"]);
  assert.equal(run.code, 0, run.stderr);
}

async function backup(region: Region, name: string) {
  const file = join(root, name);
  const run = await meridianCli(["backup", "--data-dir", dataDir(region), "--out", file]);
  assert.equal(run.code, 0, run.stderr);
  return file;
}

const value = async (region: Region, name: string) => (await sm(region).send(new GetSecretValueCommand({ SecretId: name }))).SecretString;

/** What a replica must agree with its primary on: the versions with their labels, the tags. */
async function shape(region: Region, name: string) {
  const d = await sm(region).send(new DescribeSecretCommand({ SecretId: name }));
  return { versions: d.VersionIdsToStages, tags: d.Tags ?? [] };
}

async function inSync(name: string) {
  await eventually(async () => {
    const d = await sm(PRIMARY).send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(d.ReplicationStatus?.[0]?.Status, "InSync");
  });
}

async function replicated(name: string, value: string) {
  await sm(PRIMARY).send(new CreateSecretCommand({ Name: name, SecretString: value, AddReplicaRegions: [{ Region: REPLICA }] }));
  await inSync(name);
}

before(async () => {
  for (const r of [PRIMARY, REPLICA] as const) ports[r] = await freePort();
  topology = {
    partitions: [
      {
        name: "aws",
        homeRegion: PRIMARY,
        regions: [PRIMARY, REPLICA].map((name) => ({ name, partition: "aws", optIn: false, endpoint: `http://127.0.0.1:${ports[name as Region]}` })),
      },
    ],
  };
  await start(PRIMARY);
  await start(REPLICA);
});

after(async () => {
  for (const c of clients) c.destroy();
  for (const r of [PRIMARY, REPLICA] as const) if (servers[r]) await stop(r);
  rmSync(root, { recursive: true, force: true });
});

test("a replica restored from an older backup catches up with its primary", async () => {
  await replicated("changed-before-stop", "v1");
  await replicated("changed-while-down", "v1");
  const older = await backup(REPLICA, "replica.db");

  // The replica applies these, then loses them with the restore.
  await sm(PRIMARY).send(new PutSecretValueCommand({ SecretId: "changed-before-stop", SecretString: "v2" }));
  await sm(PRIMARY).send(new TagResourceCommand({ SecretId: "changed-before-stop", Tags: [{ Key: "after", Value: "backup" }] }));
  await sm(PRIMARY).send(new PutSecretValueCommand({ SecretId: "changed-while-down", SecretString: "v2" }));
  await eventually(async () => assert.equal(await value(REPLICA, "changed-before-stop"), "v2"));
  await eventually(async () => assert.equal(await value(REPLICA, "changed-while-down"), "v2"));

  await stop(REPLICA);
  await sm(PRIMARY).send(new PutSecretValueCommand({ SecretId: "changed-while-down", SecretString: "v3" }));
  await restore(REPLICA, older);
  await start(REPLICA);

  // What changed while it was down arrives, with the values it lost (v2) as well as the new one.
  await eventually(async () => assert.deepEqual(await shape(REPLICA, "changed-while-down"), await shape(PRIMARY, "changed-while-down")));
  assert.equal(await value(REPLICA, "changed-while-down"), "v3");
  // What it lost of a secret that did not change since: the primary's anti-entropy pass brings it.
  assert.equal(await value(REPLICA, "changed-before-stop"), "v1");
  await servers[PRIMARY]!.host.nodes.get(PRIMARY)!.jobs.runNow("anti-entropy");
  await eventually(async () => assert.deepEqual(await shape(REPLICA, "changed-before-stop"), await shape(PRIMARY, "changed-before-stop")));
  assert.equal(await value(REPLICA, "changed-before-stop"), "v2");
});

test("a primary restored from an older backup brings its replicas back to its state at its first start, and they take its next changes", async () => {
  await replicated("restored-primary", "v1");
  const keyId = (await kms(PRIMARY).send(new CreateKeyCommand({ MultiRegion: true, Description: "restored" }))).KeyMetadata!.KeyId!;
  await kms(PRIMARY).send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
  const older = await backup(PRIMARY, "primary.db");

  // The replicas apply these; the primary loses them with the restore.
  await sm(PRIMARY).send(new PutSecretValueCommand({ SecretId: "restored-primary", SecretString: "v2" }));
  await kms(PRIMARY).send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
  await eventually(async () => assert.equal(await value(REPLICA, "restored-primary"), "v2"));
  assert.equal((await kms(REPLICA).send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled, true);

  await stop(PRIMARY);
  await restore(PRIMARY, older);
  await start(PRIMARY);

  // Nobody runs anything: the first start after the restore does.
  await eventually(async () => assert.deepEqual(await shape(REPLICA, "restored-primary"), await shape(PRIMARY, "restored-primary")));
  assert.equal(await value(REPLICA, "restored-primary"), "v1");
  await eventually(async () => assert.equal((await kms(REPLICA).send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled, false));
  await eventually(async () => assert.ok(!existsSync(join(dataDir(PRIMARY), "restore.json")), "the marker is cleared once reconciled"));

  // The primary's next change reaches the replica (its revision is not below the replica's).
  await sm(PRIMARY).send(new PutSecretValueCommand({ SecretId: "restored-primary", SecretString: "v3" }));
  await eventually(async () => assert.equal(await value(REPLICA, "restored-primary"), "v3"));
  await inSync("restored-primary");
});
