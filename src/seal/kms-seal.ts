// The external-KMS seal: the root key is random bytes encrypted under a KMS key (AWS KMS, or another
// Meridian's KMS API) with a fixed encryption context; only that ciphertext is kept, in the data
// directory. Every start decrypts it, so the KMS key's policy decides who can start this Region.

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { KMSClient } from "@aws-sdk/client-kms";
import { assertCanCreateRootKey, base64Field, errorText, readSealedFile, SEAL_FILES, writeSealedFile } from "./seal-files.js";
import { SealError, type Seal } from "./seal.js";

export interface KmsSealConfig {
  /** key id, key ARN, alias name or alias ARN of the symmetric KMS key that seals the root key */
  keyId: string;
  /** the KMS endpoint (another Meridian, say); AWS's own for the Region when absent */
  endpoint?: string;
  /** the key's Region; from the AWS environment (AWS_REGION, the profile) when absent */
  region?: string;
}

/** Bound into the ciphertext: a blob made for anything else does not decrypt as a root key. */
const ROOT_KEY_ENCRYPTION_CONTEXT = { "meridian:purpose": "root-key" } as const;

export function makeKmsSeal(dataDir: string, config: KmsSealConfig, random: (n: number) => Buffer = randomBytes): Seal {
  const file = join(dataDir, SEAL_FILES.kms);
  const where = `KMS key ${config.keyId}${config.endpoint ? ` at ${config.endpoint}` : ""}`;

  async function unseal(kms: KMSClient, { DecryptCommand }: Sdk) {
    const sealed = readSealedFile(file)!;
    const blob = base64Field(sealed, "ciphertextBlob", file);
    let plaintext: Uint8Array | undefined;
    try {
      const out = await kms.send(
        new DecryptCommand({ CiphertextBlob: blob, KeyId: config.keyId, EncryptionContext: { ...ROOT_KEY_ENCRYPTION_CONTEXT } }),
      );
      plaintext = out.Plaintext;
    } catch (e) {
      const sealedBy = typeof sealed.keyId === "string" ? ` (it was sealed by ${sealed.keyId})` : "";
      throw new SealError(`the kms seal could not decrypt ${file} with ${where}: ${errorText(e)}${sealedBy}`);
    }
    if (plaintext?.length !== 32) throw new SealError(`${file} does not decrypt to a 32-byte root key; restore it from a backup`);
    return Buffer.from(plaintext);
  }

  return {
    description: `${file}, sealed by ${where}`,
    async loadRootKey() {
      const exists = readSealedFile(file) !== undefined;
      if (!exists) assertCanCreateRootKey(dataDir, "kms");
      const sdk = await loadSdk();
      const kms = new sdk.KMSClient({
        region: config.region,
        endpoint: config.endpoint,
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
      });
      try {
        await kms.config.region().catch(() => {
          throw new SealError("the kms seal needs the KMS key's Region: set MERIDIAN_SEAL_KMS_REGION (or AWS_REGION)");
        });
        if (exists) return await unseal(kms, sdk);
        const key = random(32);
        let sealed;
        try {
          sealed = await kms.send(
            new sdk.EncryptCommand({ KeyId: config.keyId, Plaintext: key, EncryptionContext: { ...ROOT_KEY_ENCRYPTION_CONTEXT } }),
          );
        } catch (e) {
          throw new SealError(`the kms seal could not encrypt a new root key with ${where}: ${errorText(e)}; nothing was written`);
        }
        if (!sealed.CiphertextBlob) throw new SealError(`${where} returned no CiphertextBlob; nothing was written`);
        const record = {
          seal: "kms",
          keyId: sealed.KeyId ?? config.keyId,
          encryptionContext: ROOT_KEY_ENCRYPTION_CONTEXT,
          ciphertextBlob: Buffer.from(sealed.CiphertextBlob).toString("base64"),
        };
        if (writeSealedFile(file, JSON.stringify(record, null, 2) + "\n")) return key;
        key.fill(0); // another process sealed a root key first: use that one
        return await unseal(kms, sdk);
      } finally {
        kms.destroy();
      }
    },
  };
}

type Sdk = typeof import("@aws-sdk/client-kms");

// Loaded on use, so a deployment that seals otherwise neither needs nor loads the AWS SDK.
async function loadSdk(): Promise<Sdk> {
  try {
    return await import("@aws-sdk/client-kms");
  } catch (e) {
    throw new SealError(`the kms seal needs the npm package @aws-sdk/client-kms: ${errorText(e)}`);
  }
}
