// The unchanged `aws kms` CLI against Meridian: create-key, create-alias, list-aliases, encrypt from a
// file (fileb://) and decrypt, with and without encryption context. Skips when `aws` is not on PATH.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { awsCliMissing, emptyAwsHome, run, type AwsHome } from "../support/aws-cli.js";
import type { CreateKeyResponse, DecryptResponse, EncryptResponse, ListAliasesResponse } from "../../src/generated/kms-api.js";

const REGION = "eu-west-1";
const skip = awsCliMissing();
let m: TestServer;
let home: AwsHome;

before(async () => {
  if (skip) return;
  m = await startMeridian({ regions: [REGION] });
  home = emptyAwsHome(m.url, REGION);
});
after(async () => {
  if (skip) return;
  await m.stop();
  home.remove();
});

const aws = (args: string[]) => run(["kms", ...args, "--endpoint-url", m.url], home.env);

/** `aws kms <args>` as parsed JSON, typed by the caller as the response it reads. */
async function kms<T>(...args: string[]): Promise<T> {
  const r = await aws([...args, "--output", "json"]);
  assert.equal(r.code, 0, `aws kms ${args.join(" ")} exited with ${r.code}: ${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

test("aws kms: create-key, create-alias, list-aliases, encrypt from fileb:// and decrypt", { skip }, async () => {
  const key = (await kms<CreateKeyResponse>("create-key", "--description", "from the CLI")).KeyMetadata!;
  assert.match(key.Arn!, new RegExp(`^arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/[0-9a-f-]{36}$`));
  assert.deepEqual([key.Description, key.KeyState, key.KeySpec], ["from the CLI", "Enabled", "SYMMETRIC_DEFAULT"]);

  await kms("create-alias", "--alias-name", "alias/cli-key", "--target-key-id", key.KeyId);
  const aliases = (await kms<ListAliasesResponse>("list-aliases", "--key-id", key.Arn!)).Aliases!;
  assert.deepEqual(aliases.map((a) => [a.AliasName, a.AliasArn, a.TargetKeyId]), [
    ["alias/cli-key", `arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/cli-key`, key.KeyId],
  ]);

  // Binary plaintext from a file, as `fileb://` reads it; the CLI prints blobs base64-encoded.
  const plaintext = Buffer.concat([randomBytes(200), Buffer.from("\0end")]);
  writeFileSync(join(home.dir, "plain.bin"), plaintext);
  const enc = await kms<EncryptResponse>("encrypt", "--key-id", "alias/cli-key", "--plaintext", `fileb://${join(home.dir, "plain.bin")}`, "--encryption-context", "purpose=cli,team=core");
  assert.equal(enc.KeyId, key.Arn);
  writeFileSync(join(home.dir, "cipher.bin"), Buffer.from(enc.CiphertextBlob!, "base64"));

  const dec = await kms<DecryptResponse>("decrypt", "--ciphertext-blob", `fileb://${join(home.dir, "cipher.bin")}`, "--encryption-context", "team=core,purpose=cli");
  assert.equal(dec.KeyId, key.Arn);
  assert.deepEqual(Buffer.from(dec.Plaintext!, "base64"), plaintext);

  const text = await aws(["decrypt", "--ciphertext-blob", `fileb://${join(home.dir, "cipher.bin")}`, "--encryption-context", "purpose=cli,team=core", "--query", "Plaintext", "--output", "text"]);
  assert.equal(text.code, 0, text.stderr);
  assert.deepEqual(Buffer.from(text.stdout.trim(), "base64"), plaintext);
});

test("aws kms: decrypting without the encryption context fails with InvalidCiphertextException", { skip }, async () => {
  const key = (await kms<CreateKeyResponse>("create-key")).KeyMetadata!;
  writeFileSync(join(home.dir, "p.txt"), "hello");
  const enc = await kms<EncryptResponse>("encrypt", "--key-id", key.KeyId, "--plaintext", `fileb://${join(home.dir, "p.txt")}`, "--encryption-context", "k=v");
  writeFileSync(join(home.dir, "c.bin"), Buffer.from(enc.CiphertextBlob!, "base64"));
  const r = await aws(["decrypt", "--ciphertext-blob", `fileb://${join(home.dir, "c.bin")}`, "--output", "json"]);
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}`);
  assert.match(r.stderr, /An error occurred \(InvalidCiphertextException\) when calling the Decrypt operation/);
  assert.equal(r.stdout, "");
});
