// The seal seam (DESIGN §1, §7): a seal provides the root key, and from it each Region derives the
// key that wraps its KMS key material and stored credentials. The development seal reads the root
// key from MERIDIAN_ROOT_KEY or from a file it generates once, readable by its owner only.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Seal {
  readonly description: string;
  loadRootKey(): Promise<Buffer>;
}

export function makeFileSeal(dataDir: string, env: NodeJS.ProcessEnv = process.env): Seal {
  const file = join(dataDir, "root.key");
  return {
    description: env.MERIDIAN_ROOT_KEY ? "MERIDIAN_ROOT_KEY" : file,
    async loadRootKey() {
      if (env.MERIDIAN_ROOT_KEY) return decodeRootKey(env.MERIDIAN_ROOT_KEY, "MERIDIAN_ROOT_KEY");
      if (existsSync(file)) return decodeRootKey(readFileSync(file, "utf8").trim(), file);
      const key = randomBytes(32);
      writeFileSync(file, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
      return key;
    },
  };
}

function decodeRootKey(text: string, from: string): Buffer {
  const key = Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error(`${from} must hold 32 bytes, base64-encoded (found ${key.length} bytes)`);
  return key;
}

/** Wraps and unwraps secrets at rest in one Region under a key derived from the root key. */
export interface RegionWrapper {
  wrap(plaintext: Buffer, context: string): Buffer;
  unwrap(wrapped: Buffer, context: string): Buffer;
  /** a value that identifies the root key without revealing it, to refuse a wrong root key at start */
  checkValue(): string;
}

export function makeRegionWrapper(rootKey: Buffer, region: string): RegionWrapper {
  const key = Buffer.from(hkdfSync("sha256", rootKey, "meridian-region-wrap", `region:${region}`, 32));
  return {
    wrap(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    unwrap(wrapped, context) {
      const decipher = createDecipheriv("aes-256-gcm", key, wrapped.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(wrapped.subarray(12, 28));
      return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
    },
    checkValue() {
      return createHmac("sha256", key).update("meridian-root-key-check").digest("hex");
    },
  };
}

export function sameCheckValue(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
