// Which keys an operation may touch. Key policies are not evaluated yet, so this stands in for the
// two refusals every KMS key policy in an account gives: another account's key (no policy here
// grants one), and the management of an AWS managed key (its policy lets users only read it).

import type { CallContext } from "../../region/call-context.js";
import type { KeyRecord } from "../kms-types.js";
import { accessDenied, keyPendingDeletion, keyPendingReplicaDeletion } from "../kms-errors.js";
import type { KmsDeps } from "./kms-deps.js";

/** The key `ref` names (id, ARN, alias, alias ARN), if it is the caller's. */
export async function callerKey(keys: KmsDeps["keys"], ctx: CallContext, ref: string, action: string): Promise<KeyRecord> {
  const key = await keys.resolveKey(ctx.accountId, ref);
  if (key.accountId !== ctx.accountId) throw accessDenied(ctx.principalArn, action, key.arn);
  return key;
}

/** A key the caller manages: its own customer managed key. */
export async function customerKey(keys: KmsDeps["keys"], ctx: CallContext, ref: string, action: string): Promise<KeyRecord> {
  const key = await callerKey(keys, ctx, ref, action);
  if (key.keyManager === "AWS") throw accessDenied(ctx.principalArn, action, key.arn);
  return key;
}

export function notPendingDeletion(key: KeyRecord): KeyRecord {
  if (key.keyState === "PendingDeletion") throw keyPendingDeletion(key.arn);
  if (key.keyState === "PendingReplicaDeletion") throw keyPendingReplicaDeletion(key.arn);
  return key;
}
