// The PKCS#11 seal: the root key is random bytes encrypted (CKM_AES_GCM) inside an HSM token by an
// AES-256 key that never leaves it, found by label and generated at first start when allowed. Only
// the ciphertext is kept, in the data directory; every start needs the token and its user PIN.

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { openTokenSession, tokenName, type TokenRef, type TokenSession } from "./pkcs11-token.js";
import { assertCanCreateRootKey, base64Field, errorText, readSealedFile, SEAL_FILES, writeSealedFile } from "./seal-files.js";
import { SealError, type Seal } from "./seal.js";

export interface Pkcs11SealConfig extends TokenRef {
  /** CKA_LABEL of the token's AES-256 key that seals the root key */
  keyLabel: string;
  /** generate that key in the token when it is absent at first start */
  generateKey: boolean;
}

export const DEFAULT_PKCS11_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";

/** Bound into the GCM tag: a ciphertext made for anything else does not decrypt as a root key. */
const AAD = Buffer.from("meridian:root-key");

export function makePkcs11Seal(dataDir: string, config: Pkcs11SealConfig, random: (n: number) => Buffer = randomBytes): Seal {
  const file = join(dataDir, SEAL_FILES.pkcs11);
  const where = `AES key "${config.keyLabel}" on ${tokenName(config)}`;

  function unseal(token: TokenSession, key: Buffer): Buffer {
    const sealed = readSealedFile(file)!;
    const iv = base64Field(sealed, "iv", file);
    const ciphertext = base64Field(sealed, "ciphertext", file);
    let rootKey: Buffer;
    try {
      rootKey = token.decryptGcm(key, iv, AAD, ciphertext);
    } catch (e) {
      throw new SealError(`the ${where} cannot decrypt ${file}: ${errorText(e)} (was it sealed by another key?)`);
    }
    if (rootKey.length !== 32) throw new SealError(`${file} does not decrypt to a 32-byte root key; restore it from a backup`);
    return rootKey;
  }

  return {
    description: `${file}, sealed by the ${where} (${config.library})`,
    async loadRootKey() {
      const exists = readSealedFile(file) !== undefined;
      if (!exists) assertCanCreateRootKey(dataDir, "pkcs11");
      const token = await openTokenSession(config, !exists && config.generateKey);
      try {
        let key = token.findAesKey(config.keyLabel);
        if (exists) {
          if (!key) throw new SealError(`no AES key labelled "${config.keyLabel}" on ${tokenName(config)} to unseal ${file}`);
          return unseal(token, key);
        }
        if (!key) {
          if (!config.generateKey) {
            throw new SealError(
              `no AES key labelled "${config.keyLabel}" on ${tokenName(config)}; create one, or set MERIDIAN_SEAL_PKCS11_GENERATE_KEY=true for Meridian to generate it`,
            );
          }
          key = token.generateAesKey(config.keyLabel);
        }
        const rootKey = random(32);
        const iv = random(12);
        let ciphertext: Buffer;
        try {
          ciphertext = token.encryptGcm(key, iv, AAD, rootKey);
        } catch (e) {
          throw new SealError(`the ${where} cannot encrypt a new root key: ${errorText(e)}; nothing was written`);
        }
        const record = {
          seal: "pkcs11",
          mechanism: "CKM_AES_GCM",
          keyLabel: config.keyLabel,
          token: config.tokenLabel ?? `slot ${config.slot}`,
          iv: iv.toString("base64"),
          ciphertext: ciphertext.toString("base64"),
        };
        if (writeSealedFile(file, JSON.stringify(record, null, 2) + "\n")) return rootKey;
        rootKey.fill(0); // another process sealed a root key first: use that one
        return unseal(token, key);
      } finally {
        token.close();
      }
    },
  };
}
