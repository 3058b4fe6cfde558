// DESIGN §4: KMS key material is stored only wrapped by the Region's root key. The raw material (and
// every data key it protects) is read in-process through the key service and the node's wrapper,
// then every file under the data directory, and the log, is searched for it in any encoding a store
// could use. And once a key is purged, what it protected cannot be read.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { CreateKeyCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand, type KMSClient } from "@aws-sdk/client-kms";
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { materialWrapContext } from "../../src/kms/key-service.js";
import { DAY, kmsClient, movableClock, REGION, sweep } from "./kms-support.js";
import { refuses } from "../support/service-errors.js";

const time = movableClock();
const dataDir = mkdtempSync(join(tmpdir(), "meridian-kms-at-rest-"));
let m: TestServer;
let kms: KMSClient;
let sm: SecretsManagerClient;

before(async () => {
  m = await startMeridian({ clock: time.clock, dataDir, regions: [REGION] });
  kms = kmsClient(m);
  sm = m.secrets(REGION);
});
after(async () => {
  await m.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const node = () => m.server.host.nodes.get(REGION)!;

/** Every KMS key's raw material, unwrapped here exactly as the key service unwraps it. */
async function rawMaterials(): Promise<{ raw: Buffer; wrapped: Buffer }[]> {
  const out: { raw: Buffer; wrapped: Buffer }[] = [];
  for (const key of await node().store.allKeys()) {
    for (const m of key.materials) out.push({ raw: node().wrapper.unwrap(m.wrapped, materialWrapContext(key.arn, m.index)), wrapped: m.wrapped });
  }
  return out;
}

/** The data key of every stored secret version, decrypted through the key service. */
async function dataKeys(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const secret of await node().store.listSecrets(ACCOUNT_ID)) {
    for (const v of secret.versions) {
      const sealed = await node().store.getValue(secret.arn, v.versionId);
      if (!sealed) continue;
      const context = { SecretARN: secret.arn, SecretVersionId: v.versionId };
      out.push((await node().keys.decrypt(ACCOUNT_ID, sealed.wrappedKey, context)).plaintext);
    }
  }
  return out;
}

const encodings = (b: Buffer) => [b, Buffer.from(b.toString("base64")), Buffer.from(b.toString("base64url")), Buffer.from(b.toString("hex")), Buffer.from(b.toString("hex").toUpperCase())];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The files (and the log) holding any encoding of any of the secrets. */
function holders(secrets: Buffer[]): string[] {
  const found: string[] = [];
  const sources = [...filesUnder(dataDir).map((f) => ({ name: f, bytes: readFileSync(f) })), { name: "log", bytes: Buffer.from(m.logs.join("\n")) }];
  for (const { name, bytes } of sources) {
    if (secrets.some((s) => encodings(s).some((e) => bytes.includes(e)))) found.push(name);
  }
  return found;
}

test("no file under the data directory, nor the log, holds KMS key material or a data key unwrapped", async () => {
  const [a, b] = [(await kms.send(new CreateKeyCommand({}))).KeyMetadata!, (await kms.send(new CreateKeyCommand({}))).KeyMetadata!];
  await kms.send(new RotateKeyOnDemandCommand({ KeyId: a.KeyId }));
  await kms.send(new RotateKeyOnDemandCommand({ KeyId: a.KeyId }));
  for (const KmsKeyId of [a.KeyId, b.Arn, undefined]) {
    const name = `at-rest/${randomUUID()}`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: "s3cr3t", KmsKeyId }));
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "s3cr3t-2", ClientRequestToken: randomUUID() }));
  }

  const materials = await rawMaterials();
  assert.ok(materials.length >= 5, "two keys, three materials for one, and aws/secretsmanager");
  assert.ok(materials.every((x) => x.raw.length === 32));
  const keys = await dataKeys();
  assert.equal(keys.length, 6);

  const files = filesUnder(dataDir);
  assert.ok(files.some((f) => f.endsWith(".sqlite")), `the store is under the data directory: ${files.join(", ")}`);
  // The search finds what is there: the wrapped material is stored, base64-encoded.
  assert.ok(holders(materials.map((x) => x.wrapped)).length > 0, "the search sees the stored (wrapped) material");
  assert.deepEqual(holders(materials.map((x) => x.raw)), [], "raw key material");
  assert.deepEqual(holders(keys), [], "raw data keys");
});

test("after its key is purged, a secret cannot be read, in-process or through the API", async () => {
  const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  const name = `at-rest/${randomUUID()}`;
  const { ARN, VersionId } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "gone with the key", KmsKeyId: key.KeyId }));
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
  await time.later(7 * DAY + 60_000, () => sweep(m));

  assert.equal(await node().store.getKey(key.Arn!), undefined, "the key and its wrapped material are deleted");
  const sealed = await node().store.getValue(ARN!, VersionId!);
  assert.ok(sealed, "the encrypted value is still stored");
  await assert.rejects(
    node().keys.decrypt(ACCOUNT_ID, sealed.wrappedKey, { SecretARN: ARN!, SecretVersionId: VersionId! }),
    (e: unknown) => (e as { code?: string }).code === "InvalidCiphertextException",
  );
  await refuses(sm.send(new GetSecretValueCommand({ SecretId: name })), {
    name: "DecryptionFailure", message: "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
  });
});
