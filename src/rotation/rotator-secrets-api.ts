// The Secrets Manager calls a built-in rotator makes (builtin/rotator-api.ts), served in-process by
// the Region's own operations under the rotation's service context (service-context.ts).

import type { CallContext, OperationTable } from "../contract/call-context.js";
import type { SecretsManagerOperations } from "../generated/secretsmanager-api.js";
import type { RotatorSecretsApi } from "./builtin/rotator-api.js";

type Ops = OperationTable<SecretsManagerOperations>;

function need<T>(op: T | undefined, name: string): T {
  if (!op) throw new Error(`Secrets Manager operation ${name} is not served`);
  return op;
}

export function rotatorSecretsApi(ops: Ops, ctx: CallContext): RotatorSecretsApi {
  return {
    async describeSecret(secretId) {
      const d = await need(ops.DescribeSecret, "DescribeSecret")(ctx, { SecretId: secretId });
      return { ARN: d.ARN!, RotationEnabled: d.RotationEnabled, VersionIdsToStages: d.VersionIdsToStages ?? {} };
    },
    async getSecretValue(input) {
      const v = await need(ops.GetSecretValue, "GetSecretValue")(ctx, input);
      return { ARN: v.ARN!, VersionId: v.VersionId!, SecretString: v.SecretString, VersionStages: v.VersionStages ?? [] };
    },
    async putSecretValue(input) {
      await need(ops.PutSecretValue, "PutSecretValue")(ctx, input);
    },
    async updateSecretVersionStage(input) {
      await need(ops.UpdateSecretVersionStage, "UpdateSecretVersionStage")(ctx, input);
    },
    async getRandomPassword(input) {
      return (await need(ops.GetRandomPassword, "GetRandomPassword")(ctx, input)).RandomPassword!;
    },
  };
}
