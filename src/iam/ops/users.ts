// IAM users: CreateUser (with a permissions boundary when given), GetUser (the caller when no name
// is given), ListUsers, DeleteUser (refused while the user still has access keys, policies or
// groups, as IAM refuses it).

import type { IamUser } from "../../contract/identity-types.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import { deleteConflict, entityExists, validationError } from "../iam-errors.js";
import {
  asDate,
  byPathPrefix,
  directoryOf,
  findEntity,
  newPrincipalEntity,
  page,
  requireEntity,
  tagsOf,
  userOut,
  type IamDeps,
  type PageInput,
} from "../iam-common.js";
import { requireBoundary } from "./boundaries.js";
import { rootArn } from "../../util/arn.js";

interface CreateUserInput {
  UserName: string;
  Path?: string;
  PermissionsBoundary?: string;
  Tags?: { Key: string; Value: string }[];
}

/** The user a call without UserName means: the caller, who must be an IAM user (or the root, for GetUser). */
export function callerUserName(ctx: CallContext): string | undefined {
  return ctx.principal?.type === "User" ? ctx.principal.username : undefined;
}

export const nonUserCaller = () => validationError("Must specify userName when calling with non-User credentials");

export function userOperations(deps: IamDeps): OperationTable {
  return {
    async CreateUser(ctx, input: CreateUserInput) {
      const dir = directoryOf(deps, ctx);
      const tags = tagsOf(input, "TagsPerUser");
      return dir.change(() => {
        if (findEntity(dir, ctx.accountId, "user", input.UserName)) throw entityExists("user", input.UserName);
        const boundary = input.PermissionsBoundary === undefined ? undefined : requireBoundary(dir, ctx, input.PermissionsBoundary);
        const user: IamUser = {
          kind: "user",
          ...newPrincipalEntity(ctx, "user", input.UserName, input.Path, deps.clock.now()),
          tags,
          groups: [],
          ...(boundary !== undefined ? { permissionsBoundary: boundary } : {}),
        };
        return { change: { put: [user] }, result: { User: userOut(user) } };
      });
    },

    async GetUser(ctx, input: { UserName?: string }) {
      const dir = directoryOf(deps, ctx);
      const name = input.UserName ?? callerUserName(ctx);
      if (name !== undefined) return { User: userOut(requireEntity(dir, ctx.accountId, "user", name)) };
      if (ctx.principal?.type !== "Root" && ctx.principal !== undefined) throw nonUserCaller();
      // The root user, as IAM describes it: no name or path, the account id as its id.
      const account = dir.get(ctx.accountId, "account", ctx.accountId);
      return {
        User: {
          UserId: ctx.accountId,
          Arn: rootArn(ctx.partition, ctx.accountId),
          CreateDate: asDate(account?.createDate ?? deps.clock.now()),
        },
      };
    },

    async ListUsers(ctx, input: PageInput & { PathPrefix?: string }) {
      const dir = directoryOf(deps, ctx);
      const users = dir.list(ctx.accountId, "user").filter(byPathPrefix(input.PathPrefix));
      const { items, ...rest } = page(users, input, (u) => u.name.toLowerCase());
      return { Users: items.map((u) => userOut(u, false)), ...rest };
    },

    async DeleteUser(ctx, input: { UserName: string }) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const user = requireEntity(dir, ctx.accountId, "user", input.UserName);
        if (dir.accessKeys(ctx.accountId, user.name).length > 0) throw deleteConflict("Cannot delete entity, must delete access keys first.");
        if (Object.keys(user.inlinePolicies).length > 0) throw deleteConflict("Cannot delete entity, must delete policies first.");
        if (user.attachedPolicies.length > 0) throw deleteConflict("Cannot delete entity, must detach all policies first.");
        if (user.groups.length > 0) throw deleteConflict("Cannot delete entity, must remove user from all groups first.");
        return { change: { remove: [user] }, result: {} };
      });
    },
  };
}
