// Inline policies of users, groups and roles: Put/Get/List/Delete{User,Group,Role}Policy. One table
// of operations per entity kind; IAM's quota is on all of an entity's inline policies together.

import type { OperationTable } from "../../contract/call-context.js";
import type { EntityKind } from "../iam-errors.js";
import { inlinePolicyNotFound, limitExceeded } from "../iam-errors.js";
import { checkDocument, directoryOf, encodeDocument, page, policySize, requireEntity, type IamDeps, type PageInput } from "../iam-common.js";

/** Aggregate inline policy size per entity, white space not counted. */
const INLINE_QUOTA: Record<EntityKind, number> = { user: 2048, group: 5120, role: 10240 };
const Prefix = { user: "User", group: "Group", role: "Role" } as const;

function inlineOperations(deps: IamDeps, kind: EntityKind): OperationTable {
  const P = Prefix[kind];
  const nameMember = `${P}Name`;
  const nameOf = (input: Record<string, unknown>) => input[nameMember] as string;

  return {
    async [`Put${P}Policy`](ctx, input: { PolicyName: string; PolicyDocument: string }) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, nameOf(input));
        const others = Object.entries(entity.inlinePolicies).filter(([name]) => name !== input.PolicyName);
        const used = others.reduce((n, [, text]) => n + policySize(text), 0);
        const quota = INLINE_QUOTA[kind];
        checkDocument(input.PolicyDocument, "identity", quota - used, () =>
          limitExceeded(`Maximum policy size of ${quota} bytes exceeded for ${kind} ${entity.name}`),
        );
        const updated = { ...entity, inlinePolicies: { ...entity.inlinePolicies, [input.PolicyName]: input.PolicyDocument } };
        return { change: { put: [updated] }, result: {} };
      });
    },

    async [`Get${P}Policy`](ctx, input: { PolicyName: string }) {
      const entity = requireEntity(directoryOf(deps, ctx), ctx.accountId, kind, nameOf(input));
      if (!Object.hasOwn(entity.inlinePolicies, input.PolicyName)) throw inlinePolicyNotFound(kind, input.PolicyName);
      return { [nameMember]: entity.name, PolicyName: input.PolicyName, PolicyDocument: encodeDocument(entity.inlinePolicies[input.PolicyName]!) };
    },

    async [`List${P}Policies`](ctx, input: PageInput) {
      const entity = requireEntity(directoryOf(deps, ctx), ctx.accountId, kind, nameOf(input as Record<string, unknown>));
      const { items, ...rest } = page(Object.keys(entity.inlinePolicies), input, (name) => name);
      return { PolicyNames: items, ...rest };
    },

    async [`Delete${P}Policy`](ctx, input: { PolicyName: string }) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const entity = requireEntity(dir, ctx.accountId, kind, nameOf(input));
        if (!Object.hasOwn(entity.inlinePolicies, input.PolicyName)) throw inlinePolicyNotFound(kind, input.PolicyName);
        const { [input.PolicyName]: _, ...rest } = entity.inlinePolicies;
        return { change: { put: [{ ...entity, inlinePolicies: rest }] }, result: {} };
      });
    },
  };
}

export function inlinePolicyOperations(deps: IamDeps): OperationTable {
  return { ...inlineOperations(deps, "user"), ...inlineOperations(deps, "group"), ...inlineOperations(deps, "role") };
}
