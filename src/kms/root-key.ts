// From the root key (which a seal provides, see src/seal/) each Region derives the key that wraps
// its KMS key material and stored credentials, and a check value that refuses a wrong root key.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

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
