// KMS calls as the policy engine sees them (DESIGN §6): kms:<Operation> on the key with its key
// policy (which, as on AWS, decides whether IAM policies count at all), the key's tags, and the
// kms: condition keys of the request. Decrypt without a KeyId is decided on the key the ciphertext
// names; ReEncrypt on both keys; a key that does not exist on the ARN its reference would have,
// and a denial of either is worded on the reference's ARN (an alias's own, never its key's).

import type { AccessDescriber, AccessRequest } from "../contract/access-request.js";
import { requestTagKeys, resourceTagKeys } from "../contract/access-request.js";
import type { ContextValue } from "../contract/policy-types.js";
import { storedResourcePolicy } from "../policy/policy-cache.js";
import type { CallContext } from "../contract/call-context.js";
import type { KeyService } from "./key-service.js";
import type { KeyRecord } from "../contract/kms-types.js";
import { decodeCiphertext } from "./ciphertext.js";
import { kmsArn } from "../util/arn.js";

const ON_NO_KEY = new Set(["CreateKey", "ListKeys", "ListAliases", "GenerateRandom", "ListRetirableGrants"]);

/**
 * The members of a KMS request the describer reads, each checked for its type: the edge validated
 * the request against the model, but the describer takes every operation's input (and a further
 * call's, which its caller built), so it trusts nothing it has not looked at.
 */
interface RequestView {
  KeyId?: string;
  SourceKeyId?: string;
  DestinationKeyId?: string;
  TargetKeyId?: string;
  AliasName?: string;
  CiphertextBlob?: string;
  EncryptionContext?: Record<string, string>;
  KeySpec?: string;
  KeyUsage?: string;
  Origin?: string;
  MultiRegion?: boolean;
  BypassPolicyLockoutSafetyCheck?: boolean;
  Tags?: { TagKey?: string; TagValue?: string }[];
  TagKeys?: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" ? v : undefined);
const flag = (v: unknown) => (typeof v === "boolean" ? v : undefined);
const texts = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

function requestView(input: unknown): RequestView {
  const r = isRecord(input) ? input : {};
  return {
    KeyId: text(r.KeyId),
    SourceKeyId: text(r.SourceKeyId),
    DestinationKeyId: text(r.DestinationKeyId),
    TargetKeyId: text(r.TargetKeyId),
    AliasName: text(r.AliasName),
    CiphertextBlob: text(r.CiphertextBlob),
    // ReEncrypt's conditions are its source's (kms:EncryptionContext of the ciphertext it opens)
    EncryptionContext: stringMap(r.EncryptionContext ?? r.SourceEncryptionContext),
    KeySpec: text(r.KeySpec) ?? text(r.CustomerMasterKeySpec),
    KeyUsage: text(r.KeyUsage),
    Origin: text(r.Origin),
    MultiRegion: flag(r.MultiRegion),
    BypassPolicyLockoutSafetyCheck: flag(r.BypassPolicyLockoutSafetyCheck),
    Tags: Array.isArray(r.Tags) ? r.Tags.filter(isRecord).map((t) => ({ TagKey: text(t.TagKey), TagValue: text(t.TagValue) })) : undefined,
    TagKeys: texts(r.TagKeys),
  };
}

function requestKeys(ctx: CallContext, operation: string, input: RequestView): Record<string, ContextValue | undefined> {
  const keys: Record<string, ContextValue | undefined> = { "kms:CallerAccount": ctx.accountId };
  const context = input.EncryptionContext;
  if (context) {
    for (const [k, v] of Object.entries(context)) keys[`kms:EncryptionContext:${k}`] = v;
    keys["kms:EncryptionContextKeys"] = Object.keys(context);
  }
  if (input.KeyId?.includes("alias/")) keys["kms:RequestAlias"] = input.KeyId.slice(input.KeyId.indexOf("alias/"));
  if (operation === "CreateKey") {
    keys["kms:KeySpec"] = input.KeySpec ?? "SYMMETRIC_DEFAULT";
    keys["kms:KeyUsage"] = input.KeyUsage ?? "ENCRYPT_DECRYPT";
    keys["kms:KeyOrigin"] = input.Origin ?? "AWS_KMS";
    keys["kms:MultiRegion"] = input.MultiRegion ?? false;
    keys["kms:BypassPolicyLockoutSafetyCheck"] = input.BypassPolicyLockoutSafetyCheck ?? false;
  }
  if (operation === "CreateKey" || operation === "TagResource" || operation === "UntagResource") {
    const tags = input.Tags?.map((t) => ({ Key: t.TagKey, Value: t.TagValue }));
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
  return async (ctx, operation, raw: unknown) => {
    const action = `kms:${operation}`;
    const input = requestView(raw);
    const conditions = requestKeys(ctx, operation, input);
    const resolve = async (ref: string | undefined, asAction = action): Promise<AccessRequest> => {
      if (ref === undefined) return { action: asAction, resource: "*", resourceAccount: ctx.accountId, conditions };
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
      const blob = input.CiphertextBlob === undefined ? undefined : decodeCiphertext(Buffer.from(input.CiphertextBlob, "base64"));
      const source = await resolve(input.KeyId ?? input.SourceKeyId ?? blob?.keyId, operation === "ReEncrypt" ? "kms:ReEncryptFrom" : action);
      if (operation === "Decrypt") return [source];
      return [source, await resolve(input.DestinationKeyId, "kms:ReEncryptTo")];
    }
    if (operation === "CreateAlias" || operation === "UpdateAlias") return [await resolve(input.TargetKeyId)];
    if (operation === "DeleteAlias") {
      return [{ action, resource: kmsArn(ctx.partition, ctx.region, ctx.accountId, `${input.AliasName}`), resourceAccount: ctx.accountId, conditions }];
    }
    return [await resolve(input.KeyId)];
  };
}
