// Managed policies attached to users, groups and roles: Attach/Detach/ListAttached{User,Group,Role}
// Policies. Only the account's own customer managed policies can be attached; at most ten each.

import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { IamManagedPolicy } from "../../contract/identity-types.js";
import type { IamOperations, ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse } from "../../generated/iam-api.js";
import { policyNotAttachable, policyNotFound, quota, type EntityKind } from "../iam-errors.js";
import { directoryOf, page, requireEntity, type IamDeps } from "../iam-common.js";
import { policyByArn } from "./policies.js";

const POLICIES_PER_ENTITY = 10;
const Prefix = { user: "User", group: "Group", role: "Role" } as const;

/** What the three ListAttached…Policies take besides the entity's name (the same for each kind). */
type ListInput = Omit<ListAttachedUserPoliciesRequest, "UserName">;

/** The three calls for one kind of entity, each given the entity's name from its own input member. */
function attachments(deps: IamDeps, kind: EntityKind) {
  const P = Prefix[kind];
  return {
    attach(ctx: CallContext, name: string, policyArn: string) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, name);
        if (!policyByArn(dir, ctx, policyArn)) throw policyNotAttachable(policyArn);
        if (entity.attachedPolicies.includes(policyArn)) return { change: {}, result: {} };
        if (entity.attachedPolicies.length >= POLICIES_PER_ENTITY) throw quota(`PoliciesPer${P}`, POLICIES_PER_ENTITY);
        return { change: { put: [{ ...entity, attachedPolicies: [...entity.attachedPolicies, policyArn] }] }, result: {} };
      });
    },

    detach(ctx: CallContext, name: string, policyArn: string) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, name);
        if (!entity.attachedPolicies.includes(policyArn)) throw policyNotFound(policyArn);
        return { change: { put: [{ ...entity, attachedPolicies: entity.attachedPolicies.filter((a) => a !== policyArn) }] }, result: {} };
      });
    },

    async list(ctx: CallContext, name: string, input: ListInput): Promise<ListAttachedUserPoliciesResponse> {
      const dir = directoryOf(deps, ctx);
      const entity = requireEntity(dir, ctx.accountId, kind, name);
      const attached = entity.attachedPolicies
        .map((arn) => policyByArn(dir, ctx, arn))
        .filter((p): p is IamManagedPolicy => p !== undefined)
        .filter((p) => input.PathPrefix === undefined || p.path.startsWith(input.PathPrefix));
      const { items, ...rest } = page(attached, input, (p) => p.name.toLowerCase());
      return { AttachedPolicies: items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })), ...rest };
    },
  };
}

export function attachedPolicyOperations(deps: IamDeps): OperationTable<IamOperations> {
  const [user, group, role] = [attachments(deps, "user"), attachments(deps, "group"), attachments(deps, "role")];
  return {
    AttachUserPolicy: (ctx, input) => user.attach(ctx, input.UserName, input.PolicyArn),
    DetachUserPolicy: (ctx, input) => user.detach(ctx, input.UserName, input.PolicyArn),
    ListAttachedUserPolicies: (ctx, input) => user.list(ctx, input.UserName, input),
    AttachGroupPolicy: (ctx, input) => group.attach(ctx, input.GroupName, input.PolicyArn),
    DetachGroupPolicy: (ctx, input) => group.detach(ctx, input.GroupName, input.PolicyArn),
    ListAttachedGroupPolicies: (ctx, input) => group.list(ctx, input.GroupName, input),
    AttachRolePolicy: (ctx, input) => role.attach(ctx, input.RoleName, input.PolicyArn),
    DetachRolePolicy: (ctx, input) => role.detach(ctx, input.RoleName, input.PolicyArn),
    ListAttachedRolePolicies: (ctx, input) => role.list(ctx, input.RoleName, input),
  };
}
