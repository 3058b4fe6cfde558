// The one suite every seal passes (DESIGN §7), run by src/seal/seal.test.ts against the file seal,
// the kms seal and the pkcs11 seal; another seal runs it with one call of sealConformance. A backend (a KMS server, an HSM token) is started once per suite; each
// test gets a fresh data directory.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Seal } from "../../src/seal/seal.js";

export interface SealSubject<B> {
  /** why the suite cannot run here (a missing tool), or undefined */
  skip?: string;
  start(): Promise<B>;
  stop(backend: B): Promise<void>;
  /** a rightly configured seal over dataDir; called again for each simulated start */
  make(backend: B, dataDir: string): Seal;
  /** configurations that must fail to unseal: on a data dir that `make` sealed, or on a fresh one */
  wrong: Array<{ name: string; make(backend: B, dataDir: string): Seal; error: RegExp; fresh?: boolean }>;
  /** the development file seal keeps its generated key in the clear, by design */
  keepsKeyInClear?: boolean;
}

export function sealConformance<B>(name: string, subject: SealSubject<B>): void {
  describe(`seal conformance: ${name}`, { skip: subject.skip }, () => {
    let backend: B;
    let root: string;
    let n = 0;
    const freshDir = () => mkdtempSync(join(root, `data-${n++}-`));
    const load = (dataDir: string) => subject.make(backend, dataDir).loadRootKey();

    before(async () => {
      root = mkdtempSync(join(tmpdir(), "meridian-seal-"));
      backend = await subject.start();
    });
    after(async () => {
      if (backend !== undefined) await subject.stop(backend);
      rmSync(root, { recursive: true, force: true });
    });

    it("creates a 32-byte root key on first load", async () => {
      const key = await load(freshDir());
      assert.equal(key.length, 32);
      assert.notDeepEqual(key, Buffer.alloc(32));
    });

    it("returns the same root key to a new seal on the same data directory", async () => {
      const dir = freshDir();
      const first = await load(dir);
      const copy = Buffer.from(first);
      first.fill(0); // the Region host wipes the key once the Regions are open
      assert.deepEqual(await load(dir), copy);
      assert.deepEqual(await load(dir), copy);
    });

    it("gives two seals starting at once on a fresh data directory one root key", async () => {
      const dir = freshDir();
      const [a, b] = await Promise.all([load(dir), load(dir)]);
      assert.deepEqual(a, b);
      assert.deepEqual(await load(dir), a);
    });

    it("writes only files readable by their owner alone (0600)", async () => {
      const dir = freshDir();
      await load(dir);
      await load(dir);
      for (const [file, entry] of Object.entries(snapshot(dir))) {
        assert.equal(entry.mode, 0o600, `${file} has mode ${entry.mode.toString(8)}`);
        assert.doesNotMatch(file, /\.tmp$/, "a temporary file was left behind");
      }
    });

    it("never writes the root key to a file of the data directory", { skip: subject.keepsKeyInClear && "the development file seal keeps the key in root.key by design" }, async () => {
      const dir = freshDir();
      const key = await load(dir);
      await load(dir);
      const forms = [key, Buffer.from(key.toString("hex")), Buffer.from(key.toString("hex").toUpperCase()), Buffer.from(key.toString("base64")), Buffer.from(key.toString("base64url"))];
      for (const [file] of Object.entries(snapshot(dir))) {
        const bytes = readFileSync(join(dir, file));
        for (const form of forms) assert.equal(bytes.includes(form), false, `${file} holds the root key`);
      }
    });

    for (const wrong of subject.wrong) {
      const when = wrong.fresh ? "on a fresh data directory" : "on a sealed data directory";
      it(`refuses ${wrong.name} ${when} with a one-line message and changes nothing`, async () => {
        const dir = freshDir();
        if (!wrong.fresh) await load(dir);
        const before = snapshot(dir);
        const error = await wrong.make(backend, dir).loadRootKey().then(
          () => assert.fail("the seal unsealed a root key"),
          (e: Error) => e,
        );
        assert.equal(error.name, "SealError", `not a SealError: ${error.stack}`);
        assert.match(error.message, wrong.error);
        assert.doesNotMatch(error.message, /\n/);
        assert.deepEqual(snapshot(dir), before);
        if (!wrong.fresh) await load(dir); // and the right configuration still works
      });
    }
  });
}

/** Every file under dir with its mode, bytes and modification time. */
function snapshot(dir: string, prefix = ""): Record<string, { mode: number; bytes: string; mtimeMs: number }> {
  const out: Record<string, { mode: number; bytes: string; mtimeMs: number }> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(out, snapshot(dir, rel));
    else {
      const st = statSync(join(dir, rel));
      out[rel] = { mode: st.mode & 0o777, bytes: readFileSync(join(dir, rel)).toString("base64"), mtimeMs: st.mtimeMs };
    }
  }
  return out;
}
