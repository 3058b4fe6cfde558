// Which keys an operation may touch. The key policy has already decided whether the caller may
// (src/kms/kms-access.ts); what is left are AWS's fixed rules: only the cryptographic operations
// and DescribeKey work on another account's key, and no one manages an AWS managed key.

import type { CallContext } from "../../contract/call-context.js";
import type { KeyRecord } from "../../contract/kms-types.js";
import { accessDenied, keyPendingDeletion, keyPendingReplicaDeletion } from "../kms-errors.js";
import type { KmsDeps } from "./kms-deps.js";
import { namedKeyArn } from "../kms-access.js";
import type { KmsOperations } from "../../generated/kms-api.js";

/** The IAM action (after "kms:") a key is used for: an operation's own, or ReEncrypt's two halves. */
export type KmsAction = keyof KmsOperations | "ReEncryptFrom" | "ReEncryptTo";

/** Operations AWS lets a key policy open to other accounts. */
const CROSS_ACCOUNT = new Set<KmsAction>([
  "DescribeKey", "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
  "GenerateDataKeyWithoutPlaintext", "GetKeyRotationStatus",
]);

/** The key `ref` names (id, ARN, alias, alias ARN): the caller's, or for a cryptographic operation another account's. */
export async function callerKey(keys: KmsDeps["keys"], ctx: CallContext, ref: string, action: KmsAction): Promise<KeyRecord> {
  const key = await keys.resolveKey(ctx.accountId, ref);
  // Worded on what the caller named, as the key policy's refusal of a missing key is (kms-access.ts).
  if (key.accountId !== ctx.accountId && !CROSS_ACCOUNT.has(action)) throw accessDenied(ctx.principalArn, action, namedKeyArn(keys, ctx.accountId, ref).resource);
  return key;
}

/** A key the caller manages: its own customer managed key. */
export async function customerKey(keys: KmsDeps["keys"], ctx: CallContext, ref: string, action: KmsAction): Promise<KeyRecord> {
  const key = await callerKey(keys, ctx, ref, action);
  if (key.keyManager === "AWS") throw accessDenied(ctx.principalArn, action, namedKeyArn(keys, ctx.accountId, ref).resource);
  return key;
}

export function notPendingDeletion(key: KeyRecord): KeyRecord {
  if (key.keyState === "PendingDeletion") throw keyPendingDeletion(key.arn);
  if (key.keyState === "PendingReplicaDeletion") throw keyPendingReplicaDeletion(key.arn);
  return key;
}
