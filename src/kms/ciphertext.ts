// The KMS ciphertext blob: self-describing, so Decrypt needs nothing but the blob and the context.
//   version(1) | keyId length(1) | keyId (ascii) | material index(4, BE) | iv(12) | tag(16) | body
// The key id, material index and the canonical encryption context are bound as AAD.

import { packIvTagBody, unpackIvTagBody, type GcmSealed } from "../util/aes-gcm.js";

const VERSION = 1;

export interface CiphertextParts extends GcmSealed {
  keyId: string;
  materialIndex: number;
}

export function encodeCiphertext(p: CiphertextParts): Buffer {
  const id = Buffer.from(p.keyId, "ascii");
  const head = Buffer.alloc(6 + id.length);
  head.writeUInt8(VERSION, 0);
  head.writeUInt8(id.length, 1);
  id.copy(head, 2);
  head.writeUInt32BE(p.materialIndex, 2 + id.length);
  return Buffer.concat([head, packIvTagBody(p)]);
}

/** undefined when the blob is not one of ours */
export function decodeCiphertext(blob: Buffer): CiphertextParts | undefined {
  if (blob.length < 2 || blob[0] !== VERSION) return undefined;
  const idLength = blob[1];
  if (blob.length < 2 + idLength + 4) return undefined;
  const sealed = unpackIvTagBody(blob.subarray(2 + idLength + 4));
  if (!sealed) return undefined;
  return { keyId: blob.subarray(2, 2 + idLength).toString("ascii"), materialIndex: blob.readUInt32BE(2 + idLength), ...sealed };
}

/**
 * Encryption context as bound into AAD: keys sorted, so equal contexts give equal bytes. An empty
 * context is no context, as on AWS.
 */
export function canonicalContext(context: Record<string, string> | undefined): string {
  if (!context || Object.keys(context).length === 0) return "";
  return JSON.stringify(Object.keys(context).sort().map((k) => [k, context[k]]));
}
