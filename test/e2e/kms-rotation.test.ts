// Key rotation through the AWS SDK: automatic rotation (enabled, period, done by the sweep when
// due), on-demand rotation and its limit, ListKeyRotations, and that every earlier ciphertext
// still decrypts with the material that made it.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, DisableKeyRotationCommand, EnableKeyRotationCommand,
  EncryptCommand, GetKeyRotationStatusCommand, ListKeyRotationsCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand,
  type KMSClient, type RotationsListEntry,
} from "@aws-sdk/client-kms";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { DAY, kmsClient, movableClock, sweep } from "./kms-support.js";
import { refuses } from "../support/service-errors.js";

const time = movableClock();
let m: TestServer;
let kms: KMSClient;

before(async () => {
  m = await startMeridian({ clock: time.clock, regions: ["us-east-1"] });
  kms = kmsClient(m);
});
after(() => m.stop());

const newKey = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
const status = (KeyId: string) => kms.send(new GetKeyRotationStatusCommand({ KeyId })).then(({ $metadata: _, ...rest }) => rest);
const currentMaterial = async (KeyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!.CurrentKeyMaterialId!;
const encrypt = async (KeyId: string, s: string) => (await kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from(s) }))).CiphertextBlob!;
async function decrypt(blob: Uint8Array) {
  const out = await kms.send(new DecryptCommand({ CiphertextBlob: blob }));
  return { text: Buffer.from(out.Plaintext!).toString(), material: out.KeyMaterialId };
}
async function rotations(KeyId: string): Promise<RotationsListEntry[]> {
  const all: RotationsListEntry[] = [];
  let Marker: string | undefined;
  do {
    const page = await kms.send(new ListKeyRotationsCommand({ KeyId, Marker, Limit: 3 }));
    all.push(...page.Rotations!);
    Marker = page.NextMarker;
  } while (Marker);
  return all;
}
const near = (date: Date | undefined, ms: number) => assert.ok(date && Math.abs(date.getTime() - ms) < 10_000, `${date?.toISOString()} ≈ ${new Date(ms).toISOString()}`);

test("automatic rotation: off by default, on with a 90 to 2560 day period, off again", async () => {
  const key = await newKey();
  assert.deepEqual(await status(key.KeyId!), { KeyId: key.Arn, KeyRotationEnabled: false });
  await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
  const on = await status(key.Arn!);
  assert.deepEqual([on.KeyRotationEnabled, on.RotationPeriodInDays], [true, 365]);
  near(on.NextRotationDate, Date.now() + 365 * DAY);
  await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
  near((await status(key.KeyId!)).NextRotationDate, Date.now() + 90 * DAY);
  for (const [days, bound] of [[89, "greater than or equal to 90"], [2561, "less than or equal to 2560"]] as const) {
    await refuses(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: days })), {
      name: "ValidationException",
      message: `1 validation error detected: Value '${days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value ${bound}`,
    });
  }
  assert.equal((await status(key.KeyId!)).RotationPeriodInDays, 90, "refused requests change nothing");
  await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
  assert.deepEqual(await status(key.KeyId!), { KeyId: key.Arn, KeyRotationEnabled: false });
});

test("RotateKeyOnDemand: new material for new ciphertexts, old ones still decrypt, the schedule is kept", async () => {
  const key = await newKey();
  await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
  const scheduled = (await status(key.KeyId!)).NextRotationDate;
  const before = await encrypt(key.KeyId!, "before");
  const rotated = await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
  assert.equal(rotated.KeyId, key.Arn);

  const material = await currentMaterial(key.KeyId!);
  assert.notEqual(material, key.CurrentKeyMaterialId);
  assert.deepEqual(await decrypt(before), { text: "before", material: key.CurrentKeyMaterialId });
  assert.deepEqual(await decrypt(await encrypt(key.KeyId!, "after")), { text: "after", material });
  const after = await status(key.KeyId!);
  assert.deepEqual([after.KeyRotationEnabled, after.NextRotationDate, after.OnDemandRotationStartDate], [true, scheduled, undefined]);
  const listed = await rotations(key.KeyId!);
  assert.equal(listed.length, 1);
  assert.deepEqual([listed[0].KeyId, listed[0].KeyMaterialId, listed[0].RotationType], [key.Arn, material, "ON_DEMAND"]);
  near(listed[0].RotationDate, Date.now());
});

test("on-demand rotation stops at 25 per key; every material still decrypts what it encrypted", async () => {
  const key = await newKey();
  const blobs = [await encrypt(key.KeyId!, "0")];
  for (let i = 1; i <= 25; i++) {
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    blobs.push(await encrypt(key.KeyId!, String(i)));
  }
  await refuses(kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), {
    name: "LimitExceededException",
    message: `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.Arn}`,
  });
  const list = await rotations(key.KeyId!);
  assert.equal(list.length, 25);
  assert.equal(new Set(list.map((r) => r.KeyMaterialId)).size, 25);
  for (const [i, blob] of blobs.entries()) assert.equal((await decrypt(blob)).text, String(i));
});

test("the sweep rotates a key whose period has passed, and schedules the next rotation", async () => {
  const key = await newKey();
  await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
  const old = await encrypt(key.KeyId!, "old");
  await time.later(89 * DAY, () => sweep(m));
  assert.equal(await currentMaterial(key.KeyId!), key.CurrentKeyMaterialId, "not due yet");
  await time.later(90 * DAY + 60_000, () => sweep(m));
  const material = await currentMaterial(key.KeyId!);
  assert.notEqual(material, key.CurrentKeyMaterialId);
  const [rotation] = await rotations(key.KeyId!);
  assert.deepEqual([rotation.RotationType, rotation.KeyMaterialId], ["AUTOMATIC", material]);
  near(rotation.RotationDate, Date.now() + 90 * DAY + 60_000);
  near((await status(key.KeyId!)).NextRotationDate, Date.now() + 180 * DAY);
  assert.deepEqual(await decrypt(old), { text: "old", material: key.CurrentKeyMaterialId });
});

test("rotation refusals: disabled key, key pending deletion, no such key; status is still readable", async () => {
  const key = await newKey();
  await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
  const disabled = { name: "DisabledException", message: `${key.Arn} is disabled.` };
  await refuses(kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), disabled);
  await refuses(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })), disabled);
  await refuses(kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId })), disabled);
  assert.equal((await status(key.KeyId!)).KeyRotationEnabled, false);

  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
  const pending = { name: "KMSInvalidStateException", message: `${key.Arn} is pending deletion.` };
  await refuses(kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), pending);
  await refuses(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })), pending);
  assert.equal((await status(key.KeyId!)).KeyRotationEnabled, false);
  assert.deepEqual(await rotations(key.KeyId!), []);

  const missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
  await refuses(kms.send(new RotateKeyOnDemandCommand({ KeyId: missing })), {
    name: "NotFoundException", message: `Key 'arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/${missing}' does not exist`,
  });
});
