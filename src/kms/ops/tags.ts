// TagResource, UntagResource, ListResourceTags for KMS keys.

import type { OperationTable } from "../../contract/call-context.js";
import type { KmsOperations, ListResourceTagsResponse, Tag } from "../../generated/kms-api.js";
import { tagError } from "../kms-errors.js";
import { callerKey, customerKey, notPendingDeletion } from "./key-access.js";
import { markerPage } from "./render.js";
import type { KmsDeps } from "./kms-deps.js";

const MAX_TAGS = 50;

/** The tags a key has after adding `added`, or the TagException AWS gives. */
export function checkNewTags(current: Tag[], added: Tag[]): Tag[] {
  if (new Set(added.map((t) => t.TagKey)).size !== added.length) throw tagError("Duplicate tag keys");
  if (added.some((t) => t.TagKey.toLowerCase().startsWith("aws:"))) throw tagError("Tags beginning with aws: are reserved");
  const byKey = new Map(current.map((t) => [t.TagKey, t.TagValue]));
  for (const t of added) byKey.set(t.TagKey, t.TagValue);
  if (byKey.size > MAX_TAGS) throw tagError("Too many tags");
  return [...byKey].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

export function tagOps({ keys }: KmsDeps): OperationTable<KmsOperations> {
  return {
    async TagResource(ctx, input) {
      const key = notPendingDeletion(await customerKey(keys, ctx, input.KeyId, "TagResource"));
      await keys.putKey({ ...key, tags: checkNewTags(key.tags, input.Tags) });
      return {};
    },
    async UntagResource(ctx, input) {
      const key = notPendingDeletion(await customerKey(keys, ctx, input.KeyId, "UntagResource"));
      const drop = new Set(input.TagKeys);
      await keys.putKey({ ...key, tags: key.tags.filter((t) => !drop.has(t.TagKey)) });
      return {};
    },
    async ListResourceTags(ctx, input): Promise<ListResourceTagsResponse> {
      const key = await callerKey(keys, ctx, input.KeyId, "ListResourceTags");
      const { page, Truncated, NextMarker } = markerPage(key.tags, input.Limit, input.Marker);
      return { Tags: page, Truncated, NextMarker };
    },
  };
}
