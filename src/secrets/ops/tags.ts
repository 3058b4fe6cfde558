// TagResource and UntagResource. Tags replicate with the secret, so they change its revision.

import { invalidParameter } from "../../contract/service-error.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { Tag } from "../../contract/secret-types.js";
import type * as SM from "../../generated/secretsmanager-api.js";
import type { SecretsCore } from "../secrets-core.js";

const MAX_TAGS = 50;

/** A request's tag once checked. The model leaves Value optional too: a missing one is stored as "". */
type KeyedTag = SM.Tag & { Key: string };

/** Refuses tags AWS refuses; those that pass all have a key. */
export function checkTags(tags: SM.Tag[]): asserts tags is KeyedTag[] {
  if (tags.length > MAX_TAGS) throw invalidParameter(`Number of tags exceeds the limit of ${MAX_TAGS}.`);
  for (const t of tags) {
    // Tag.Key is optional in the model, so the validator lets a keyless tag through.
    if (t.Key === undefined) throw invalidParameter("You must specify a key for every tag.");
    if (t.Key.toLowerCase().startsWith("aws:")) {
      throw invalidParameter("Invalid tag key. You can't use the prefix \"aws:\" in a tag key.");
    }
  }
}

/** A checked tag as the secret keeps it (a value-less tag's Value would otherwise be missing, not ""). */
export const storedTag = (t: KeyedTag): Tag => ({ Key: t.Key, Value: t.Value ?? "" });

function mergeTags(current: Tag[], added: KeyedTag[]): Tag[] {
  const byKey = new Map(current.map((t) => [t.Key, t.Value]));
  for (const t of added) byKey.set(t.Key, t.Value ?? "");
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

export function tagOps(core: SecretsCore): OperationTable<SM.SecretsManagerOperations> {
  async function tagResource(ctx: CallContext, input: SM.TagResourceRequest): Promise<Record<string, never>> {
    const added = input.Tags;
    checkTags(added);
    return core.update(ctx, input.SecretId, async (record) => {
      const tags = mergeTags(record.tags, added);
      checkTags(tags);
      return { record: { ...record, tags, tagsSet: true, lastChangedDate: core.clock.now() }, result: {} };
    });
  }

  async function untagResource(ctx: CallContext, input: SM.UntagResourceRequest): Promise<Record<string, never>> {
    const keys = new Set(input.TagKeys);
    return core.update(ctx, input.SecretId, async (record) => ({
      record: {
        ...record,
        tags: record.tags.filter((t) => !keys.has(t.Key)),
        tagsSet: record.tagsSet || record.tags.length > 0 || undefined,
        lastChangedDate: core.clock.now(),
      },
      result: {},
    }));
  }

  return { TagResource: tagResource, UntagResource: untagResource };
}
