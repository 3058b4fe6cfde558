// The anti-entropy pass heals a replica that diverged from its primary without the primary
// changing: a replica lost from its Region's store, a replica restored from an older backup, a
// change whose delivery was lost. Each time the anti-entropy job of the primary's Region brings the
// replica back to the primary's newest state, values included.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, PutSecretValueCommand,
  ResourceNotFoundException, TagResourceCommand,
} from "@aws-sdk/client-secrets-manager";
import { ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { EU, PRIMARY, WEST, antiEntropy, inRegion, settle, startReplicationServer, statusOf, uniqueName } from "./replication-support.js";

let m: TestServer;
before(async () => {
  m = await startReplicationServer();
});
after(() => m.stop());

const storeOf = (region: string) => m.server.host.nodes.get(region)!.store;
const value = async (region: string, name: string) => (await m.secrets(region).send(new GetSecretValueCommand({ SecretId: name }))).SecretString;

async function replicated(name: string) {
  const created = await m.secrets(PRIMARY).send(new CreateSecretCommand({ Name: name, SecretString: "v1", AddReplicaRegions: [{ Region: EU }, { Region: WEST }] }));
  await settle(m);
  return created.ARN!;
}

test("a replica removed from its Region's store comes back", async () => {
  const name = uniqueName("lost");
  const arn = await replicated(name);
  await m.secrets(PRIMARY).send(new PutSecretValueCommand({ SecretId: name, SecretString: "v2" }));
  await settle(m);
  assert.equal(await storeOf(EU).purgeSecret(inRegion(arn, EU)), true);
  await assert.rejects(m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name })), ResourceNotFoundException);

  await antiEntropy(m);
  assert.equal(await value(EU, name), "v2");
  const versions = await m.secrets(EU).send(new ListSecretVersionIdsCommand({ SecretId: name }));
  const expected = await m.secrets(PRIMARY).send(new ListSecretVersionIdsCommand({ SecretId: name }));
  assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.VersionStages]), expected.Versions?.map((v) => [v.VersionId, v.VersionStages]));
  assert.equal((await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion, PRIMARY);
  assert.equal((await statusOf(m.secrets(PRIMARY), name, EU))?.Status, "InSync");
  assert.equal(await value(WEST, name), "v2", "the other replica was left as it was");
});

test("a replica restored from an older backup is brought forward, with the values it lacks", async () => {
  const name = uniqueName("restored");
  const arn = inRegion(await replicated(name), EU);
  const eu = storeOf(EU);
  // The backup: the replica's record and values as they are now.
  const backup = (await eu.findSecretByArn(arn))!;
  const backupValues = await Promise.all(backup.versions.map((v) => eu.getValue(arn, v.versionId)));

  const primary = m.secrets(PRIMARY);
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v2" }));
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "v3" }));
  await primary.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "after", Value: "backup" }] }));
  await settle(m);
  assert.equal(await value(EU, name), "v3");

  // Restore: the replica goes back to the backup.
  await eu.purgeSecret(arn);
  await eu.commitSecret({ record: backup, expectedRevision: 0, putValues: backupValues.filter((v) => v !== undefined) });
  assert.equal(await value(EU, name), "v1");
  assert.equal((await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }))).Tags, undefined);

  await antiEntropy(m);
  assert.equal(await value(EU, name), "v3");
  const described = await m.secrets(EU).send(new DescribeSecretCommand({ SecretId: name }));
  assert.deepEqual(described.Tags, [{ Key: "after", Value: "backup" }]);
  assert.deepEqual(described.VersionIdsToStages, (await primary.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages);
  const previous = await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" }));
  assert.equal(previous.SecretString, "v2");
});

test("a change whose delivery was lost reaches the replica", async () => {
  const name = uniqueName("lost-message");
  const arn = await replicated(name);
  const worker = m.server.host.nodes.get(PRIMARY)!.replication.worker;
  const store = storeOf(PRIMARY);
  await worker.stop();
  try {
    await m.secrets(PRIMARY).send(new PutSecretValueCommand({ SecretId: name, SecretString: "v2" }));
    // The queued deliveries vanish (a lost message).
    for (const entry of await store.dueOutbox(Number.MAX_SAFE_INTEGER, 1000)) if (entry.arn === arn) await store.completeOutbox(entry);
  } finally {
    worker.start();
  }
  await settle(m);
  assert.equal(await value(EU, name), "v1");

  await antiEntropy(m);
  assert.equal(await value(EU, name), "v2");
  assert.equal(await value(WEST, name), "v2");
});

test("a replica in step is left alone by the pass", async () => {
  const name = uniqueName("in-step");
  const arn = inRegion(await replicated(name), EU);
  const before = await storeOf(EU).findSecretByArn(arn);
  await antiEntropy(m);
  const after = await storeOf(EU).findSecretByArn(arn);
  assert.equal(after?.revision, before?.revision);
  assert.deepEqual(after, before);
  assert.equal((await storeOf(EU).findSecretByName(ACCOUNT_ID, name))?.arn, arn);
});
