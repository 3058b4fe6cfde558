// Multi-Region KMS keys through the AWS SDK: CreateKey MultiRegion, ReplicateKey (the same key id and
// key material in another Region of the partition), DescribeKey on both sides, ciphertexts that
// decrypt in either Region, rotation by the primary reaching its replicas, UpdatePrimaryRegion,
// deletion of replicas before their primary, the refusals, a replica secret under a replica key, the
// anti-entropy pass healing a replica that missed a change, and no key material in clear on the way.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CancelKeyDeletionCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EnableKeyRotationCommand,
  EncryptCommand, GenerateDataKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, ListKeyRotationsCommand, ListKeysCommand,
  ListResourceTagsCommand, ReplicateKeyCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand, UpdatePrimaryRegionCommand,
  type KMSClient, type KeyMetadata,
} from "@aws-sdk/client-kms";
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { RegionUnreachable, type ReplicationMessage } from "../../src/replication/replication-types.js";
import { DAY, kmsClient, movableClock, sweep } from "./kms-support.js";
import { refuses } from "../support/service-errors.js";

const US = "us-east-1";
const EU = "eu-west-1";
const GOV = "us-gov-west-1";

const time = movableClock();
let m: TestServer;
let us: KMSClient;
let eu: KMSClient;

/** Every message a Region applies, as the JSON it travels as; `drop` makes the Region unreachable for key messages. */
const messages: string[] = [];
let dropKeyMessages = false;

before(async () => {
  m = await startMeridian({ clock: time.clock, regions: [US, EU, GOV] });
  us = kmsClient(m, US);
  eu = kmsClient(m, EU);
  for (const node of m.server.host.nodes.values()) {
    const receiver = node.replication.receiver;
    const apply = receiver.apply.bind(receiver);
    receiver.apply = async (message: ReplicationMessage) => {
      if (dropKeyMessages && message.kind === "replicate-key") throw new RegionUnreachable(`Region ${message.dest} is down`);
      messages.push(JSON.stringify(message));
      return apply(message);
    };
  }
});
after(() => m.stop());

const arnIn = (region: string, keyId: string) => `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${keyId}`;
const related = (region: string, keyId: string) => ({ Arn: arnIn(region, keyId), Region: region });
const describe = async (client: KMSClient, KeyId: string) => (await client.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;
const newPrimary = async (Description = "multi-Region") => (await us.send(new CreateKeyCommand({ MultiRegion: true, Description }))).KeyMetadata!;
const encrypt = async (client: KMSClient, KeyId: string, text: string) =>
  (await client.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from(text), EncryptionContext: { purpose: "test" } }))).CiphertextBlob!;
async function decrypt(client: KMSClient, blob: Uint8Array) {
  const out = await client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { purpose: "test" } }));
  return { text: Buffer.from(out.Plaintext!).toString(), keyArn: out.KeyId, material: out.KeyMaterialId };
}
/** A primary in us-east-1 with a replica in eu-west-1. */
async function replicated(): Promise<KeyMetadata> {
  const key = await newPrimary();
  await us.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: EU }));
  return key;
}

test("CreateKey MultiRegion: an mrk- key id, a PRIMARY with no replicas yet; other keys have no MultiRegionConfiguration", async () => {
  const key = await newPrimary("test multi region key");
  assert.match(key.KeyId!, /^mrk-[0-9a-f]{32}$/);
  assert.equal(key.Arn, arnIn(US, key.KeyId!));
  assert.equal(key.MultiRegion, true);
  assert.deepEqual(key.MultiRegionConfiguration, { MultiRegionKeyType: "PRIMARY", PrimaryKey: related(US, key.KeyId!), ReplicaKeys: [] });
  assert.deepEqual((await describe(us, key.KeyId!)).MultiRegionConfiguration, key.MultiRegionConfiguration);

  const single = (await us.send(new CreateKeyCommand({ MultiRegion: false }))).KeyMetadata!;
  assert.doesNotMatch(single.KeyId!, /^mrk-/);
  assert.equal(single.MultiRegion, false);
  assert.equal(single.MultiRegionConfiguration, undefined);
  // the key exists in its own Region only until it is replicated
  await refuses(describe(eu, key.KeyId!), { name: "NotFoundException", message: `Key '${arnIn(EU, key.KeyId!)}' does not exist` });
});

test("ReplicateKey: the replica has the same key id and key material, its own description, policy and tags", async () => {
  const key = await newPrimary("test replicated key");
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: "kms:*", Resource: "*" }],
  });
  const tags = [{ TagKey: "team", TagValue: "eu" }];
  const out = await us.send(new ReplicateKeyCommand({ KeyId: key.Arn, ReplicaRegion: EU, Description: "in Europe", Policy: policy, Tags: tags }));
  const configuration = { PrimaryKey: related(US, key.KeyId!), ReplicaKeys: [related(EU, key.KeyId!)] };
  // As AWS answers: the replica is still being created as far as the caller knows.
  assert.equal(out.ReplicaKeyMetadata!.KeyId, key.KeyId);
  assert.equal(out.ReplicaKeyMetadata!.Arn, arnIn(EU, key.KeyId!));
  assert.deepEqual([out.ReplicaKeyMetadata!.KeyState, out.ReplicaKeyMetadata!.Enabled], ["Creating", false]);
  assert.equal(out.ReplicaKeyMetadata!.Description, "in Europe");
  assert.deepEqual(out.ReplicaKeyMetadata!.MultiRegionConfiguration, { MultiRegionKeyType: "REPLICA", ...configuration });
  assert.deepEqual([out.ReplicaPolicy, out.ReplicaTags], [policy, tags]);

  const primary = await describe(us, key.KeyId!);
  const replica = await describe(eu, key.KeyId!);
  assert.deepEqual(primary.MultiRegionConfiguration, { MultiRegionKeyType: "PRIMARY", ...configuration });
  assert.deepEqual(replica.MultiRegionConfiguration, { MultiRegionKeyType: "REPLICA", ...configuration });
  assert.deepEqual([replica.KeyState, replica.Enabled, replica.MultiRegion, replica.Description], ["Enabled", true, true, "in Europe"]);
  assert.deepEqual([primary.Description, primary.CurrentKeyMaterialId], ["test replicated key", replica.CurrentKeyMaterialId]);
  assert.equal((await eu.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy, policy);
  assert.deepEqual((await eu.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags, tags);
  assert.deepEqual((await us.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags, []);
  assert.ok((await eu.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.some((k) => k.KeyArn === replica.Arn));

  // Without Description, Policy or Tags: an empty description, the default policy, no tags.
  const plain = await newPrimary();
  const second = await us.send(new ReplicateKeyCommand({ KeyId: plain.KeyId, ReplicaRegion: EU }));
  assert.equal(second.ReplicaKeyMetadata!.Description, "");
  assert.equal(JSON.parse(second.ReplicaPolicy!).Statement[0].Principal.AWS, `arn:aws:iam::${ACCOUNT_ID}:root`);
  assert.equal(second.ReplicaTags, undefined);
});

test("a ciphertext made in either Region decrypts in the other, with the same key material", async () => {
  const key = await replicated();
  const fromUs = await encrypt(us, key.KeyId!, "made in us-east-1");
  const fromEu = await encrypt(eu, key.Arn!.replace(US, EU), "made in eu-west-1");
  for (const [client, region] of [[us, US], [eu, EU]] as const) {
    const a = await decrypt(client, fromUs);
    const b = await decrypt(client, fromEu);
    assert.deepEqual([a.text, b.text], ["made in us-east-1", "made in eu-west-1"]);
    assert.deepEqual([a.keyArn, b.keyArn], [arnIn(region, key.KeyId!), arnIn(region, key.KeyId!)], "Decrypt names the key of its own Region");
    assert.equal(a.material, key.CurrentKeyMaterialId);
  }
  const dataKey = await us.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_256" }));
  const back = await eu.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, KeyId: key.KeyId }));
  assert.deepEqual(Buffer.from(back.Plaintext!), Buffer.from(dataKey.Plaintext!));
  // the replica's enabled state is its own
  await eu.send(new DisableKeyCommand({ KeyId: key.KeyId }));
  await refuses(decrypt(eu, fromUs), { name: "DisabledException", message: `${arnIn(EU, key.KeyId!)} is disabled.` });
  assert.equal((await decrypt(us, fromEu)).text, "made in eu-west-1");
});

test("rotation: on demand by the primary reaches the replica; old and new ciphertexts decrypt in both Regions; the replica refuses to rotate", async () => {
  const key = await replicated();
  const before = await encrypt(us, key.KeyId!, "before rotation");
  await us.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
  const [primary, replica] = [await describe(us, key.KeyId!), await describe(eu, key.KeyId!)];
  assert.notEqual(primary.CurrentKeyMaterialId, key.CurrentKeyMaterialId);
  assert.equal(replica.CurrentKeyMaterialId, primary.CurrentKeyMaterialId);
  const afterUs = await encrypt(us, key.KeyId!, "after rotation, us");
  const afterEu = await encrypt(eu, key.KeyId!, "after rotation, eu");
  for (const client of [us, eu]) {
    assert.deepEqual(
      [(await decrypt(client, before)).text, (await decrypt(client, afterUs)).text, (await decrypt(client, afterEu)).text],
      ["before rotation", "after rotation, us", "after rotation, eu"],
    );
    assert.equal((await decrypt(client, afterEu)).material, primary.CurrentKeyMaterialId);
  }
  const rotations = async (client: KMSClient) => (await client.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations!.map((r) => r.KeyMaterialId);
  assert.deepEqual(await rotations(eu), await rotations(us));

  const notPrimary = { name: "UnsupportedOperationException", message: `${arnIn(EU, key.KeyId!)} is not a multi-region primary key.` };
  await refuses(eu.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), notPrimary);
  await refuses(eu.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })), notPrimary);
});

test("automatic rotation: the primary's settings show in the replica, and the rotation job's rotation reaches it", async () => {
  const key = await replicated();
  await us.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
  const status = async (client: KMSClient) => {
    const { $metadata: _, KeyId: __, ...rest } = await client.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    return rest;
  };
  const settings = await status(us);
  assert.deepEqual([settings.KeyRotationEnabled, settings.RotationPeriodInDays], [true, 90]);
  assert.deepEqual(await status(eu), settings);

  const before = await encrypt(us, key.KeyId!, "before the automatic rotation");
  // The replica's own rotation job never rotates it; the primary's does, and sends the new material.
  await time.later(91 * DAY, () => sweep(m, EU));
  assert.equal((await describe(eu, key.KeyId!)).CurrentKeyMaterialId, key.CurrentKeyMaterialId);
  await time.later(91 * DAY, () => sweep(m, US));
  const rotated = (await describe(us, key.KeyId!)).CurrentKeyMaterialId;
  assert.notEqual(rotated, key.CurrentKeyMaterialId);
  assert.equal((await describe(eu, key.KeyId!)).CurrentKeyMaterialId, rotated);
  const after = await encrypt(us, key.KeyId!, "after the automatic rotation");
  assert.deepEqual([(await decrypt(eu, before)).text, (await decrypt(eu, after)).text], ["before the automatic rotation", "after the automatic rotation"]);
  assert.deepEqual(await status(eu), await status(us));
});

test("UpdatePrimaryRegion: the replica becomes the primary and the old primary a replica, in both Regions' DescribeKey", async () => {
  const key = await replicated();
  const blob = await encrypt(us, key.KeyId!, "made under the first primary");
  await us.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: EU }));
  const configuration = { PrimaryKey: related(EU, key.KeyId!), ReplicaKeys: [related(US, key.KeyId!)] };
  assert.deepEqual((await describe(eu, key.KeyId!)).MultiRegionConfiguration, { MultiRegionKeyType: "PRIMARY", ...configuration });
  assert.deepEqual((await describe(us, key.KeyId!)).MultiRegionConfiguration, { MultiRegionKeyType: "REPLICA", ...configuration });

  // Now the new primary rotates, and the old one follows.
  const notPrimary = { name: "UnsupportedOperationException", message: `${arnIn(US, key.KeyId!)} is not a multi-region primary key.` };
  await refuses(us.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), notPrimary);
  await refuses(us.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: EU })), notPrimary);
  await refuses(us.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: EU })), notPrimary);
  await eu.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
  const after = await encrypt(eu, key.KeyId!, "made under the second primary");
  assert.deepEqual([(await decrypt(us, blob)).text, (await decrypt(us, after)).text], ["made under the first primary", "made under the second primary"]);

  // and back again
  await eu.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: US }));
  assert.equal((await describe(us, key.KeyId!)).MultiRegionConfiguration!.MultiRegionKeyType, "PRIMARY");
  assert.equal((await describe(eu, key.KeyId!)).MultiRegionConfiguration!.MultiRegionKeyType, "REPLICA");
});

test("ReplicateKey and UpdatePrimaryRegion refuse what AWS refuses, and change nothing when the other Region is unreachable", async () => {
  const key = await replicated();
  const single = (await us.send(new CreateKeyCommand({}))).KeyMetadata!;
  const replicate = (KeyId: string, ReplicaRegion: string, client = us) => client.send(new ReplicateKeyCommand({ KeyId, ReplicaRegion }));
  const notPrimary = (arn: string) => ({ name: "UnsupportedOperationException", message: `${arn} is not a multi-region primary key.` });

  await refuses(replicate(single.KeyId!, EU), notPrimary(single.Arn!));
  await refuses(replicate(key.KeyId!, US, eu), notPrimary(arnIn(EU, key.KeyId!)));
  await refuses(replicate(key.KeyId!, EU), { name: "AlreadyExistsException", message: `${arnIn(EU, key.KeyId!)} already exists.` });
  await refuses(replicate(key.KeyId!, US), { name: "ValidationException", message: /another Region than us-east-1/ });
  await refuses(replicate(key.KeyId!, GOV), { name: "UnsupportedOperationException", message: /us-gov-west-1 is in partition aws-us-gov/ });
  await refuses(replicate(key.KeyId!, "xx-nowhere-1"), { name: "ValidationException", message: "xx-nowhere-1 is not a Region of this deployment." });
  // us-west-2 is in the topology but not hosted by this server: nothing is created, nothing recorded
  await refuses(replicate(key.KeyId!, "us-west-2"), {
    name: "KMSInternalException",
    message: "Region us-west-2 is not reachable from this process; nothing was changed.",
    status: 500,
  });
  assert.deepEqual((await describe(us, key.KeyId!)).MultiRegionConfiguration!.ReplicaKeys, [related(EU, key.KeyId!)]);

  const other = await newPrimary();
  await refuses(us.send(new UpdatePrimaryRegionCommand({ KeyId: other.KeyId, PrimaryRegion: EU })), {
    name: "NotFoundException",
    message: `Key '${arnIn(EU, other.KeyId!)}' does not exist`,
  });
  await refuses(us.send(new UpdatePrimaryRegionCommand({ KeyId: single.KeyId, PrimaryRegion: EU })), notPrimary(single.Arn!));
  await us.send(new DisableKeyCommand({ KeyId: other.KeyId }));
  await refuses(replicate(other.KeyId!, EU), { name: "DisabledException", message: `${other.Arn} is disabled.` });
});

test("a primary with replicas waits for them to be deleted (PendingReplicaDeletion), then starts its own waiting period", async () => {
  const key = await replicated();
  const scheduled = await us.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 10 }));
  assert.deepEqual([scheduled.KeyState, scheduled.DeletionDate, scheduled.PendingWindowInDays], ["PendingReplicaDeletion", undefined, 10]);
  const primary = await describe(us, key.KeyId!);
  assert.deepEqual([primary.KeyState, primary.Enabled, primary.DeletionDate], ["PendingReplicaDeletion", false, undefined]);
  await refuses(encrypt(us, key.KeyId!, "x"), { name: "KMSInvalidStateException", message: `${key.Arn} is pending replica deletion.` });
  await us.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
  assert.equal((await describe(us, key.KeyId!)).KeyState, "Disabled");
  await us.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 10 }));

  // The replica's own waiting period ends: it is deleted, and its primary learns it.
  await eu.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
  assert.equal((await describe(us, key.KeyId!)).MultiRegionConfiguration!.ReplicaKeys!.length, 1, "a replica pending deletion is still a replica");
  const now = time.clock.now();
  await time.later(8 * DAY, async () => {
    await sweep(m, EU);
    await m.server.host.nodes.get(EU)!.replication.worker.settle();
  });
  await refuses(describe(eu, key.KeyId!), { name: "NotFoundException", message: `Key '${arnIn(EU, key.KeyId!)}' does not exist` });
  const alone = await describe(us, key.KeyId!);
  assert.deepEqual(alone.MultiRegionConfiguration!.ReplicaKeys, []);
  assert.equal(alone.KeyState, "PendingDeletion");
  const expected = now + 8 * DAY + 10 * DAY;
  assert.ok(Math.abs(alone.DeletionDate!.getTime() - expected) < 60_000, `${alone.DeletionDate!.toISOString()} ≈ ${new Date(expected).toISOString()}`);
});

test("a replica secret is encrypted under the replica key of a multi-Region key in its Region", async () => {
  const key = await replicated();
  const primary = m.secrets(US);
  const name = `mrk/${randomUUID()}`;
  await primary.send(
    new CreateSecretCommand({ Name: name, SecretString: "one", KmsKeyId: key.KeyId, AddReplicaRegions: [{ Region: EU, KmsKeyId: key.KeyId }] }),
  );
  await primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two" }));
  await m.server.host.nodes.get(US)!.replication.worker.settle();
  const status = (await primary.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus!;
  assert.deepEqual(status.map((s) => [s.Region, s.KmsKeyId, s.Status]), [[EU, key.KeyId, "InSync"]]);
  const replica = m.secrets(EU);
  assert.equal((await replica.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "two");
  // the replica's values are under the replica key: disabling it there makes them unreadable
  await eu.send(new DisableKeyCommand({ KeyId: key.KeyId }));
  await refuses(replica.send(new GetSecretValueCommand({ SecretId: name })), { name: "DecryptionFailure" });
  assert.equal((await primary.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "two");
});

/** Run a Region's anti-entropy job now. */
async function antiEntropy(region: string) {
  await m.server.host.nodes.get(region)!.jobs.runNow("anti-entropy");
}

test("anti-entropy: a replica that missed a rotation gets the material; a replica gone without notice is forgotten", async () => {
  const key = await replicated();
  dropKeyMessages = true;
  try {
    // The rotation happens in the primary's Region even though the replica cannot hear of it.
    await us.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
  } finally {
    dropKeyMessages = false;
  }
  const blob = await encrypt(us, key.KeyId!, "made with the new material");
  await refuses(decrypt(eu, blob), { name: "InvalidCiphertextException" });
  await antiEntropy(US);
  assert.equal((await decrypt(eu, blob)).text, "made with the new material");
  assert.equal((await describe(eu, key.KeyId!)).CurrentKeyMaterialId, (await describe(us, key.KeyId!)).CurrentKeyMaterialId);

  // The replica vanishes from its Region's store (restored from an older backup, say).
  const euNode = m.server.host.nodes.get(EU)!;
  await euNode.keys.deleteKey((await euNode.keys.getKey(arnIn(EU, key.KeyId!)))!);
  await antiEntropy(US);
  assert.deepEqual((await describe(us, key.KeyId!)).MultiRegionConfiguration!.ReplicaKeys, []);
  // and the Region can hold a replica again
  await us.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: EU }));
  assert.equal((await decrypt(eu, blob)).text, "made with the new material");
});

test("key material crosses between Regions only sealed: no message holds it in clear", async () => {
  const key = await replicated();
  await us.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
  const node = m.server.host.nodes.get(US)!;
  const record = (await node.keys.getKey(key.Arn!))!;
  const materials = node.keys.sealMaterials(record, (plain) => Buffer.from(plain));
  assert.equal(materials.length, 2);
  const sent = messages.filter((text) => text.includes(key.KeyId!));
  assert.ok(sent.length >= 2, "the replica's creation and the rotation were sent");
  for (const material of materials) {
    for (const needle of [material.toString("base64"), material.toString("hex"), material.toString("base64url")]) {
      assert.ok(!sent.some((text) => text.includes(needle)), "a message holds key material in clear");
    }
  }
});

test("with three Regions: a new replica and a new primary show in every Region's DescribeKey", async () => {
  const three = await startMeridian({ regions: [US, EU, "ap-southeast-1"] });
  try {
    const [a, b, c] = [US, EU, "ap-southeast-1"].map((r) => kmsClient(three, r));
    const key = (await a.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!;
    await a.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: EU }));
    await a.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "ap-southeast-1" }));
    const replicaKeys = [related(EU, key.KeyId!), related("ap-southeast-1", key.KeyId!)];
    for (const client of [a, b, c]) assert.deepEqual((await describe(client, key.KeyId!)).MultiRegionConfiguration!.ReplicaKeys, replicaKeys);

    await a.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: "ap-southeast-1" }));
    const configuration = { PrimaryKey: related("ap-southeast-1", key.KeyId!), ReplicaKeys: [related(EU, key.KeyId!), related(US, key.KeyId!)] };
    for (const [client, type] of [[a, "REPLICA"], [b, "REPLICA"], [c, "PRIMARY"]] as const) {
      assert.deepEqual((await describe(client, key.KeyId!)).MultiRegionConfiguration, { MultiRegionKeyType: type, ...configuration });
    }
    await c.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const blob = await encrypt(c, key.KeyId!, "from the third Region");
    for (const client of [a, b]) assert.equal((await decrypt(client, blob)).text, "from the third Region");
    for (const client of [a, b, c]) client.destroy();
  } finally {
    await three.stop();
  }
});
