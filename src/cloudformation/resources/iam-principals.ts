// AWS::IAM::User, Group and Role: the entity, then its inline policies (Policies), managed policies
// (ManagedPolicyArns), groups (a user's Groups) and tags, each kept in step on update by the
// differences; deleting undoes those first, as IAM refuses to delete an entity that has them.

import { asList, asString, difference, ignoringMissing, same, type Invoke, type Props, type ResourceHandler } from "./resource-types.js";

type Kind = "User" | "Group" | "Role";

interface InlinePolicy {
  PolicyName: string;
  PolicyDocument: unknown;
}

const nameProperty: Record<Kind, string> = { User: "UserName", Group: "GroupName", Role: "RoleName" };
const inline = (props: Props) => asList(props.Policies) as InlinePolicy[];
const managed = (props: Props) => asList(props.ManagedPolicyArns).map(String);
const iamTags = (props: Props) => asList(props.Tags) as { Key: string; Value: string }[];

async function sync(invoke: Invoke, kind: Kind, name: string, props: Props, old: Props) {
  const subject = { [nameProperty[kind]]: name };
  const p = difference(inline(old), inline(props));
  for (const gone of p.removed) {
    if (!p.added.some((a) => a.PolicyName === gone.PolicyName)) await ignoringMissing(invoke("iam", `Delete${kind}Policy`, { ...subject, PolicyName: gone.PolicyName }));
  }
  for (const put of p.added) await invoke("iam", `Put${kind}Policy`, { ...subject, PolicyName: put.PolicyName, PolicyDocument: asString(put.PolicyDocument) });
  const m = difference(managed(old), managed(props));
  for (const arn of m.removed) await ignoringMissing(invoke("iam", `Detach${kind}Policy`, { ...subject, PolicyArn: arn }));
  for (const arn of m.added) await invoke("iam", `Attach${kind}Policy`, { ...subject, PolicyArn: arn });
  if (kind === "User") {
    const g = difference(asList(old.Groups).map(String), asList(props.Groups).map(String));
    for (const group of g.removed) await ignoringMissing(invoke("iam", "RemoveUserFromGroup", { UserName: name, GroupName: group }));
    for (const group of g.added) await invoke("iam", "AddUserToGroup", { UserName: name, GroupName: group });
  }
  if (kind !== "Group") {
    const t = difference(iamTags(old), iamTags(props));
    const dropped = t.removed.map((x) => x.Key).filter((k) => !t.added.some((a) => a.Key === k));
    if (dropped.length) await invoke("iam", `Untag${kind}`, { ...subject, TagKeys: dropped });
    if (t.added.length) await invoke("iam", `Tag${kind}`, { ...subject, Tags: t.added });
  }
}

function principalHandler(kind: Kind): ResourceHandler {
  const nameOf = (props: Props, fallback: () => string) => asString(props[nameProperty[kind]]) ?? fallback();
  return {
    iam: { nameProperty: nameProperty[kind] },
    async create(ctx, props) {
      const name = nameOf(props, () => ctx.generatedName(kind === "Group" ? 128 : 64));
      const input: Record<string, unknown> = { [nameProperty[kind]]: name };
      if (props.Path !== undefined) input.Path = props.Path;
      if (props.PermissionsBoundary !== undefined) input.PermissionsBoundary = props.PermissionsBoundary;
      if (kind === "Role") {
        input.AssumeRolePolicyDocument = asString(props.AssumeRolePolicyDocument);
        if (props.Description !== undefined) input.Description = props.Description;
        if (props.MaxSessionDuration !== undefined) input.MaxSessionDuration = Number(props.MaxSessionDuration);
      }
      const out = await ctx.invoke("iam", `Create${kind}`, input);
      const entity = out[kind] as Props;
      await sync(ctx.invoke, kind, name, props, {});
      const attributes: Props = { Arn: entity.Arn };
      if (kind === "Role") attributes.RoleId = entity.RoleId;
      return { physicalId: name, attributes };
    },
    async update(ctx, props, old) {
      const name = old.state.physicalId;
      if (kind === "Role" && !same(props.AssumeRolePolicyDocument, old.props.AssumeRolePolicyDocument)) {
        await ctx.invoke("iam", "UpdateAssumeRolePolicy", { RoleName: name, PolicyDocument: asString(props.AssumeRolePolicyDocument) });
      }
      if (kind === "Role" && (!same(props.Description, old.props.Description) || !same(props.MaxSessionDuration, old.props.MaxSessionDuration))) {
        await ctx.invoke("iam", "UpdateRole", { RoleName: name, Description: asString(props.Description) ?? "", ...(props.MaxSessionDuration !== undefined ? { MaxSessionDuration: Number(props.MaxSessionDuration) } : {}) });
      }
      if (kind !== "Group" && !same(props.PermissionsBoundary, old.props.PermissionsBoundary)) {
        if (props.PermissionsBoundary === undefined) await ctx.invoke("iam", `Delete${kind}PermissionsBoundary`, { [nameProperty[kind]]: name });
        else await ctx.invoke("iam", `Put${kind}PermissionsBoundary`, { [nameProperty[kind]]: name, PermissionsBoundary: props.PermissionsBoundary });
      }
      await sync(ctx.invoke, kind, name, props, old.props);
      return old.state;
    },
    async delete(ctx, props, state) {
      const name = state.physicalId;
      try {
        await sync(ctx.invoke, kind, name, { Tags: props.Tags }, props);
      } catch (e) {
        if ((e as { code?: string }).code !== "NoSuchEntity") throw e;
        return;
      }
      await ignoringMissing(ctx.invoke("iam", `Delete${kind}`, { [nameProperty[kind]]: name }));
    },
  };
}

export const userHandler = principalHandler("User");
export const groupHandler = principalHandler("Group");
export const roleHandler = principalHandler("Role");
