// The KMS cryptographic operations through the AWS SDK: Encrypt, Decrypt, ReEncrypt,
// GenerateDataKey(WithoutPlaintext), GenerateRandom; encryption context bound into the ciphertext;
// what a disabled key and a key pending deletion answer; malformed input.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateKeyCommand, DecryptCommand, DisableKeyCommand, EnableKeyCommand, EncryptCommand,
  GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand, GenerateRandomCommand, ReEncryptCommand, ScheduleKeyDeletionCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { kmsClient } from "./kms-support.js";
import { refuses } from "../support/service-errors.js";

let m: TestServer;
let kms: KMSClient;

before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
  kms = kmsClient(m);
});
after(() => m.stop());

const newKey = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
const text = (s: string) => Buffer.from(s, "utf8");
const invalidCiphertext = { name: "InvalidCiphertextException" };

test("Encrypt and Decrypt round-trip under a key named by id, ARN, alias or alias ARN", async () => {
  const key = await newKey();
  const alias = `alias/crypto-${key.KeyId}`;
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
  for (const ref of [key.KeyId!, key.Arn!, alias, `arn:aws:kms:us-east-1:${ACCOUNT_ID}:${alias}`]) {
    const enc = await kms.send(new EncryptCommand({ KeyId: ref, Plaintext: text(`secret via ${ref}`) }));
    assert.equal(enc.KeyId, key.Arn);
    assert.equal(enc.EncryptionAlgorithm, "SYMMETRIC_DEFAULT");
    assert.ok(!Buffer.from(enc.CiphertextBlob!).includes(text(`secret via ${ref}`)));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    assert.equal(Buffer.from(dec.Plaintext!).toString("utf8"), `secret via ${ref}`);
    assert.deepEqual([dec.KeyId, dec.EncryptionAlgorithm, dec.KeyMaterialId], [key.Arn, "SYMMETRIC_DEFAULT", key.CurrentKeyMaterialId]);
    const named = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, KeyId: ref, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" }));
    assert.equal(Buffer.from(named.Plaintext!).toString("utf8"), `secret via ${ref}`);
  }
});

test("the encryption context is bound: only the same pairs decrypt, in any order; an empty context is none", async () => {
  const key = await newKey();
  const context = { tenant: "acme", purpose: "backup" };
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text("bound"), EncryptionContext: context }));
  const dec = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { purpose: "backup", tenant: "acme" } }));
  assert.equal(Buffer.from(dec.Plaintext!).toString("utf8"), "bound");
  const wrongs: (Record<string, string> | undefined)[] = [
    undefined, {}, { tenant: "acme" }, { ...context, purpose: "restore" }, { ...context, extra: "x" }, { TENANT: "acme", purpose: "backup" },
  ];
  for (const wrong of wrongs) {
    await refuses(kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: wrong })), invalidCiphertext);
  }
  const none = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text("free"), EncryptionContext: {} }));
  assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: none.CiphertextBlob }))).Plaintext!).toString(), "free");
});

test("a changed, cut, extended or foreign ciphertext is InvalidCiphertextException; the wrong key is IncorrectKeyException", async () => {
  const [key, other] = [await newKey(), await newKey()];
  const blob = Buffer.from((await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text("x") }))).CiphertextBlob!);
  const flipped = Buffer.from(blob);
  flipped[flipped.length - 1] ^= 1;
  for (const bad of [flipped, blob.subarray(0, blob.length - 1), Buffer.concat([blob, text("bad_data")]), blob.subarray(20), randomBytes(80)]) {
    await refuses(kms.send(new DecryptCommand({ CiphertextBlob: bad })), invalidCiphertext);
  }
  await refuses(kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: other.KeyId })), {
    name: "IncorrectKeyException", message: "The key ID in the request does not identify a CMK that can perform this operation.",
  });
  await refuses(kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })), {
    name: "InvalidKeyUsageException", message: "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.",
  });
});

test("GenerateDataKey: KeySpec or NumberOfBytes, the plaintext key and its encrypted copy agree", async () => {
  const key = await newKey();
  for (const [params, length] of [[{ KeySpec: "AES_256" }, 32], [{ KeySpec: "AES_128" }, 16], [{ NumberOfBytes: 64 }, 64], [{ NumberOfBytes: 1 }, 1]] as const) {
    const out = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, ...params, EncryptionContext: { k: "v" } }));
    assert.equal(out.KeyId, key.Arn);
    assert.equal(out.Plaintext!.length, length);
    const back = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: { k: "v" } }));
    assert.deepEqual(Buffer.from(back.Plaintext!), Buffer.from(out.Plaintext!));
    await refuses(kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob })), invalidCiphertext);
  }
  const without = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.Arn, KeySpec: "AES_256" }));
  assert.equal((without as { Plaintext?: unknown }).Plaintext, undefined);
  assert.equal(without.KeyId, key.Arn);
  assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: without.CiphertextBlob }))).Plaintext!.length, 32);

  const either = { name: "ValidationException", message: "Please specify either number of bytes or key spec." };
  await refuses(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId })), either);
  await refuses(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_256", NumberOfBytes: 32 })), either);
  await refuses(kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId })), either);
  await refuses(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, NumberOfBytes: 1025 })), {
    name: "ValidationException", message: "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
  });
  await refuses(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_512" as never })), {
    name: "ValidationException", message: "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
  });
});

test("ReEncrypt moves a ciphertext to another key and context without showing the plaintext", async () => {
  const [from, to] = [await newKey(), await newKey()];
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: from.KeyId, Plaintext: text("moving"), EncryptionContext: { a: "1" } }));
  const moved = await kms.send(new ReEncryptCommand({
    CiphertextBlob, SourceEncryptionContext: { a: "1" }, SourceKeyId: from.KeyId, DestinationKeyId: to.KeyId, DestinationEncryptionContext: { b: "2" },
  }));
  assert.deepEqual(
    [moved.KeyId, moved.SourceKeyId, moved.SourceEncryptionAlgorithm, moved.DestinationEncryptionAlgorithm],
    [to.Arn, from.Arn, "SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT"],
  );
  const back = await kms.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob, EncryptionContext: { b: "2" } }));
  assert.deepEqual([Buffer.from(back.Plaintext!).toString(), back.KeyId], ["moving", to.Arn]);
  await refuses(kms.send(new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: { a: "1" }, SourceKeyId: to.KeyId, DestinationKeyId: to.KeyId })), {
    name: "IncorrectKeyException", message: "The key ID in the request does not identify a CMK that can perform this operation.",
  });
  await refuses(kms.send(new ReEncryptCommand({ CiphertextBlob, DestinationKeyId: to.KeyId })), invalidCiphertext);
});

test("GenerateRandom gives 1 to 1024 bytes", async () => {
  for (const n of [1, 12, 1024]) assert.equal((await kms.send(new GenerateRandomCommand({ NumberOfBytes: n }))).Plaintext!.length, n);
  await refuses(kms.send(new GenerateRandomCommand({})), { name: "ValidationException", message: "NumberOfBytes is required." });
  await refuses(kms.send(new GenerateRandomCommand({ NumberOfBytes: 0 })), {
    name: "ValidationException", message: "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
  });
  await refuses(kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })), {
    name: "ValidationException", message: "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
  });
});

test("a disabled key refuses with DisabledException, a key pending deletion with KMSInvalidStateException", async () => {
  const key = await newKey();
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text("kept") }));
  await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
  const disabled = { name: "DisabledException", message: `${key.Arn} is disabled.` };
  await refuses(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text("x") })), disabled);
  await refuses(kms.send(new DecryptCommand({ CiphertextBlob })), disabled);
  await refuses(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_256" })), disabled);
  await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
  assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob }))).Plaintext!).toString(), "kept");

  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
  const pending = { name: "KMSInvalidStateException", message: `${key.Arn} is pending deletion.` };
  await refuses(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text("x") })), pending);
  await refuses(kms.send(new DecryptCommand({ CiphertextBlob })), pending);
  await refuses(kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, KeySpec: "AES_256" })), pending);
  await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
  await refuses(kms.send(new DecryptCommand({ CiphertextBlob })), disabled);
});

test("Decrypt or ReEncrypt without a ciphertext is a ValidationException (the model leaves it out only for a dry run)", async () => {
  const key = await newKey();
  const missing = { name: "ValidationException", message: "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null" };
  await refuses(kms.send(new DecryptCommand({ KeyId: key.KeyId })), missing);
  await refuses(kms.send(new ReEncryptCommand({ DestinationKeyId: key.KeyId })), missing);
});

test("a plaintext over 4096 bytes is refused by the model's constraint", async () => {
  const key = await newKey();
  await refuses(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.alloc(4097, 1) })), {
    name: "ValidationException", message: "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
  });
});
