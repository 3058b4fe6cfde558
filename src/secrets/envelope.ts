// Envelope encryption of secret values (DESIGN §4): a fresh data key per version from the key
// service, bound to the secret ARN and version id both as KMS encryption context and as GCM AAD.

import { joinBodyTag, open, seal, splitBodyTag } from "../util/aes-gcm.js";
import type { KeyService } from "../kms/key-service.js";
import type { SealedValue } from "../contract/secret-types.js";
import { ServiceError } from "../contract/service-error.js";

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
    // stored: iv apart, ciphertext = body | tag
    const gcm = seal(dataKey.plaintext, value.bytes, aadFor(arn, versionId));
    return { sealed: { versionId, kind: value.kind, wrappedKey: dataKey.ciphertextBlob, iv: gcm.iv, ciphertext: joinBodyTag(gcm) }, keyArn: dataKey.keyArn };
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
    const gcm = splitBodyTag(sealed.iv, sealed.ciphertext);
    let bytes: Buffer;
    try {
      if (!gcm) throw new Error("sealed value too short");
      bytes = open(dataKey.plaintext, gcm, aadFor(arn, sealed.versionId));
    } catch {
      // A stored value that does not authenticate (edited, truncated, or moved to another secret or
      // version) is the caller's DecryptionFailure, as AWS answers an undecryptable secret, not a 500.
      throw new ServiceError("InvalidCiphertextException", "The stored secret value does not authenticate.", 400);
    }
    return { kind: sealed.kind, bytes };
  } finally {
    dataKey.plaintext.fill(0);
  }
}
