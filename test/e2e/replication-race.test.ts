// Issue 12 item 7: a delivery that completed after RemoveRegionsFromReplication wrote InSync back for
// the removed Region, so re-adding it answered InSync with no replica there. Race Put, Remove and
// Replicate on one secret, many rounds, and check after each settles: a Region the primary calls
// InSync holds the replica, with the primary's current value.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
} from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";
import { EU, PRIMARY, inRegion, settle, startReplicationServer, uniqueName } from "./replication-support.js";

let m: TestServer;
before(async () => {
  m = await startReplicationServer();
});
after(() => m.stop());

const ROUNDS = 25;

test("racing Remove, Replicate and Put on one secret never leaves an InSync status without its replica", async () => {
  const sm = m.secrets(PRIMARY);
  const replica = m.secrets(EU);
  const name = uniqueName("raced");
  const { ARN } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "v0", AddReplicaRegions: [{ Region: EU }] }));
  await settle(m);
  for (let round = 1; round <= ROUNDS; round++) {
    const quietly = (p: Promise<unknown>) => p.catch(() => undefined); // one may find the Region already gone or back
    await Promise.all([
      quietly(sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${round}` }))),
      quietly(sm.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [EU] }))),
      quietly(sm.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU }] }))),
    ]);
    await settle(m);
    const status = (await sm.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus ?? [];
    const eu = status.find((s) => s.Region === EU);
    if (eu?.Status !== "InSync") continue;
    const there = await replica.send(new GetSecretValueCommand({ SecretId: inRegion(ARN!, EU) })).catch((e: Error) => e);
    assert.ok(!(there instanceof Error), `round ${round}: ${EU} is InSync but holds no replica (${String(there)})`);
    const current = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(there.SecretString, current.SecretString, `round ${round}: the InSync replica lags the primary`);
  }
});
