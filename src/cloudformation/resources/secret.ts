// AWS::SecretsManager::Secret: CreateSecret (with GenerateSecretString through GetRandomPassword,
// ReplicaRegions as AddReplicaRegions with each Region's KmsKeyId), changes in place through
// UpdateSecret, tags and replication calls; Ref and Id give the ARN. Deleting removes the replicas
// first (a primary with replicas cannot be deleted), then the secret without a recovery window.

import { randomUUID } from "node:crypto";
import { asList, asString, difference, ignoringMissing, same, type Props, type ResourceContext, type ResourceHandler } from "./resource-types.js";

interface Replica {
  Region: string;
  KmsKeyId?: string;
}

async function generated(ctx: ResourceContext, spec: Props): Promise<string> {
  const options = ["PasswordLength", "ExcludeCharacters", "ExcludeLowercase", "ExcludeNumbers", "ExcludePunctuation", "ExcludeUppercase", "IncludeSpace", "RequireEachIncludedType"];
  const input = Object.fromEntries(options.filter((o) => spec[o] !== undefined).map((o) => [o, spec[o]]));
  const out = await ctx.invoke("secretsmanager", "GetRandomPassword", input);
  const password = String(out.RandomPassword);
  if (spec.SecretStringTemplate === undefined) return password;
  const template = JSON.parse(String(spec.SecretStringTemplate)) as Record<string, unknown>;
  template[String(spec.GenerateStringKey ?? "password")] = password;
  return JSON.stringify(template);
}

async function value(ctx: ResourceContext, props: Props): Promise<string | undefined> {
  if (props.SecretString !== undefined) return asString(props.SecretString);
  // AWS generates a value when neither is given
  return generated(ctx, (props.GenerateSecretString as Props | undefined) ?? {});
}

const replicas = (props: Props) => asList(props.ReplicaRegions) as Replica[];
const tags = (props: Props) => asList(props.Tags) as { Key: string; Value: string }[];

export const secretHandler: ResourceHandler = {
  async create(ctx, props) {
    const name = asString(props.Name) ?? ctx.generatedName(256, "logical");
    const out = await ctx.invoke("secretsmanager", "CreateSecret", {
      Name: name,
      ClientRequestToken: randomUUID(),
      SecretString: await value(ctx, props),
      ...(props.Description !== undefined ? { Description: props.Description } : {}),
      ...(props.KmsKeyId !== undefined ? { KmsKeyId: props.KmsKeyId } : {}),
      ...(tags(props).length ? { Tags: tags(props) } : {}),
      ...(replicas(props).length ? { AddReplicaRegions: replicas(props) } : {}),
    });
    return { physicalId: String(out.ARN), attributes: { Id: out.ARN } };
  },
  async update(ctx, props, old) {
    const SecretId = old.state.physicalId;
    const valueChanged = !same(props.SecretString, old.props.SecretString) || !same(props.GenerateSecretString, old.props.GenerateSecretString);
    if (valueChanged || !same(props.Description, old.props.Description) || !same(props.KmsKeyId, old.props.KmsKeyId)) {
      await ctx.invoke("secretsmanager", "UpdateSecret", {
        SecretId,
        Description: asString(props.Description) ?? "",
        ...(props.KmsKeyId !== undefined ? { KmsKeyId: props.KmsKeyId } : {}),
        ...(valueChanged ? { SecretString: await value(ctx, props), ClientRequestToken: randomUUID() } : {}),
      });
    }
    const t = difference(tags(old.props), tags(props));
    const dropped = t.removed.map((x) => x.Key).filter((k) => !t.added.some((a) => a.Key === k));
    if (dropped.length) await ctx.invoke("secretsmanager", "UntagResource", { SecretId, TagKeys: dropped });
    if (t.added.length) await ctx.invoke("secretsmanager", "TagResource", { SecretId, Tags: t.added });
    const r = difference(replicas(old.props), replicas(props));
    const gone = r.removed.map((x) => x.Region).filter((region) => !r.added.some((a) => a.Region === region));
    if (gone.length) await ctx.invoke("secretsmanager", "RemoveRegionsFromReplication", { SecretId, RemoveReplicaRegions: gone });
    const changedKey = r.added.filter((a) => r.removed.some((x) => x.Region === a.Region)).map((a) => a.Region);
    if (changedKey.length) await ctx.invoke("secretsmanager", "RemoveRegionsFromReplication", { SecretId, RemoveReplicaRegions: changedKey });
    if (r.added.length) await ctx.invoke("secretsmanager", "ReplicateSecretToRegions", { SecretId, AddReplicaRegions: r.added });
    return old.state;
  },
  async delete(ctx, props, state) {
    const regions = replicas(props).map((r) => r.Region);
    if (regions.length) await ignoringMissing(ctx.invoke("secretsmanager", "RemoveRegionsFromReplication", { SecretId: state.physicalId, RemoveReplicaRegions: regions }));
    await ignoringMissing(ctx.invoke("secretsmanager", "DeleteSecret", { SecretId: state.physicalId, ForceDeleteWithoutRecovery: true }));
  },
};
