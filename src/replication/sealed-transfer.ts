// Values travel between Regions sealed to the destination (DESIGN §5.3): an ephemeral X25519 key
// agreement with the destination Region's transport public key, HKDF-SHA256, AES-256-GCM, with the
// ARN, version id, destination Region and revision bound as AAD. Plaintext is never on the wire or
// in a queue, with or without TLS.

import {
  createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync,
  type KeyObject,
} from "node:crypto";
import { joinBodyTag, open, seal, splitBodyTag } from "../util/aes-gcm.js";

export interface SealedForRegion {
  /** the sender's ephemeral X25519 public key, raw 32 bytes, base64 */
  epk: string;
  iv: string;
  /** ciphertext followed by the GCM tag, base64 */
  ct: string;
}

export interface TransportKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

export function newTransportKeyPair(): TransportKeyPair {
  return generateKeyPairSync("x25519");
}

export function exportPublicKey(key: KeyObject): string {
  return key.export({ format: "der", type: "spki" }).toString("base64");
}

export function importPublicKey(der: string): KeyObject {
  return createPublicKey({ key: Buffer.from(der, "base64"), format: "der", type: "spki" });
}

export function exportPrivateKey(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "pkcs8" });
}

export function importPrivateKey(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

function transferKey(shared: Buffer, epk: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, epk, "meridian-replication-v1", 32));
}

export function sealForRegion(recipient: KeyObject, plaintext: Buffer, aad: string): SealedForRegion {
  const ephemeral = generateKeyPairSync("x25519");
  const epk = ephemeral.publicKey.export({ format: "der", type: "spki" });
  const key = transferKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }), epk);
  const gcm = seal(key, plaintext, aad);
  key.fill(0);
  return { epk: epk.toString("base64"), iv: gcm.iv.toString("base64"), ct: joinBodyTag(gcm).toString("base64") };
}

/** Throws when the value was not sealed to this key pair or its AAD differs. */
export function openFromRegion(own: KeyObject, sealed: SealedForRegion, aad: string): Buffer {
  const epkDer = Buffer.from(sealed.epk, "base64");
  const epk = createPublicKey({ key: epkDer, format: "der", type: "spki" });
  const key = transferKey(diffieHellman({ privateKey: own, publicKey: epk }), epkDer);
  const ct = Buffer.from(sealed.ct, "base64");
  try {
    const gcm = splitBodyTag(Buffer.from(sealed.iv, "base64"), ct);
    if (!gcm) throw new Error("sealed value too short");
    return open(key, gcm, aad);
  } finally {
    key.fill(0);
  }
}

export const valueAad = (arn: string, versionId: string, destRegion: string, revision: number) =>
  `${arn}\n${versionId}\n${destRegion}\n${revision}`;
