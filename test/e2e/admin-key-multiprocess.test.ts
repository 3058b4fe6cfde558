// Issue 12 item 11: in the one-process-per-Region shape, the admin identity is the home Region's
// process's. A process serving another Region of the partition used to make and print an admin key
// of its own at first start, which the home's copy of the identities then replaced: a printed key
// that did not work. It now prints no key, says whose key works, and the home's key works there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListSecretsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { printedKey, spawnServe, waitForExit } from "../support/meridian.js";
import { eventually, freePort } from "../support/multiprocess.js";

test("a process that follows the home Region prints no admin key; the home's printed key works on it", async () => {
  const root = mkdtempSync(join(tmpdir(), "meridian-admin-multi-"));
  const ports = { "us-east-1": await freePort(), "eu-west-1": await freePort() };
  const topology = join(root, "topology.json");
  writeFileSync(
    topology,
    JSON.stringify({
      partitions: [{ name: "aws", homeRegion: "us-east-1", regions: Object.entries(ports).map(([name, port]) => ({ name, endpoint: `http://127.0.0.1:${port}` })) }],
    }),
  );
  const start = (region: keyof typeof ports) =>
    spawnServe(join(root, region), ["--topology", topology, "--region", region, "--port", String(ports[region])], { MERIDIAN_PEER_SECRET: "admin-multi-peer-secret" });
  // The follower first: at its first start it has no identities at all yet.
  const follower = start("eu-west-1");
  const home = start("us-east-1");
  try {
    const followerBanner = await follower.banner;
    assert.equal(printedKey(followerBanner), undefined, `the follower printed a key of its own:\n${followerBanner}`);
    assert.match(followerBanner, /export AWS_ACCESS_KEY_ID=<the admin access key the process serving us-east-1 printed at its first start>/);
    assert.match(followerBanner, /partition aws: its accounts, users and access keys are those of the process serving us-east-1/);

    const key = printedKey(await home.banner);
    assert.ok(key, "the home Region's process prints the admin key");
    const client = new SecretsManagerClient({ endpoint: `http://127.0.0.1:${ports["eu-west-1"]}`, region: "eu-west-1", credentials: key, maxAttempts: 1 });
    try {
      await eventually(() => client.send(new ListSecretsCommand({}))); // once the home's copy has arrived
    } finally {
      client.destroy();
    }
  } finally {
    for (const p of [follower, home]) {
      p.child.kill("SIGKILL");
      await waitForExit(p.child);
    }
    rmSync(root, { recursive: true, force: true });
  }
});
