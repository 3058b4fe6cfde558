// Issue 12 item 6: every restart with replicated secrets logged "Cannot access 'host' before
// initialization" — the start-up anti-entropy pass and the outbox workers ran before the Region host
// they ask existed. A healthy server starts without an error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian } from "../support/meridian.js";

test("a restart with replicated secrets, after anti-entropy came due, logs no error", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-restart-"));
  let now = Date.now();
  const clock = { now: () => now };
  try {
    const first = await startMeridian({ dataDir, clock });
    await first.secrets().send(new CreateSecretCommand({ Name: "app/replicated", SecretString: "v", AddReplicaRegions: [{ Region: "eu-west-1" }] }));
    await first.stop();
    now += 3_600_000; // an hour later: every job, anti-entropy included, is due at start
    const second = await startMeridian({ dataDir, clock });
    await second.server.host.node("us-east-1")!.jobs.runNow("anti-entropy");
    await second.stop();
    const errors = second.logs.filter((l) => JSON.parse(l).level === "error");
    assert.deepEqual(errors, [], "a healthy restart logs no error");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
