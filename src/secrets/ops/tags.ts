// TagResource and UntagResource. Tags replicate with the secret, so they change its revision.

import { invalidParameter } from "../../contract/service-error.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { Tag } from "../../contract/secret-types.js";
import type { SecretsCore } from "../secrets-core.js";

const MAX_TAGS = 50;

export function checkTags(tags: Tag[]): void {
  if (tags.length > MAX_TAGS) throw invalidParameter(`Number of tags exceeds the limit of ${MAX_TAGS}.`);
  for (const t of tags) {
    // Tag.Key is optional in the model, so the validator lets a keyless tag through.
    if (t.Key === undefined) throw invalidParameter("You must specify a key for every tag.");
    if (t.Key.toLowerCase().startsWith("aws:")) {
      throw invalidParameter("Invalid tag key. You can't use the prefix \"aws:\" in a tag key.");
    }
  }
}

export function mergeTags(current: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(current.map((t) => [t.Key, t.Value]));
  for (const t of added) byKey.set(t.Key, t.Value ?? "");
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

export function tagOps(core: SecretsCore): OperationTable {
  async function tagResource(ctx: CallContext, input: any) {
    checkTags(input.Tags);
    return core.update(ctx, input.SecretId, async (record) => {
      const tags = mergeTags(record.tags, input.Tags);
      checkTags(tags);
      return { record: { ...record, tags, tagsSet: true, lastChangedDate: core.clock.now() }, result: {} };
    });
  }

  async function untagResource(ctx: CallContext, input: any) {
    const keys = new Set<string>(input.TagKeys);
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
