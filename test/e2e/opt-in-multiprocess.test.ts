// Opt-in Regions in the distributed shape (DESIGN §1, §6): the partition's home process keeps each
// account's opt-in status and sends it with the identities to the process serving an opt-in Region.
// That process refuses the account until the home has enabled the Region, then serves it; it
// refuses to change an opt-in status itself (503, as identity changes); disabling in the home
// reaches it too.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { ListSecretsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AccountClient, DisableRegionCommand, EnableRegionCommand, GetRegionOptStatusCommand } from "@aws-sdk/client-account";
import Database from "better-sqlite3";
import { ADMIN, spawnMeridian, waitForExit } from "../support/meridian.js";
import { eventually, freePort } from "../support/multiprocess.js";

const REGIONS = ["us-east-1", "af-south-1"] as const;
type Region = (typeof REGIONS)[number];
const PEER_SECRET = "opt-in-multi-process-peer-secret";

const root = mkdtempSync(join(tmpdir(), "meridian-opt-in-"));
const ports = {} as Record<Region, number>;
const procs: ChildProcess[] = [];
const endpoint = (r: Region) => `http://127.0.0.1:${ports[r]}`;
const clients: { destroy(): void }[] = [];
const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);
const secrets = (r: Region) => track(new SecretsManagerClient({ endpoint: endpoint(r), region: r, credentials: ADMIN, maxAttempts: 1 }));
const account = (r: Region) => track(new AccountClient({ endpoint: endpoint(r), region: r, credentials: ADMIN, maxAttempts: 1 }));

before(async () => {
  for (const r of REGIONS) ports[r] = await freePort();
  writeFileSync(
    join(root, "topology.json"),
    JSON.stringify({ partitions: [{ name: "aws", homeRegion: "us-east-1", regions: REGIONS.map((r) => ({ name: r, endpoint: endpoint(r), ...(r === "af-south-1" ? { optIn: true } : {}) })) }] }),
  );
  for (const r of REGIONS) {
    const p = spawnMeridian(join(root, r), ["--topology", join(root, "topology.json"), "--region", r, "--port", String(ports[r])], { MERIDIAN_PEER_SECRET: PEER_SECRET });
    procs.push(p.child);
    await p.url;
  }
});

after(async () => {
  for (const c of clients) c.destroy();
  for (const child of procs) {
    child.kill("SIGKILL");
    await waitForExit(child);
  }
  rmSync(root, { recursive: true, force: true });
});

/** Does the process serving af-south-1 hold the admin's access key (in its store)? */
function followerHoldsAdminKey(): boolean {
  const db = new Database(join(root, "af-south-1", "af-south-1.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT 1 FROM access_keys WHERE access_key_id = ?").get(ADMIN.accessKeyId) !== undefined;
  } finally {
    db.close();
  }
}

test("an opt-in Region served by another process follows the status its home process keeps", async () => {
  const af = secrets("af-south-1");
  await assert.rejects(af.send(new ListSecretsCommand({})), { name: "UnrecognizedClientException" });
  // Its identities reach it with the enabling, not before (DESIGN §6: enabling is that copy).
  // (a process following the home makes no admin key of its own: it holds only what the home sends)
  await eventually(async () => assert.equal(followerHoldsAdminKey(), false));

  await account("us-east-1").send(new EnableRegionCommand({ RegionName: "af-south-1" }));
  await eventually(async () => {
    const { RegionOptStatus } = await account("us-east-1").send(new GetRegionOptStatusCommand({ RegionName: "af-south-1" }));
    assert.equal(RegionOptStatus, "ENABLED");
  });
  const listed = await eventually(() => af.send(new ListSecretsCommand({})));
  assert.deepEqual(listed.SecretList, []);
  assert.equal(followerHoldsAdminKey(), true);
  // and the follower reports the home's status
  const there = await account("af-south-1").send(new GetRegionOptStatusCommand({ RegionName: "af-south-1" }));
  assert.equal(there.RegionOptStatus, "ENABLED");

  // The process serving af-south-1 does not change opt-in statuses: the home does.
  await assert.rejects(account("af-south-1").send(new DisableRegionCommand({ RegionName: "af-south-1" })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.$metadata?.httpStatusCode, 503);
    assert.match(e.message, /home Region, us-east-1/);
    return true;
  });

  await account("us-east-1").send(new DisableRegionCommand({ RegionName: "af-south-1" }));
  await eventually(async () => {
    await assert.rejects(af.send(new ListSecretsCommand({})), { name: "UnrecognizedClientException" });
    const { RegionOptStatus } = await account("us-east-1").send(new GetRegionOptStatusCommand({ RegionName: "af-south-1" }));
    assert.equal(RegionOptStatus, "DISABLED");
  });
  await eventually(async () => assert.equal(followerHoldsAdminKey(), false, "disabling withdraws the copy"));
});
