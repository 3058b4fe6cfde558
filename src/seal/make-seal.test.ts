// Choosing a seal from --seal and MERIDIAN_SEAL*: what each setting gives, and the one-line refusal
// of each bad one, down to `meridian serve` exiting before it touches the data directory.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import { DEFAULT_PKCS11_KEY_LABEL, makeSeal, readSealConfig } from "./make-seal.js";
import { DEFAULT_PKCS11_LIBRARY } from "./pkcs11-seal.js";
import { SEAL_FILES } from "./seal-files.js";

describe("readSealConfig", () => {
  it("is the file seal by default", () => {
    assert.deepEqual(readSealConfig({}), { kind: "file" });
    assert.deepEqual(readSealConfig({ MERIDIAN_ROOT_KEY: "x" }), { kind: "file" });
  });

  it("reads the kms seal's key, endpoint and Region", () => {
    const env = { MERIDIAN_SEAL: "kms", MERIDIAN_SEAL_KMS_KEY_ID: "alias/meridian-root", MERIDIAN_SEAL_KMS_ENDPOINT: "https://kms.example:8443", MERIDIAN_SEAL_KMS_REGION: "eu-west-1" };
    assert.deepEqual(readSealConfig(env), { kind: "kms", kms: { keyId: "alias/meridian-root", endpoint: "https://kms.example:8443", region: "eu-west-1" } });
    assert.deepEqual(readSealConfig({ MERIDIAN_SEAL_KMS_KEY_ID: "k" }, "kms"), { kind: "kms", kms: { keyId: "k", endpoint: undefined, region: undefined } });
  });

  it("reads the pkcs11 seal's token, PIN and key, with defaults", () => {
    const env = { MERIDIAN_SEAL: "pkcs11", MERIDIAN_SEAL_PKCS11_TOKEN_LABEL: "meridian", MERIDIAN_SEAL_PKCS11_PIN: " 1234" };
    assert.deepEqual(readSealConfig(env), {
      kind: "pkcs11",
      pkcs11: { library: DEFAULT_PKCS11_LIBRARY, tokenLabel: "meridian", slot: undefined, pin: " 1234", keyLabel: DEFAULT_PKCS11_KEY_LABEL, generateKey: false },
    });
    const bySlot = readSealConfig({ MERIDIAN_SEAL: "pkcs11", MERIDIAN_SEAL_PKCS11_SLOT: "1234567890123", MERIDIAN_SEAL_PKCS11_PIN: "1", MERIDIAN_SEAL_PKCS11_GENERATE_KEY: "true", MERIDIAN_SEAL_PKCS11_LIBRARY: "/opt/hsm.so", MERIDIAN_SEAL_PKCS11_KEY_LABEL: "wrap" });
    assert.deepEqual(bySlot, { kind: "pkcs11", pkcs11: { library: "/opt/hsm.so", tokenLabel: undefined, slot: 1234567890123n, pin: "1", keyLabel: "wrap", generateKey: true } });
  });

  it("lets --seal win over MERIDIAN_SEAL", () => {
    assert.deepEqual(readSealConfig({ MERIDIAN_SEAL: "kms" }, "file"), { kind: "file" });
  });

  const refusals: Array<[string, NodeJS.ProcessEnv, string | undefined, RegExp]> = [
    ["an unknown --seal", {}, "vault", /^--seal must be file, kms, pkcs11, not 'vault'$/],
    ["an unknown MERIDIAN_SEAL", { MERIDIAN_SEAL: "hsm" }, undefined, /^MERIDIAN_SEAL must be file, kms, pkcs11, not 'hsm'$/],
    ["a kms seal without a key", { MERIDIAN_SEAL: "kms" }, undefined, /set MERIDIAN_SEAL_KMS_KEY_ID$/],
    ["a kms endpoint that is no URL", { MERIDIAN_SEAL_KMS_KEY_ID: "k", MERIDIAN_SEAL_KMS_ENDPOINT: "localhost:4566" }, "kms", /MERIDIAN_SEAL_KMS_ENDPOINT must be an http/],
    ["a kms Region that is no Region", { MERIDIAN_SEAL_KMS_KEY_ID: "k", MERIDIAN_SEAL_KMS_REGION: "Ireland" }, "kms", /MERIDIAN_SEAL_KMS_REGION must be a Region name/],
    ["a pkcs11 seal without a PIN", { MERIDIAN_SEAL_PKCS11_TOKEN_LABEL: "t" }, "pkcs11", /set MERIDIAN_SEAL_PKCS11_PIN$/],
    ["a pkcs11 seal naming no token", { MERIDIAN_SEAL_PKCS11_PIN: "1" }, "pkcs11", /exactly one of MERIDIAN_SEAL_PKCS11_TOKEN_LABEL and MERIDIAN_SEAL_PKCS11_SLOT/],
    ["a pkcs11 seal naming a token twice", { MERIDIAN_SEAL_PKCS11_PIN: "1", MERIDIAN_SEAL_PKCS11_TOKEN_LABEL: "t", MERIDIAN_SEAL_PKCS11_SLOT: "1" }, "pkcs11", /exactly one of/],
    ["a slot that is no slot id", { MERIDIAN_SEAL_PKCS11_PIN: "1", MERIDIAN_SEAL_PKCS11_SLOT: "first" }, "pkcs11", /MERIDIAN_SEAL_PKCS11_SLOT must be a slot id/],
    ["a GENERATE_KEY that is no boolean", { MERIDIAN_SEAL_PKCS11_PIN: "1", MERIDIAN_SEAL_PKCS11_TOKEN_LABEL: "t", MERIDIAN_SEAL_PKCS11_GENERATE_KEY: "yes" }, "pkcs11", /must be true or false, not 'yes'/],
    ["kms settings with the file seal", { MERIDIAN_SEAL_KMS_KEY_ID: "k" }, undefined, /^MERIDIAN_SEAL_KMS_KEY_ID is set but the seal is file; use --seal kms/],
    ["MERIDIAN_ROOT_KEY with the pkcs11 seal", { MERIDIAN_ROOT_KEY: "x", MERIDIAN_SEAL_PKCS11_PIN: "1", MERIDIAN_SEAL_PKCS11_TOKEN_LABEL: "t" }, "pkcs11", /^MERIDIAN_ROOT_KEY is set but the seal is pkcs11; use --seal file/],
  ];
  for (const [name, env, option, message] of refusals) {
    it(`refuses ${name} in one line`, () => {
      assert.throws(() => readSealConfig(env, option), (e: Error) => e.name === "SealError" && message.test(e.message) && !e.message.includes("\n"));
    });
  }

  it("makes the seal it names", () => {
    const dir = "/var/lib/meridian";
    assert.match(makeSeal({ kind: "file" }, dir, {}).description, /root\.key \(file seal/);
    assert.match(makeSeal(readSealConfig({ MERIDIAN_SEAL_KMS_KEY_ID: "alias/r" }, "kms"), dir).description, /root-key\.kms\.json, sealed by KMS key alias\/r$/);
    const pkcs11 = readSealConfig({ MERIDIAN_SEAL_PKCS11_PIN: "1", MERIDIAN_SEAL_PKCS11_TOKEN_LABEL: "t" }, "pkcs11");
    assert.match(makeSeal(pkcs11, dir).description, /root-key\.pkcs11\.json, sealed by the AES key "meridian-root-key" on token "t"/);
  });
});

describe("meridian serve with a bad seal", () => {
  const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "cli", "main.js");
  const root = mkdtempSync(join(tmpdir(), "meridian-seal-cli-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  function serve(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MERIDIAN_")));
    const child = spawn(process.execPath, [cli, "serve", "--port", "0", ...args], { env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000); // a server that started after all
    return new Promise((resolve) => child.once("close", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
  }

  it("exits 2 with one line on a bad --seal", async () => {
    const dataDir = mkdtempSync(join(root, "data-"));
    const out = await serve(["--data-dir", dataDir, "--seal", "vault"], {});
    assert.equal(out.code, 2);
    assert.equal(out.stderr, "meridian: --seal must be file, kms, pkcs11, not 'vault'\n");
    assert.deepEqual(readdirSync(dataDir), []);
  });

  it("exits 2 with one line when the seal cannot unseal, leaving the data directory as it was", async () => {
    const dataDir = mkdtempSync(join(root, "data-"));
    const env = { MERIDIAN_SEAL_PKCS11_LIBRARY: "/nonexistent/libpkcs11.so", MERIDIAN_SEAL_PKCS11_TOKEN_LABEL: "t", MERIDIAN_SEAL_PKCS11_PIN: "1" };
    const out = await serve(["--data-dir", dataDir, "--seal", "pkcs11"], env);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /^meridian: cannot load the PKCS#11 library \/nonexistent\/libpkcs11\.so: [^\n]*\n$/);
    assert.deepEqual(readdirSync(dataDir), []);
  });

  it("names the seal in the start banner", async () => {
    const dataDir = mkdtempSync(join(root, "data-"));
    const child = spawn(process.execPath, [cli, "serve", "--port", "0", "--data-dir", dataDir, "--auth", "permissive"], {
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MERIDIAN_"))),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (c) => {
        stdout += c;
        if (stdout.includes("Root key:")) resolve();
      });
      child.once("close", () => reject(new Error(`meridian exited: ${stdout}`)));
    });
    const closed = new Promise((resolve) => child.once("close", resolve));
    child.kill("SIGTERM");
    await closed;
    assert.match(stdout, new RegExp(`Root key: .*${SEAL_FILES.file} \\(file seal, development only\\)`));
  });
});
