// IAM data reaches every Region of its partition in the distributed shape too (DESIGN §6): two
// `meridian serve --region R` processes, us-east-1 (the partition's home) and eu-west-1. A user made
// in the home process, with a tag-based policy, signs requests eu-west-1's process accepts and
// decides by that policy; deactivating the key in the home takes it away there too; the follower
// refuses identity changes of its own; a follower started late catches up; keys used in the other
// process show as used when the home is asked.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateUserCommand, GetAccessKeyLastUsedCommand, IAMClient, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import { ADMIN, spawnMeridian, waitForExit } from "../support/meridian.js";
import { eventually, freePort } from "../support/multiprocess.js";
import { makeUser, type Credentials } from "./authz-support.js";

const REGIONS = ["us-east-1", "eu-west-1"] as const;
type Region = (typeof REGIONS)[number];
const PEER_SECRET = "identity-multi-process-peer-secret";

const root = mkdtempSync(join(tmpdir(), "meridian-identity-"));
const ports = {} as Record<Region, number>;
const procs = {} as Record<Region, ChildProcess | undefined>;
const endpoint = (r: Region) => `http://127.0.0.1:${ports[r]}`;

async function start(region: Region) {
  const p = spawnMeridian(join(root, region), ["--topology", join(root, "topology.json"), "--region", region, "--port", String(ports[region])], {
    MERIDIAN_PEER_SECRET: PEER_SECRET,
  });
  procs[region] = p.child;
  await p.url;
}

const secrets = (region: Region, credentials: Credentials) => new SecretsManagerClient({ endpoint: endpoint(region), region, credentials, maxAttempts: 1 });
const iam = (region: Region) => new IAMClient({ endpoint: endpoint(region), region, credentials: ADMIN, maxAttempts: 1 });

before(async () => {
  for (const r of REGIONS) ports[r] = await freePort();
  writeFileSync(
    join(root, "topology.json"),
    JSON.stringify({ partitions: [{ name: "aws", homeRegion: "us-east-1", regions: REGIONS.map((r) => ({ name: r, endpoint: `http://127.0.0.1:${ports[r]}` })) }] }),
  );
  await start("us-east-1"); // the follower starts later, after the first user exists
});

after(async () => {
  for (const r of REGIONS) {
    const child = procs[r];
    if (!child) continue;
    child.kill("SIGKILL");
    await waitForExit(child);
  }
  rmSync(root, { recursive: true, force: true });
});

test("a user made in the home Region's process is known, and decided by its policy, in another process", async () => {
  const blue: Credentials = await makeUser(iam("us-east-1"), "blue-reader", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "secretsmanager:ResourceTag/team": "blue" } } }],
  });
  await start("eu-west-1");
  const admin = secrets("eu-west-1", ADMIN);
  // The follower makes no admin key of its own: the home's arrives with its first copy.
  await eventually(() => admin.send(new CreateSecretCommand({ Name: "eu/blue", SecretString: "blue-in-eu", Tags: [{ Key: "team", Value: "blue" }] })));
  await admin.send(new CreateSecretCommand({ Name: "eu/red", SecretString: "red-in-eu", Tags: [{ Key: "team", Value: "red" }] }));

  const asBlue = secrets("eu-west-1", blue);
  const read = await eventually(() => asBlue.send(new GetSecretValueCommand({ SecretId: "eu/blue" })));
  assert.equal(read.SecretString, "blue-in-eu");
  await assert.rejects(asBlue.send(new GetSecretValueCommand({ SecretId: "eu/red" })), { name: "AccessDeniedException" });

  // The follower takes no identity changes of its own: they are made where the home Region is.
  await assert.rejects(iam("eu-west-1").send(new CreateUserCommand({ UserName: "rogue" })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, "ServiceFailureException");
    assert.match(e.message, /home Region, us-east-1/);
    return true;
  });

  // The home answers GetAccessKeyLastUsed for the whole partition: the key was used only in eu-west-1.
  await eventually(async () => {
    const { AccessKeyLastUsed } = await iam("us-east-1").send(new GetAccessKeyLastUsedCommand({ AccessKeyId: blue.accessKeyId }));
    assert.equal(AccessKeyLastUsed?.Region, "eu-west-1");
    assert.equal(AccessKeyLastUsed?.ServiceName, "secretsmanager");
    assert.ok(AccessKeyLastUsed?.LastUsedDate instanceof Date);
  });

  // A key deactivated in the home stops working in the other process too.
  await iam("us-east-1").send(new UpdateAccessKeyCommand({ UserName: "blue-reader", AccessKeyId: blue.accessKeyId, Status: "Inactive" }));
  await eventually(async () => {
    await assert.rejects(asBlue.send(new GetSecretValueCommand({ SecretId: "eu/blue" })), { name: "UnrecognizedClientException" });
  });
});
