// Envelope encryption of secret values (DESIGN §4): a fresh data key per version from the key
// service, bound to the secret ARN and version id both as KMS encryption context and as GCM AAD.

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KeyService } from "../kms/key-service.js";
import type { SealedValue } from "../contract/secret-types.js";

export interface SecretValue {
  kind: "string" | "binary";
  bytes: Buffer;
}

const contextFor = (arn: string, versionId: string) => ({ SecretARN: arn, SecretVersionId: versionId });
const aadFor = (arn: string, versionId: string) => Buffer.from(`${arn}\n${versionId}`);

export async function sealValue(
  keys: Pick<KeyService, "generateDataKey">,
  accountId: string,
  keyRef: string,
  arn: string,
  versionId: string,
  value: SecretValue,
): Promise<{ sealed: SealedValue; keyArn: string }> {
  const dataKey = await keys.generateDataKey(accountId, keyRef, contextFor(arn, versionId));
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", dataKey.plaintext, iv);
    cipher.setAAD(aadFor(arn, versionId));
    const ciphertext = Buffer.concat([cipher.update(value.bytes), cipher.final(), cipher.getAuthTag()]);
    return { sealed: { versionId, kind: value.kind, wrappedKey: dataKey.ciphertextBlob, iv, ciphertext }, keyArn: dataKey.keyArn };
  } finally {
    dataKey.plaintext.fill(0);
  }
}

export async function openValue(
  keys: Pick<KeyService, "decrypt">,
  accountId: string,
  arn: string,
  sealed: SealedValue,
): Promise<SecretValue> {
  const dataKey = await keys.decrypt(accountId, sealed.wrappedKey, contextFor(arn, sealed.versionId));
  try {
    const decipher = createDecipheriv("aes-256-gcm", dataKey.plaintext, sealed.iv);
    decipher.setAAD(aadFor(arn, sealed.versionId));
    decipher.setAuthTag(sealed.ciphertext.subarray(sealed.ciphertext.length - 16));
    const bytes = Buffer.concat([decipher.update(sealed.ciphertext.subarray(0, sealed.ciphertext.length - 16)), decipher.final()]);
    return { kind: sealed.kind, bytes };
  } finally {
    dataKey.plaintext.fill(0);
  }
}
