// Tags on users and roles: Tag/Untag/List{User,Role}Tags. Tag keys are case-insensitive, at most
// fifty per entity; a user's tags are its aws:PrincipalTag/* keys in every policy evaluation.

import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { IamOperations, ListUserTagsResponse, Tag } from "../../generated/iam-api.js";
import { directoryOf, mergeTags, page, requireEntity, type IamDeps, type PageInput } from "../iam-common.js";

const Prefix = { user: "User", role: "Role" } as const;

/** The three calls for one kind of entity, each given the entity's name from its own input member. */
function entityTags(deps: IamDeps, kind: "user" | "role") {
  const P = Prefix[kind];
  return {
    tag(ctx: CallContext, name: string, tags: Tag[]) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, name);
        return { change: { put: [{ ...entity, tags: mergeTags(entity.tags, tags, `TagsPer${P}`) }] }, result: {} };
      });
    },

    untag(ctx: CallContext, name: string, tagKeys: string[]) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, name);
        const removed = new Set(tagKeys.map((k) => k.toLowerCase()));
        return { change: { put: [{ ...entity, tags: entity.tags.filter((t) => !removed.has(t.Key.toLowerCase())) }] }, result: {} };
      });
    },

    async list(ctx: CallContext, name: string, input: PageInput): Promise<ListUserTagsResponse> {
      const entity = requireEntity(directoryOf(deps, ctx), ctx.accountId, kind, name);
      const { items, ...rest } = page(entity.tags, input, (t) => t.Key.toLowerCase());
      return { Tags: items, ...rest };
    },
  };
}

export function entityTagOperations(deps: IamDeps): OperationTable<IamOperations> {
  const [user, role] = [entityTags(deps, "user"), entityTags(deps, "role")];
  return {
    TagUser: (ctx, input) => user.tag(ctx, input.UserName, input.Tags),
    UntagUser: (ctx, input) => user.untag(ctx, input.UserName, input.TagKeys),
    ListUserTags: (ctx, input) => user.list(ctx, input.UserName, input),
    TagRole: (ctx, input) => role.tag(ctx, input.RoleName, input.Tags),
    UntagRole: (ctx, input) => role.untag(ctx, input.RoleName, input.TagKeys),
    ListRoleTags: (ctx, input) => role.list(ctx, input.RoleName, input),
  };
}
