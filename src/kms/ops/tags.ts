// TagResource, UntagResource, ListResourceTags for KMS keys.

import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { KeyRecord } from "../../contract/kms-types.js";
import { tagError } from "../kms-errors.js";
import { callerKey, customerKey, notPendingDeletion } from "./key-access.js";
import { markerPage } from "./render.js";
import type { KmsDeps } from "./kms-deps.js";

type KmsTag = KeyRecord["tags"][number];
const MAX_TAGS = 50;

/** The tags a key has after adding `added`, or the TagException AWS gives. */
export function checkNewTags(current: KmsTag[], added: KmsTag[]): KmsTag[] {
  if (new Set(added.map((t) => t.TagKey)).size !== added.length) throw tagError("Duplicate tag keys");
  if (added.some((t) => t.TagKey.toLowerCase().startsWith("aws:"))) throw tagError("Tags beginning with aws: are reserved");
  const byKey = new Map(current.map((t) => [t.TagKey, t.TagValue]));
  for (const t of added) byKey.set(t.TagKey, t.TagValue);
  if (byKey.size > MAX_TAGS) throw tagError("Too many tags");
  return [...byKey].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

export function tagOps({ keys }: KmsDeps): OperationTable {
  return {
    async TagResource(ctx: CallContext, input: any) {
      const key = notPendingDeletion(await customerKey(keys, ctx, input.KeyId, "TagResource"));
      await keys.putKey({ ...key, tags: checkNewTags(key.tags, input.Tags) });
      return {};
    },
    async UntagResource(ctx: CallContext, input: any) {
      const key = notPendingDeletion(await customerKey(keys, ctx, input.KeyId, "UntagResource"));
      const drop = new Set<string>(input.TagKeys);
      await keys.putKey({ ...key, tags: key.tags.filter((t) => !drop.has(t.TagKey)) });
      return {};
    },
    async ListResourceTags(ctx: CallContext, input: any) {
      const key = await callerKey(keys, ctx, input.KeyId, "ListResourceTags");
      const { page, Truncated, NextMarker } = markerPage(key.tags, input.Limit, input.Marker);
      return { Tags: page, Truncated, NextMarker };
    },
  };
}
