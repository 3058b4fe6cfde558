// Permissions boundaries (IAM UG "Permissions boundaries for IAM entities"): a customer managed
// policy set on a user or role as the most its identity-based policies may grant.
// PutUserPermissionsBoundary, DeleteUserPermissionsBoundary, PutRolePermissionsBoundary,
// DeleteRolePermissionsBoundary; CreateUser and CreateRole check theirs with requireBoundary.

import type { PartitionDirectory } from "../../identity/directory.js";
import type { IamRole, IamUser } from "../../contract/identity-types.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { IamOperations } from "../../generated/iam-api.js";
import { policyNotAttachable } from "../iam-errors.js";
import { directoryOf, requireEntity, type IamDeps } from "../iam-common.js";
import { policyByArn } from "./policies.js";

/**
 * The boundary a call names: a managed policy of the account. Any other ARN (AWS managed policies
 * included, which Meridian does not have) is NoSuchEntity, as attaching it would be.
 */
export function requireBoundary(dir: PartitionDirectory, ctx: CallContext, arn: string): string {
  if (!policyByArn(dir, ctx, arn)) throw policyNotAttachable(arn);
  return arn;
}

/** The entity with this boundary, or with none. */
function withBoundary<E extends IamUser | IamRole>(entity: E, arn: string | undefined): E {
  const { permissionsBoundary: _old, ...rest } = entity;
  return (arn === undefined ? rest : { ...rest, permissionsBoundary: arn }) as E;
}

export function boundaryOperations(deps: IamDeps): OperationTable<IamOperations> {
  /** Put (with an ARN) or delete (without) the boundary of the user or role named. */
  const setBoundary = (ctx: CallContext, kind: "user" | "role", name: string, arn: string | undefined) => {
    const dir = directoryOf(deps, ctx);
    return dir.change(() => {
      const entity = requireEntity(dir, ctx.accountId, kind, name);
      const updated = withBoundary(entity, arn === undefined ? undefined : requireBoundary(dir, ctx, arn));
      return { change: { put: [updated] }, result: {} };
    });
  };
  return {
    PutUserPermissionsBoundary: (ctx, input) => setBoundary(ctx, "user", input.UserName, input.PermissionsBoundary),
    DeleteUserPermissionsBoundary: (ctx, input) => setBoundary(ctx, "user", input.UserName, undefined),
    PutRolePermissionsBoundary: (ctx, input) => setBoundary(ctx, "role", input.RoleName, input.PermissionsBoundary),
    DeleteRolePermissionsBoundary: (ctx, input) => setBoundary(ctx, "role", input.RoleName, undefined),
  };
}
