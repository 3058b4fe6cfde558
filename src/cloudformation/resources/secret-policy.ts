// AWS::SecretsManager::ResourcePolicy (PutResourcePolicy, the secret's ARN as its id) and
// AWS::SecretsManager::RotationSchedule (RotateSecret; HostedRotationLambda names one of the
// built-in rotators, as AWS's hosted rotation functions do).

import { asString, ignoringMissing, type Props, type ResourceContext, type ResourceHandler } from "./resource-types.js";

async function putPolicy(ctx: ResourceContext, props: Props) {
  const out = await ctx.invoke("secretsmanager", "PutResourcePolicy", {
    SecretId: props.SecretId,
    ResourcePolicy: asString(props.ResourcePolicy),
    ...(props.BlockPublicPolicy !== undefined ? { BlockPublicPolicy: props.BlockPublicPolicy === true || props.BlockPublicPolicy === "true" } : {}),
  });
  return { physicalId: String(out.ARN), attributes: { Id: out.ARN } };
}

export const resourcePolicyHandler: ResourceHandler = {
  create: putPolicy,
  update: (ctx, props) => putPolicy(ctx, props),
  async delete(ctx, _props, state) {
    await ignoringMissing(ctx.invoke("secretsmanager", "DeleteResourcePolicy", { SecretId: state.physicalId }));
  },
};

/** HostedRotationLambda's RotationType (PostgreSQLSingleUser …) as the built-in rotator's function ARN. */
function rotationLambda(ctx: ResourceContext, props: Props): string {
  if (props.RotationLambdaARN !== undefined) return String(props.RotationLambdaARN);
  const hosted = props.HostedRotationLambda as Props | undefined;
  const type = String(hosted?.RotationType ?? "");
  const name = asString(hosted?.RotationLambdaName) ?? `SecretsManagerRDS${type.replace(/(SingleUser|MultiUser)$/, "Rotation$1")}`;
  return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.accountId}:function:${name}`;
}

async function rotate(ctx: ResourceContext, props: Props) {
  const out = await ctx.invoke("secretsmanager", "RotateSecret", {
    SecretId: props.SecretId,
    RotationLambdaARN: rotationLambda(ctx, props),
    ...(props.RotationRules !== undefined ? { RotationRules: props.RotationRules } : {}),
    RotateImmediately: props.RotateImmediatelyOnUpdate !== false && props.RotateImmediatelyOnUpdate !== "false",
  });
  return { physicalId: String(out.ARN), attributes: { Id: out.ARN } };
}

export const rotationScheduleHandler: ResourceHandler = {
  create: rotate,
  update: (ctx, props) => rotate(ctx, props),
  async delete(ctx, _props, state) {
    await ignoringMissing(ctx.invoke("secretsmanager", "CancelRotateSecret", { SecretId: state.physicalId }));
  },
};
