// AES-256-GCM in one place: every sealed thing in Meridian (KMS ciphertexts, wrapped key material,
// session tokens, secret values, replicated values) uses it. The stored and wire layouts differ
// (some keep the tag before the body, some after it), so the layouts are named helpers here rather
// than offsets repeated at each user: data already at rest keeps its exact bytes.

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export const IV_LENGTH = 12;
export const TAG_LENGTH = 16;

export interface GcmSealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

const bytes = (aad: Buffer | string) => (typeof aad === "string" ? Buffer.from(aad) : aad);

/** Encrypts under a fresh random IV (or the one given, for tests); `aad` is authenticated, not encrypted. */
export function seal(key: Buffer, plaintext: Buffer | string, aad: Buffer | string, iv: Buffer = randomBytes(IV_LENGTH)): GcmSealed {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(bytes(aad));
  const ciphertext = Buffer.concat([typeof plaintext === "string" ? cipher.update(plaintext, "utf8") : cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/**
 * The plaintext; throws when the key, the AAD, the IV, the tag or the ciphertext is not the one
 * sealed. A tag of any length but TAG_LENGTH is refused, so a truncated tag never weakens the check.
 */
export function open(key: Buffer, sealed: GcmSealed, aad: Buffer | string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv, { authTagLength: TAG_LENGTH });
  decipher.setAAD(bytes(aad));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

// Layout `iv | tag | ciphertext` (root-key wrapping, the tail of KMS blobs and session tokens).

export function packIvTagBody(s: GcmSealed): Buffer {
  return Buffer.concat([s.iv, s.tag, s.ciphertext]);
}

/** undefined when `raw` is too short to hold an IV and a tag */
export function unpackIvTagBody(raw: Buffer): GcmSealed | undefined {
  if (raw.length < IV_LENGTH + TAG_LENGTH) return undefined;
  return {
    iv: raw.subarray(0, IV_LENGTH),
    tag: raw.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH),
    ciphertext: raw.subarray(IV_LENGTH + TAG_LENGTH),
  };
}

// Layout `ciphertext | tag`, IV kept apart (secret values at rest, values replicated between Regions).

export function joinBodyTag(s: GcmSealed): Buffer {
  return Buffer.concat([s.ciphertext, s.tag]);
}

/** undefined when `raw` is too short to hold a tag */
export function splitBodyTag(iv: Buffer, raw: Buffer): GcmSealed | undefined {
  if (raw.length < TAG_LENGTH) return undefined;
  return { iv, tag: raw.subarray(raw.length - TAG_LENGTH), ciphertext: raw.subarray(0, raw.length - TAG_LENGTH) };
}
