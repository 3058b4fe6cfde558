// Tags on users and roles: Tag/Untag/List{User,Role}Tags. Tag keys are case-insensitive, at most
// fifty per entity; a user's tags are its aws:PrincipalTag/* keys in every policy evaluation.

import type { OperationTable } from "../../contract/call-context.js";
import { directoryOf, mergeTags, page, requireEntity, type IamDeps, type PageInput } from "../iam-common.js";

const Prefix = { user: "User", role: "Role" } as const;

function tagOperations(deps: IamDeps, kind: "user" | "role"): OperationTable {
  const P = Prefix[kind];
  const nameOf = (input: object) => (input as Record<string, string>)[`${P}Name`]!;

  return {
    async [`Tag${P}`](ctx, input: { Tags: { Key: string; Value: string }[] }) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, nameOf(input));
        return { change: { put: [{ ...entity, tags: mergeTags(entity.tags, input.Tags, `TagsPer${P}`) }] }, result: {} };
      });
    },

    async [`Untag${P}`](ctx, input: { TagKeys: string[] }) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, nameOf(input));
        const removed = new Set(input.TagKeys.map((k) => k.toLowerCase()));
        return { change: { put: [{ ...entity, tags: entity.tags.filter((t) => !removed.has(t.Key.toLowerCase())) }] }, result: {} };
      });
    },

    async [`List${P}Tags`](ctx, input: PageInput) {
      const entity = requireEntity(directoryOf(deps, ctx), ctx.accountId, kind, nameOf(input));
      const { items, ...rest } = page(entity.tags, input, (t) => t.Key.toLowerCase());
      return { Tags: items, ...rest };
    },
  };
}

export function entityTagOperations(deps: IamDeps): OperationTable {
  return { ...tagOperations(deps, "user"), ...tagOperations(deps, "role") };
}
