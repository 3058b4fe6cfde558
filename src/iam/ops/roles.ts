// IAM roles: CreateRole with its trust policy (AssumeRolePolicyDocument, checked as a trust policy)
// and a permissions boundary when given, GetRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy,
// DeleteRole. STS AssumeRole reads them.

import type { IamRole } from "../../contract/identity-types.js";
import type { OperationTable } from "../../contract/call-context.js";
import type { IamOperations } from "../../generated/iam-api.js";
import { deleteConflict, entityExists, quota } from "../iam-errors.js";
import {
  byPathPrefix,
  checkDocument,
  directoryOf,
  findEntity,
  newPrincipalEntity,
  page,
  requireEntity,
  roleOut,
  tagsOf,
  type IamDeps,
} from "../iam-common.js";
import { requireBoundary } from "./boundaries.js";

/** IAM's quota on a trust policy, white space not counted. */
const TRUST_POLICY_SIZE = 2048;
const DEFAULT_MAX_SESSION_DURATION = 3600;

const checkTrust = (text: string) => checkDocument(text, "trust", TRUST_POLICY_SIZE, () => quota("ACLSizePerRole", TRUST_POLICY_SIZE));

export function roleOperations(deps: IamDeps): OperationTable<IamOperations> {
  return {
    async CreateRole(ctx, input) {
      checkTrust(input.AssumeRolePolicyDocument);
      const tags = tagsOf(input, "TagsPerRole");
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        if (findEntity(dir, ctx.accountId, "role", input.RoleName)) throw entityExists("role", input.RoleName);
        const boundary = input.PermissionsBoundary === undefined ? undefined : requireBoundary(dir, ctx, input.PermissionsBoundary);
        const role: IamRole = {
          kind: "role",
          ...newPrincipalEntity(ctx, "role", input.RoleName, input.Path, deps.clock.now()),
          tags,
          assumeRolePolicyDocument: input.AssumeRolePolicyDocument,
          maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(boundary !== undefined ? { permissionsBoundary: boundary } : {}),
        };
        return { change: { put: [role] }, result: { Role: roleOut(role, "create") } };
      });
    },

    async GetRole(ctx, input) {
      return { Role: roleOut(requireEntity(directoryOf(deps, ctx), ctx.accountId, "role", input.RoleName), "get") };
    },

    async ListRoles(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const roles = dir.list(ctx.accountId, "role").filter(byPathPrefix(input.PathPrefix));
      const { items, ...rest } = page(roles, input, (r) => r.name.toLowerCase());
      return { Roles: items.map((r) => roleOut(r, "list")), ...rest };
    },

    async UpdateRole(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const role = requireEntity(dir, ctx.accountId, "role", input.RoleName);
        const updated: IamRole = {
          ...role,
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(input.MaxSessionDuration !== undefined ? { maxSessionDuration: input.MaxSessionDuration } : {}),
        };
        return { change: { put: [updated] }, result: {} };
      });
    },

    async UpdateAssumeRolePolicy(ctx, input) {
      checkTrust(input.PolicyDocument);
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const role = requireEntity(dir, ctx.accountId, "role", input.RoleName);
        return { change: { put: [{ ...role, assumeRolePolicyDocument: input.PolicyDocument }] }, result: {} };
      });
    },

    async DeleteRole(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const role = requireEntity(dir, ctx.accountId, "role", input.RoleName);
        if (Object.keys(role.inlinePolicies).length > 0) throw deleteConflict("Cannot delete entity, must delete policies first.");
        if (role.attachedPolicies.length > 0) throw deleteConflict("Cannot delete entity, must detach all policies first.");
        return { change: { remove: [role] }, result: {} };
      });
    },
  };
}
