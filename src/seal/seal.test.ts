// The seal conformance suite against every seal: the file seal (env and generated file), the kms
// seal against moto's KMS server, the pkcs11 seal against a fresh SoftHSM token; then the rules
// that span seals (one data directory, one seal).

import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeFileSeal } from "./file-seal.js";
import { makeKmsSeal } from "./kms-seal.js";
import { makePkcs11Seal, type Pkcs11SealConfig } from "./pkcs11-seal.js";
import { sealConformance } from "../../test/conformance/seal-conformance.js";
import { SEAL_FILES } from "./seal-files.js";
import { motoMissing, softHsmMissing, startMotoKms, startSoftHsmToken, type MotoKms, type SoftHsmToken } from "../../test/support/seal-backends.js";

const envKey = randomBytes(32).toString("base64");

sealConformance("file seal, MERIDIAN_ROOT_KEY", {
  start: async () => undefined,
  stop: async () => {},
  make: (_, dir) => makeFileSeal(dir, { MERIDIAN_ROOT_KEY: envKey }),
  wrong: [{ name: "a MERIDIAN_ROOT_KEY of 16 bytes", make: (_, dir) => makeFileSeal(dir, { MERIDIAN_ROOT_KEY: randomBytes(16).toString("base64") }), error: /must hold 32 bytes/ }],
});

sealConformance("file seal, generated root.key", {
  start: async () => undefined,
  stop: async () => {},
  make: (_, dir) => makeFileSeal(dir, {}),
  wrong: [{ name: "a MERIDIAN_ROOT_KEY other than root.key", make: (_, dir) => makeFileSeal(dir, { MERIDIAN_ROOT_KEY: envKey }), error: /MERIDIAN_ROOT_KEY differs from the root key in .*root\.key/ }],
  keepsKeyInClear: true,
});

const kmsSeal = (kms: MotoKms, dir: string, keyId = kms.keyArn, endpoint = kms.endpoint) => makeKmsSeal(dir, { keyId, endpoint, region: kms.region });

sealConformance<MotoKms>("kms seal against moto's KMS", {
  skip: motoMissing,
  start: startMotoKms,
  stop: (kms) => kms.stop(),
  make: (kms, dir) => kmsSeal(kms, dir),
  wrong: [
    { name: "another KMS key", make: (kms, dir) => kmsSeal(kms, dir, kms.otherKeyArn), error: /could not decrypt .* with KMS key .*\(it was sealed by arn:aws:kms:/ },
    { name: "an unreachable KMS endpoint", make: (kms, dir) => kmsSeal(kms, dir, kms.keyArn, "http://127.0.0.1:9"), error: /could not decrypt .*ECONNREFUSED/ },
    { name: "a KMS key that does not exist", make: (kms, dir) => kmsSeal(kms, dir, randomUUID()), error: /could not encrypt a new root key .*NotFoundException.*; nothing was written/, fresh: true },
  ],
});

const pkcs11Config = (token: SoftHsmToken, more: Partial<Pkcs11SealConfig> = {}): Pkcs11SealConfig => ({
  library: token.library,
  tokenLabel: token.tokenLabel,
  pin: token.pin,
  keyLabel: "meridian-root-key",
  generateKey: true,
  ...more,
});

sealConformance<SoftHsmToken>("pkcs11 seal against a SoftHSM token", {
  skip: softHsmMissing,
  async start() {
    const token = await startSoftHsmToken();
    // another AES key on the same token, for "sealed by another key"
    const scratch = mkdtempSync(join(tmpdir(), "meridian-seal-"));
    await makePkcs11Seal(scratch, pkcs11Config(token, { keyLabel: "other-key" })).loadRootKey();
    rmSync(scratch, { recursive: true });
    return token;
  },
  stop: (token) => token.stop(),
  make: (token, dir) => makePkcs11Seal(dir, pkcs11Config(token)),
  wrong: [
    { name: "a wrong PIN", make: (t, dir) => makePkcs11Seal(dir, pkcs11Config(t, { pin: "9999" })), error: /^wrong PIN for token "meridian-seal-test"$/ },
    { name: "a missing token", make: (t, dir) => makePkcs11Seal(dir, pkcs11Config(t, { tokenLabel: "no-such-token" })), error: /no token "no-such-token" in .*initialized tokens: "meridian-seal-test"/ },
    { name: "a key label the token lacks", make: (t, dir) => makePkcs11Seal(dir, pkcs11Config(t, { keyLabel: "absent" })), error: /no AES key labelled "absent" on token "meridian-seal-test" to unseal / },
    { name: "another token key", make: (t, dir) => makePkcs11Seal(dir, pkcs11Config(t, { keyLabel: "other-key" })), error: /AES key "other-key" .* cannot decrypt .*another key/ },
    { name: "an absent key that may not be generated", make: (t, dir) => makePkcs11Seal(dir, pkcs11Config(t, { keyLabel: "absent", generateKey: false })), error: /no AES key labelled "absent".*MERIDIAN_SEAL_PKCS11_GENERATE_KEY=true/, fresh: true },
    { name: "a missing PKCS#11 library", make: (t, dir) => makePkcs11Seal(dir, pkcs11Config(t, { library: "/nonexistent/libpkcs11.so" })), error: /cannot load the PKCS#11 library \/nonexistent\/libpkcs11\.so/, fresh: true },
  ],
});

describe("seals beyond the suite", () => {
  let root: string;
  before(() => void (root = mkdtempSync(join(tmpdir(), "meridian-seal-"))));
  after(() => rmSync(root, { recursive: true, force: true }));
  const dirWith = (...files: string[]) => {
    const dir = mkdtempSync(join(root, "data-"));
    for (const f of files) writeFileSync(join(dir, f), "{}\n", { mode: 0o600 });
    return dir;
  };

  it("the file seal will not create root.key where the kms seal sealed the root key", async () => {
    const dir = dirWith(SEAL_FILES.kms);
    await assert.rejects(makeFileSeal(dir, {}).loadRootKey(), { name: "SealError", message: /sealed by the kms seal .*--seal kms/ });
    assert.deepEqual(readdirSync(dir), [SEAL_FILES.kms]);
  });

  it("MERIDIAN_ROOT_KEY is refused where the pkcs11 seal sealed the root key", async () => {
    const dir = dirWith(SEAL_FILES.pkcs11);
    await assert.rejects(makeFileSeal(dir, { MERIDIAN_ROOT_KEY: envKey }).loadRootKey(), { message: /sealed by the pkcs11 seal/ });
  });

  it("the kms and pkcs11 seals will not create a root key beside root.key, before reaching KMS or the token", async () => {
    const dir = dirWith(SEAL_FILES.file);
    await assert.rejects(makeKmsSeal(dir, { keyId: "k", endpoint: "http://127.0.0.1:9", region: "us-east-1" }).loadRootKey(), { message: /sealed by the file seal .*--seal file/ });
    const pkcs11 = { library: "/nonexistent.so", tokenLabel: "t", pin: "1", keyLabel: "k", generateKey: true };
    await assert.rejects(makePkcs11Seal(dir, pkcs11).loadRootKey(), { message: /sealed by the file seal/ });
    assert.deepEqual(readdirSync(dir), [SEAL_FILES.file]);
  });

  it("the file seal will not create root.key beside Region stores made with MERIDIAN_ROOT_KEY", async () => {
    const dir = dirWith("us-east-1.sqlite");
    await assert.rejects(makeFileSeal(dir, {}).loadRootKey(), { message: /holds Region stores but no sealed root key.*MERIDIAN_ROOT_KEY/ });
    assert.equal(existsSync(join(dir, SEAL_FILES.file)), false);
  });

  it("a kms-sealed root key unseals through an alias of its key", { skip: motoMissing }, async () => {
    const kms = await startMotoKms();
    try {
      const dir = dirWith();
      const key = await kmsSeal(kms, dir).loadRootKey();
      assert.deepEqual(await kmsSeal(kms, dir, kms.alias).loadRootKey(), key);
    } finally {
      await kms.stop();
    }
  });

  it("a pkcs11-sealed root key unseals with the token chosen by slot id", { skip: softHsmMissing }, async () => {
    const token = await startSoftHsmToken();
    try {
      const dir = dirWith();
      const key = await makePkcs11Seal(dir, pkcs11Config(token)).loadRootKey();
      const bySlot = pkcs11Config(token, { tokenLabel: undefined, slot: token.slot, generateKey: false });
      assert.deepEqual(await makePkcs11Seal(dir, bySlot).loadRootKey(), key);
    } finally {
      await token.stop();
    }
  });
});
