// KMS calls as the policy engine sees them (DESIGN §6): kms:<Operation> on the key with its key
// policy (which, as on AWS, decides whether IAM policies count at all), the key's tags, and the
// kms: condition keys of the request. Decrypt without a KeyId is decided on the key the ciphertext
// names; ReEncrypt on both keys; a key that does not exist on the ARN its reference would have,
// and a denial of either is worded on the reference's ARN (an alias's own, never its key's).

import type { AccessDescriber, AccessRequest } from "../contract/access-request.js";
import { describing, requestTagKeys, resourceTagKeys } from "../contract/access-request.js";
import type { ContextValue } from "../contract/policy-types.js";
import { storedResourcePolicy } from "../policy/policy-cache.js";
import type { CallContext } from "../contract/call-context.js";
import type { KeyService } from "./key-service.js";
import type { KeyRecord } from "../contract/kms-types.js";
import { decodeCiphertext } from "./ciphertext.js";
import { kmsArn } from "../util/arn.js";

type Input = Record<string, any>;

const ON_NO_KEY = new Set(["CreateKey", "ListKeys", "ListAliases", "GenerateRandom", "ListRetirableGrants"]);

function requestKeys(ctx: CallContext, operation: string, input: Input): Record<string, ContextValue | undefined> {
  const keys: Record<string, ContextValue | undefined> = { "kms:CallerAccount": ctx.accountId };
  const context = (input.EncryptionContext ?? input.SourceEncryptionContext) as Record<string, string> | undefined;
  if (context) {
    for (const [k, v] of Object.entries(context)) keys[`kms:EncryptionContext:${k}`] = v;
    keys["kms:EncryptionContextKeys"] = Object.keys(context);
  }
  if (typeof input.KeyId === "string" && input.KeyId.includes("alias/")) keys["kms:RequestAlias"] = input.KeyId.slice(input.KeyId.indexOf("alias/"));
  if (operation === "CreateKey") {
    keys["kms:KeySpec"] = input.KeySpec ?? input.CustomerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    keys["kms:KeyUsage"] = input.KeyUsage ?? "ENCRYPT_DECRYPT";
    keys["kms:KeyOrigin"] = input.Origin ?? "AWS_KMS";
    keys["kms:MultiRegion"] = input.MultiRegion ?? false;
    keys["kms:BypassPolicyLockoutSafetyCheck"] = input.BypassPolicyLockoutSafetyCheck ?? false;
  }
  if (operation === "CreateKey" || operation === "TagResource" || operation === "UntagResource") {
    const tags = (input.Tags as { TagKey?: string; TagValue?: string }[] | undefined)?.map((t) => ({ Key: t.TagKey, Value: t.TagValue }));
    Object.assign(keys, requestTagKeys(tags, input.TagKeys));
  }
  return keys;
}

function onKey(action: string, key: KeyRecord, conditions: Record<string, ContextValue | undefined>): AccessRequest {
  return {
    action,
    resource: key.arn,
    resourceAccount: key.accountId,
    resourceConditions: {
      ...resourceTagKeys("kms", key.tags.map((t) => ({ Key: t.TagKey, Value: t.TagValue }))),
      "kms:KeySpec": key.keySpec,
      "kms:KeyUsage": key.keyUsage,
      "kms:MultiRegion": key.multiRegion,
    },
    conditions,
    resourcePolicy: storedResourcePolicy(key.policy, "kms-key", key.arn),
  };
}

/**
 * The ARN a key reference names, whether or not there is such a key: a key id's key ARN, an alias
 * name's alias ARN (never the key it points to), an ARN as given; and the account it names.
 */
export function namedKeyArn(keys: Pick<KeyService, "keyArn" | "aliasArn">, accountId: string, ref: string): { resource: string; resourceAccount: string } {
  if (ref.startsWith("arn:")) return { resource: ref, resourceAccount: ref.split(":")[4] || accountId };
  if (ref.startsWith("alias/")) return { resource: keys.aliasArn(accountId, ref), resourceAccount: accountId };
  return { resource: keys.keyArn(accountId, ref.replace(/^key\//, "")), resourceAccount: accountId };
}

export function describeKmsAccess(keys: Pick<KeyService, "resolveKey" | "keyArn" | "aliasArn">): AccessDescriber {
  return describing<Input>(async (ctx, operation, input) => {
    const action = `kms:${operation}`;
    const conditions = requestKeys(ctx, operation, input);
    const resolve = async (ref: string | undefined, asAction = action): Promise<AccessRequest> => {
      if (typeof ref !== "string") return { action: asAction, resource: "*", resourceAccount: ctx.accountId, conditions };
      // A key that exists is decided on itself (its ARN, tags, key policy), a missing one on what
      // its reference names (the operation then says it is not found); either way a denial is
      // worded on what the caller named, so it cannot tell the two apart (DESIGN §12).
      const named: AccessRequest = { action: asAction, ...namedKeyArn(keys, ctx.accountId, ref), conditions };
      let key: KeyRecord;
      try {
        key = await keys.resolveKey(ctx.accountId, ref);
      } catch {
        return named;
      }
      return { ...onKey(asAction, key, conditions), named };
    };
    if (ON_NO_KEY.has(operation) && input.KeyId === undefined) return [{ action, resource: "*", resourceAccount: ctx.accountId, conditions }];
    if (operation === "Decrypt" || operation === "ReEncrypt") {
      const blob = typeof input.CiphertextBlob === "string" ? decodeCiphertext(Buffer.from(input.CiphertextBlob, "base64")) : undefined;
      const source = await resolve(input.KeyId ?? input.SourceKeyId ?? blob?.keyId, operation === "ReEncrypt" ? "kms:ReEncryptFrom" : action);
      if (operation === "Decrypt") return [source];
      return [source, await resolve(input.DestinationKeyId, "kms:ReEncryptTo")];
    }
    if (operation === "CreateAlias" || operation === "UpdateAlias") return [await resolve(input.TargetKeyId)];
    if (operation === "DeleteAlias") {
      return [{ action, resource: kmsArn(ctx.partition, ctx.region, ctx.accountId, `${input.AliasName}`), resourceAccount: ctx.accountId, conditions }];
    }
    return [await resolve(input.KeyId)];
  });
}
