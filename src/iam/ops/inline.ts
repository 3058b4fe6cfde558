// Inline policies of users, groups and roles: Put/Get/List/Delete{User,Group,Role}Policy. One set
// of calls per entity kind; IAM's quota is on all of an entity's inline policies together.

import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { GetUserPolicyResponse, IamOperations, ListUserPoliciesResponse, PutUserPolicyRequest } from "../../generated/iam-api.js";
import type { EntityKind } from "../iam-errors.js";
import { inlinePolicyNotFound, limitExceeded } from "../iam-errors.js";
import { checkDocument, directoryOf, encodeDocument, page, policySize, requireEntity, type IamDeps, type PageInput } from "../iam-common.js";

/** Aggregate inline policy size per entity, white space not counted. */
const INLINE_QUOTA: Record<EntityKind, number> = { user: 2048, group: 5120, role: 10240 };

/** An inline policy as Get…Policy answers, but for the entity's name, whose member differs by kind. */
type InlinePolicyOut = Omit<GetUserPolicyResponse, "UserName">;

/** The four calls for one kind of entity, each given the entity's name from its own input member. */
function inlinePolicies(deps: IamDeps, kind: EntityKind) {
  return {
    put(ctx: CallContext, name: string, input: Omit<PutUserPolicyRequest, "UserName">) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, name);
        const others = Object.entries(entity.inlinePolicies).filter(([policyName]) => policyName !== input.PolicyName);
        const used = others.reduce((n, [, text]) => n + policySize(text), 0);
        const quota = INLINE_QUOTA[kind];
        checkDocument(input.PolicyDocument, "identity", quota - used, () =>
          limitExceeded(`Maximum policy size of ${quota} bytes exceeded for ${kind} ${entity.name}`),
        );
        const updated = { ...entity, inlinePolicies: { ...entity.inlinePolicies, [input.PolicyName]: input.PolicyDocument } };
        return { change: { put: [updated] }, result: {} };
      });
    },

    /** The entity's own name (as stored, whatever case the caller used) and the policy. */
    get(ctx: CallContext, name: string, policyName: string): [entityName: string, policy: InlinePolicyOut] {
      const entity = requireEntity(directoryOf(deps, ctx), ctx.accountId, kind, name);
      if (!Object.hasOwn(entity.inlinePolicies, policyName)) throw inlinePolicyNotFound(kind, policyName);
      return [entity.name, { PolicyName: policyName, PolicyDocument: encodeDocument(entity.inlinePolicies[policyName]!) }];
    },

    async list(ctx: CallContext, name: string, input: PageInput): Promise<ListUserPoliciesResponse> {
      const entity = requireEntity(directoryOf(deps, ctx), ctx.accountId, kind, name);
      const { items, ...rest } = page(Object.keys(entity.inlinePolicies), input, (policyName) => policyName);
      return { PolicyNames: items, ...rest };
    },

    delete(ctx: CallContext, name: string, policyName: string) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, name);
        if (!Object.hasOwn(entity.inlinePolicies, policyName)) throw inlinePolicyNotFound(kind, policyName);
        const { [policyName]: _, ...rest } = entity.inlinePolicies;
        return { change: { put: [{ ...entity, inlinePolicies: rest }] }, result: {} };
      });
    },
  };
}

export function inlinePolicyOperations(deps: IamDeps): OperationTable<IamOperations> {
  const [user, group, role] = [inlinePolicies(deps, "user"), inlinePolicies(deps, "group"), inlinePolicies(deps, "role")];
  return {
    PutUserPolicy: (ctx, input) => user.put(ctx, input.UserName, input),
    GetUserPolicy: async (ctx, input) => {
      const [UserName, policy] = user.get(ctx, input.UserName, input.PolicyName);
      return { UserName, ...policy };
    },
    ListUserPolicies: (ctx, input) => user.list(ctx, input.UserName, input),
    DeleteUserPolicy: (ctx, input) => user.delete(ctx, input.UserName, input.PolicyName),
    PutGroupPolicy: (ctx, input) => group.put(ctx, input.GroupName, input),
    GetGroupPolicy: async (ctx, input) => {
      const [GroupName, policy] = group.get(ctx, input.GroupName, input.PolicyName);
      return { GroupName, ...policy };
    },
    ListGroupPolicies: (ctx, input) => group.list(ctx, input.GroupName, input),
    DeleteGroupPolicy: (ctx, input) => group.delete(ctx, input.GroupName, input.PolicyName),
    PutRolePolicy: (ctx, input) => role.put(ctx, input.RoleName, input),
    GetRolePolicy: async (ctx, input) => {
      const [RoleName, policy] = role.get(ctx, input.RoleName, input.PolicyName);
      return { RoleName, ...policy };
    },
    ListRolePolicies: (ctx, input) => role.list(ctx, input.RoleName, input),
    DeleteRolePolicy: (ctx, input) => role.delete(ctx, input.RoleName, input.PolicyName),
  };
}
