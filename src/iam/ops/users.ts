// IAM users: CreateUser (with a permissions boundary when given), GetUser (the caller when no name
// is given), ListUsers, DeleteUser (refused while the user still has access keys, policies or
// groups, as IAM refuses it).

import type { IamUser } from "../../contract/identity-types.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { IamOperations, User } from "../../generated/iam-api.js";
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
} from "../iam-common.js";
import { requireBoundary } from "./boundaries.js";
import { rootArn } from "../../util/arn.js";

/** The user a call without UserName means: the caller, who must be an IAM user (or the root, for GetUser). */
export function callerUserName(ctx: CallContext): string | undefined {
  return ctx.principal?.type === "User" ? ctx.principal.username : undefined;
}

export const nonUserCaller = () => validationError("Must specify userName when calling with non-User credentials");

/**
 * The root user as GetUser describes it: no Path or UserName, the account id as its UserId. IAM
 * answers so although the model marks both members required, hence the one assertion.
 */
const rootUserOut = (ctx: CallContext, createDate: number): User => {
  const root: Omit<User, "Path" | "UserName"> = { UserId: ctx.accountId, Arn: rootArn(ctx.partition, ctx.accountId), CreateDate: asDate(createDate) };
  return root as User;
};

export function userOperations(deps: IamDeps): OperationTable<IamOperations> {
  return {
    async CreateUser(ctx, input) {
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

    async GetUser(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const name = input.UserName ?? callerUserName(ctx);
      if (name !== undefined) return { User: userOut(requireEntity(dir, ctx.accountId, "user", name)) };
      if (ctx.principal?.type !== "Root" && ctx.principal !== undefined) throw nonUserCaller();
      const account = dir.get(ctx.accountId, "account", ctx.accountId);
      return { User: rootUserOut(ctx, account?.createDate ?? deps.clock.now()) };
    },

    async ListUsers(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const users = dir.list(ctx.accountId, "user").filter(byPathPrefix(input.PathPrefix));
      const { items, ...rest } = page(users, input, (u) => u.name.toLowerCase());
      return { Users: items.map((u) => userOut(u, false)), ...rest };
    },

    async DeleteUser(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const user = requireEntity(dir, ctx.accountId, "user", input.UserName);
        if (user.loginProfile) throw deleteConflict("Cannot delete entity, must delete login profile first.");
        if (dir.accessKeys(ctx.accountId, user.name).length > 0) throw deleteConflict("Cannot delete entity, must delete access keys first.");
        if (Object.keys(user.inlinePolicies).length > 0) throw deleteConflict("Cannot delete entity, must delete policies first.");
        if (user.attachedPolicies.length > 0) throw deleteConflict("Cannot delete entity, must detach all policies first.");
        if (user.groups.length > 0) throw deleteConflict("Cannot delete entity, must remove user from all groups first.");
        return { change: { remove: [user] }, result: {} };
      });
    },
  };
}
