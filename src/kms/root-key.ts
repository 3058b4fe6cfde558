// From the root key (which a seal provides, see src/seal/) each Region derives the key that wraps
// its KMS key material and stored credentials, and a check value that refuses a wrong root key.

import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { open, packIvTagBody, seal, unpackIvTagBody } from "../util/aes-gcm.js";

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
    // layout: iv | tag | body
    wrap(plaintext, context) {
      return packIvTagBody(seal(key, plaintext, context));
    },
    unwrap(wrapped, context) {
      const sealed = unpackIvTagBody(wrapped);
      if (!sealed) throw new Error("wrapped value too short");
      return open(key, sealed, context);
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
