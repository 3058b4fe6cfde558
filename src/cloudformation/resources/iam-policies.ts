// AWS::IAM::Policy (an inline policy put on each of its users, groups and roles), AWS::IAM::ManagedPolicy
// (CreatePolicy, a new default version on a document change, attachments kept in step),
// AWS::IAM::AccessKey (Ref the key id, SecretAccessKey by Fn::GetAtt) and AWS::IAM::UserToGroupAddition.

import { asList, asString, difference, ignoringMissing, same, type Invoke, type Props, type ResourceHandler } from "./resource-types.js";

const TARGETS = [
  ["Users", "User", "UserName"],
  ["Groups", "Group", "GroupName"],
  ["Roles", "Role", "RoleName"],
] as const;

async function putInline(invoke: Invoke, props: Props, old: Props) {
  const name = String(props.PolicyName);
  const renamed = old.PolicyName !== undefined && old.PolicyName !== name;
  for (const [list, kind, member] of TARGETS) {
    const d = difference(asList(old[list]).map(String), asList(props[list]).map(String));
    const stale = renamed ? asList(old[list]).map(String) : d.removed;
    for (const who of stale) await ignoringMissing(invoke("iam", `Delete${kind}Policy`, { [member]: who, PolicyName: old.PolicyName }));
    const put = !same(props.PolicyDocument, old.PolicyDocument) || renamed ? asList(props[list]).map(String) : d.added;
    for (const who of put) await invoke("iam", `Put${kind}Policy`, { [member]: who, PolicyName: name, PolicyDocument: asString(props.PolicyDocument) });
  }
}

export const policyHandler: ResourceHandler = {
  iam: {},
  async create(ctx, props) {
    await putInline(ctx.invoke, props, {});
    return { physicalId: ctx.generatedName(64), attributes: { Id: undefined } };
  },
  async update(ctx, props, old) {
    await putInline(ctx.invoke, props, old.props);
    return old.state;
  },
  async delete(ctx, props) {
    await putInline(ctx.invoke, { PolicyName: props.PolicyName }, props);
  },
};

async function attach(invoke: Invoke, arn: string, props: Props, old: Props) {
  for (const [list, kind, member] of TARGETS) {
    const d = difference(asList(old[list]).map(String), asList(props[list]).map(String));
    for (const who of d.removed) await ignoringMissing(invoke("iam", `Detach${kind}Policy`, { [member]: who, PolicyArn: arn }));
    for (const who of d.added) await invoke("iam", `Attach${kind}Policy`, { [member]: who, PolicyArn: arn });
  }
}

export const managedPolicyHandler: ResourceHandler = {
  iam: { nameProperty: "ManagedPolicyName" },
  async create(ctx, props) {
    const out = await ctx.invoke("iam", "CreatePolicy", {
      PolicyName: asString(props.ManagedPolicyName) ?? ctx.generatedName(128),
      PolicyDocument: asString(props.PolicyDocument),
      ...(props.Path !== undefined ? { Path: props.Path } : {}),
      ...(props.Description !== undefined ? { Description: props.Description } : {}),
    });
    const policy = out.Policy as Props;
    await attach(ctx.invoke, String(policy.Arn), props, {});
    return { physicalId: String(policy.Arn), attributes: { PolicyArn: policy.Arn, PolicyId: policy.PolicyId, DefaultVersionId: policy.DefaultVersionId } };
  },
  async update(ctx, props, old) {
    const arn = old.state.physicalId;
    if (!same(props.PolicyDocument, old.props.PolicyDocument)) {
      const versions = (await ctx.invoke("iam", "ListPolicyVersions", { PolicyArn: arn })).Versions as Props[];
      const oldest = versions.filter((v) => v.IsDefaultVersion !== true).pop();
      if (versions.length >= 5 && oldest) await ctx.invoke("iam", "DeletePolicyVersion", { PolicyArn: arn, VersionId: oldest.VersionId });
      await ctx.invoke("iam", "CreatePolicyVersion", { PolicyArn: arn, PolicyDocument: asString(props.PolicyDocument), SetAsDefault: true });
    }
    await attach(ctx.invoke, arn, props, old.props);
    return old.state;
  },
  async delete(ctx, props, state) {
    const arn = state.physicalId;
    await attach(ctx.invoke, arn, {}, props);
    try {
      const versions = (await ctx.invoke("iam", "ListPolicyVersions", { PolicyArn: arn })).Versions as Props[];
      for (const v of versions) if (v.IsDefaultVersion !== true) await ctx.invoke("iam", "DeletePolicyVersion", { PolicyArn: arn, VersionId: v.VersionId });
    } catch (e) {
      if ((e as { code?: string }).code === "NoSuchEntity") return;
      throw e;
    }
    await ignoringMissing(ctx.invoke("iam", "DeletePolicy", { PolicyArn: arn }));
  },
};

export const accessKeyHandler: ResourceHandler = {
  iam: {},
  async create(ctx, props) {
    const key = (await ctx.invoke("iam", "CreateAccessKey", { UserName: props.UserName })).AccessKey as Props;
    if (props.Status === "Inactive") await ctx.invoke("iam", "UpdateAccessKey", { UserName: props.UserName, AccessKeyId: key.AccessKeyId, Status: "Inactive" });
    return { physicalId: String(key.AccessKeyId), attributes: { SecretAccessKey: key.SecretAccessKey, Id: key.AccessKeyId } };
  },
  async update(ctx, props, old) {
    await ctx.invoke("iam", "UpdateAccessKey", { UserName: props.UserName, AccessKeyId: old.state.physicalId, Status: props.Status ?? "Active" });
    return old.state;
  },
  async delete(ctx, props, state) {
    await ignoringMissing(ctx.invoke("iam", "DeleteAccessKey", { UserName: props.UserName, AccessKeyId: state.physicalId }));
  },
};

export const userToGroupHandler: ResourceHandler = {
  async create(ctx, props) {
    for (const user of asList(props.Users)) await ctx.invoke("iam", "AddUserToGroup", { GroupName: props.GroupName, UserName: user });
    return { physicalId: ctx.generatedName(64), attributes: {} };
  },
  async update(ctx, props, old) {
    const d = difference(asList(old.props.Users).map(String), asList(props.Users).map(String));
    const moved = props.GroupName !== old.props.GroupName;
    for (const user of moved ? asList(old.props.Users) : d.removed) await ignoringMissing(ctx.invoke("iam", "RemoveUserFromGroup", { GroupName: old.props.GroupName, UserName: user }));
    for (const user of moved ? asList(props.Users) : d.added) await ctx.invoke("iam", "AddUserToGroup", { GroupName: props.GroupName, UserName: user });
    return old.state;
  },
  async delete(ctx, props) {
    for (const user of asList(props.Users)) await ignoringMissing(ctx.invoke("iam", "RemoveUserFromGroup", { GroupName: props.GroupName, UserName: user }));
  },
};
