// AWS::KMS::Key (CreateKey, MultiRegion included; Ref gives the key id), AWS::KMS::ReplicaKey
// (ReplicateKey called in the primary key's Region, the replica made in the stack's) and
// AWS::KMS::Alias. Deleting a key schedules its deletion (PendingWindowInDays, 30 by default).

import { asList, asString, difference, ignoringMissing, same, type Props, type ResourceContext, type ResourceHandler, type ResourceState } from "./resource-types.js";

const kmsTags = (props: Props) => (asList(props.Tags) as { Key: string; Value: string }[]).map((t) => ({ TagKey: t.Key, TagValue: t.Value }));
const policyOf = (props: Props) => asString(props.KeyPolicy);
const truthy = (v: unknown) => v === true || v === "true";

async function settle(ctx: ResourceContext, keyId: string, props: Props, old?: Props) {
  if (truthy(props.EnableKeyRotation) !== truthy(old?.EnableKeyRotation) || (!old && truthy(props.EnableKeyRotation))) {
    await ctx.invoke("kms", truthy(props.EnableKeyRotation) ? "EnableKeyRotation" : "DisableKeyRotation", { KeyId: keyId });
  }
  const enabled = props.Enabled === undefined || truthy(props.Enabled);
  const wasEnabled = !old || old.Enabled === undefined || truthy(old.Enabled);
  if (enabled !== wasEnabled) await ctx.invoke("kms", enabled ? "EnableKey" : "DisableKey", { KeyId: keyId });
}

async function updateCommon(ctx: ResourceContext, props: Props, old: { props: Props; state: ResourceState }): Promise<ResourceState> {
  const KeyId = old.state.physicalId;
  if (!same(props.Description, old.props.Description)) await ctx.invoke("kms", "UpdateKeyDescription", { KeyId, Description: asString(props.Description) ?? "" });
  if (!same(props.KeyPolicy, old.props.KeyPolicy) && props.KeyPolicy !== undefined) await ctx.invoke("kms", "PutKeyPolicy", { KeyId, PolicyName: "default", Policy: policyOf(props) });
  const t = difference(kmsTags(old.props), kmsTags(props));
  const dropped = t.removed.map((x) => x.TagKey).filter((k) => !t.added.some((a) => a.TagKey === k));
  if (dropped.length) await ctx.invoke("kms", "UntagResource", { KeyId, TagKeys: dropped });
  if (t.added.length) await ctx.invoke("kms", "TagResource", { KeyId, Tags: t.added });
  await settle(ctx, KeyId, props, old.props);
  return old.state;
}

async function scheduleDeletion(ctx: ResourceContext, props: Props, state: ResourceState) {
  await ignoringMissing(ctx.invoke("kms", "ScheduleKeyDeletion", { KeyId: state.physicalId, PendingWindowInDays: Number(props.PendingWindowInDays ?? 30) }));
}

export const keyHandler: ResourceHandler = {
  replaceOn: ["KeySpec", "KeyUsage", "MultiRegion", "Origin"],
  async create(ctx, props) {
    const out = await ctx.invoke("kms", "CreateKey", {
      ...(props.Description !== undefined ? { Description: props.Description } : {}),
      ...(props.KeyUsage !== undefined ? { KeyUsage: props.KeyUsage } : {}),
      ...(props.KeySpec !== undefined ? { KeySpec: props.KeySpec } : {}),
      ...(policyOf(props) !== undefined ? { Policy: policyOf(props) } : {}),
      ...(truthy(props.MultiRegion) ? { MultiRegion: true } : {}),
      ...(kmsTags(props).length ? { Tags: kmsTags(props) } : {}),
      ...(truthy(props.BypassPolicyLockoutSafetyCheck) ? { BypassPolicyLockoutSafetyCheck: true } : {}),
    });
    const meta = out.KeyMetadata as Props;
    await settle(ctx, String(meta.KeyId), props);
    return { physicalId: String(meta.KeyId), attributes: { Arn: meta.Arn, KeyId: meta.KeyId } };
  },
  update: updateCommon,
  delete: scheduleDeletion,
};

export const replicaKeyHandler: ResourceHandler = {
  async create(ctx, props) {
    const primary = String(props.PrimaryKeyArn);
    const primaryRegion = primary.split(":")[3] ?? ctx.region;
    const out = await ctx.invoke(
      "kms",
      "ReplicateKey",
      {
        KeyId: primary,
        ReplicaRegion: ctx.region,
        ...(props.Description !== undefined ? { Description: props.Description } : {}),
        ...(policyOf(props) !== undefined ? { Policy: policyOf(props) } : {}),
        ...(kmsTags(props).length ? { Tags: kmsTags(props) } : {}),
      },
      primaryRegion,
    );
    const meta = out.ReplicaKeyMetadata as Props;
    await settle(ctx, String(meta.KeyId), props);
    return { physicalId: String(meta.KeyId), attributes: { Arn: meta.Arn, KeyId: meta.KeyId } };
  },
  update: updateCommon,
  delete: scheduleDeletion,
};

export const aliasHandler: ResourceHandler = {
  async create(ctx, props) {
    await ctx.invoke("kms", "CreateAlias", { AliasName: props.AliasName, TargetKeyId: props.TargetKeyId });
    return { physicalId: String(props.AliasName), attributes: {} };
  },
  async update(ctx, props, old) {
    await ctx.invoke("kms", "UpdateAlias", { AliasName: props.AliasName, TargetKeyId: props.TargetKeyId });
    return old.state;
  },
  async delete(ctx, _props, state) {
    await ignoringMissing(ctx.invoke("kms", "DeleteAlias", { AliasName: state.physicalId }));
  },
};
