// Managed policies attached to users, groups and roles: Attach/Detach/ListAttached{User,Group,Role}
// Policies. Only the account's own customer managed policies can be attached; at most ten each.

import type { OperationTable } from "../../contract/call-context.js";
import type { IamManagedPolicy } from "../../contract/identity-types.js";
import { policyNotAttachable, policyNotFound, quota, type EntityKind } from "../iam-errors.js";
import { directoryOf, page, requireEntity, type IamDeps, type PageInput } from "../iam-common.js";
import { policyByArn } from "./policies.js";

const POLICIES_PER_ENTITY = 10;
const Prefix = { user: "User", group: "Group", role: "Role" } as const;

function attachOperations(deps: IamDeps, kind: EntityKind): OperationTable {
  const P = Prefix[kind];
  const nameOf = (input: object) => (input as Record<string, string>)[`${P}Name`]!;

  return {
    async [`Attach${P}Policy`](ctx, input: { PolicyArn: string }) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, nameOf(input));
        if (!policyByArn(dir, ctx, input.PolicyArn)) throw policyNotAttachable(input.PolicyArn);
        if (entity.attachedPolicies.includes(input.PolicyArn)) return { change: {}, result: {} };
        if (entity.attachedPolicies.length >= POLICIES_PER_ENTITY) throw quota(`PoliciesPer${P}`, POLICIES_PER_ENTITY);
        return { change: { put: [{ ...entity, attachedPolicies: [...entity.attachedPolicies, input.PolicyArn] }] }, result: {} };
      });
    },

    async [`Detach${P}Policy`](ctx, input: { PolicyArn: string }) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, nameOf(input));
        if (!entity.attachedPolicies.includes(input.PolicyArn)) throw policyNotFound(input.PolicyArn);
        return { change: { put: [{ ...entity, attachedPolicies: entity.attachedPolicies.filter((a) => a !== input.PolicyArn) }] }, result: {} };
      });
    },

    async [`ListAttached${P}Policies`](ctx, input: PageInput & { PathPrefix?: string }) {
      const dir = directoryOf(deps, ctx);
      const entity = requireEntity(dir, ctx.accountId, kind, nameOf(input));
      const attached = entity.attachedPolicies
        .map((arn) => policyByArn(dir, ctx, arn))
        .filter((p): p is IamManagedPolicy => p !== undefined)
        .filter((p) => input.PathPrefix === undefined || p.path.startsWith(input.PathPrefix));
      const { items, ...rest } = page(attached, input, (p) => p.name.toLowerCase());
      return { AttachedPolicies: items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })), ...rest };
    },
  };
}

export function attachedPolicyOperations(deps: IamDeps): OperationTable {
  return { ...attachOperations(deps, "user"), ...attachOperations(deps, "group"), ...attachOperations(deps, "role") };
}
