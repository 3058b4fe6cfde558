// IAM groups and membership: CreateGroup, GetGroup (with its users), ListGroups, DeleteGroup,
// AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser. Membership is kept on the user.

import type { IamGroup } from "../../contract/identity-types.js";
import type { OperationTable } from "../../contract/call-context.js";
import type { IamOperations } from "../../generated/iam-api.js";
import { deleteConflict, entityExists, entityNotFound, quota } from "../iam-errors.js";
import {
  byPathPrefix,
  directoryOf,
  findEntity,
  groupOut,
  newPrincipalEntity,
  page,
  requireEntity,
  userOut,
  type IamDeps,
} from "../iam-common.js";

const GROUPS_PER_USER = 10;

export function groupOperations(deps: IamDeps): OperationTable<IamOperations> {
  return {
    async CreateGroup(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        if (findEntity(dir, ctx.accountId, "group", input.GroupName)) throw entityExists("group", input.GroupName);
        const group: IamGroup = {
          kind: "group",
          ...newPrincipalEntity(ctx, "group", input.GroupName, input.Path, deps.clock.now()),
        };
        return { change: { put: [group] }, result: { Group: groupOut(group) } };
      });
    },

    async GetGroup(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const group = requireEntity(dir, ctx.accountId, "group", input.GroupName);
      const members = dir.list(ctx.accountId, "user").filter((u) => u.groups.includes(group.name));
      const { items, ...rest } = page(members, input, (u) => u.name.toLowerCase());
      return { Group: groupOut(group), Users: items.map((u) => userOut(u, false)), ...rest };
    },

    async ListGroups(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const groups = dir.list(ctx.accountId, "group").filter(byPathPrefix(input.PathPrefix));
      const { items, ...rest } = page(groups, input, (g) => g.name.toLowerCase());
      return { Groups: items.map(groupOut), ...rest };
    },

    async DeleteGroup(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const group = requireEntity(dir, ctx.accountId, "group", input.GroupName);
        if (dir.list(ctx.accountId, "user").some((u) => u.groups.includes(group.name))) {
          throw deleteConflict("Cannot delete entity, must remove users from group first.");
        }
        if (Object.keys(group.inlinePolicies).length > 0) throw deleteConflict("Cannot delete entity, must delete policies first.");
        if (group.attachedPolicies.length > 0) throw deleteConflict("Cannot delete entity, must detach all policies first.");
        return { change: { remove: [group] }, result: {} };
      });
    },

    async AddUserToGroup(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const group = requireEntity(dir, ctx.accountId, "group", input.GroupName);
        const user = requireEntity(dir, ctx.accountId, "user", input.UserName);
        if (user.groups.includes(group.name)) return { change: {}, result: {} };
        if (user.groups.length >= GROUPS_PER_USER) throw quota("GroupsPerUser", GROUPS_PER_USER);
        return { change: { put: [{ ...user, groups: [...user.groups, group.name] }] }, result: {} };
      });
    },

    async RemoveUserFromGroup(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const group = requireEntity(dir, ctx.accountId, "group", input.GroupName);
        const user = requireEntity(dir, ctx.accountId, "user", input.UserName);
        if (!user.groups.includes(group.name)) throw entityNotFound("user", input.UserName);
        return { change: { put: [{ ...user, groups: user.groups.filter((g) => g !== group.name) }] }, result: {} };
      });
    },

    async ListGroupsForUser(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const user = requireEntity(dir, ctx.accountId, "user", input.UserName);
      const groups = user.groups.map((g) => dir.get(ctx.accountId, "group", g)).filter((g): g is IamGroup => g !== undefined);
      const { items, ...rest } = page(groups, input, (g) => g.name.toLowerCase());
      return { Groups: items.map(groupOut), ...rest };
    },
  };
}
