// The Secrets Manager service of one Region: its operation table, built from the op groups in ops/.

import type { OperationTable } from "../contract/call-context.js";
import type { GetRandomPasswordResponse, SecretsManagerOperations } from "../generated/secretsmanager-api.js";
import { makeSecretsCore, type SecretsDeps } from "./secrets-core.js";
import { valueOps } from "./ops/values.js";
import { readOps } from "./ops/reads.js";
import { stageOps } from "./ops/stages.js";
import { lifecycleOps, purgeDueSecrets } from "./ops/lifecycle.js";
import { tagOps } from "./ops/tags.js";
import { policyOps } from "./ops/policy.js";
import { replicationOps } from "./ops/replication.js";
import { generateRandomPassword } from "./random-password.js";
import { rotationHooks, rotationOps } from "./ops/rotation.js";

export function makeSecretsService(deps: SecretsDeps) {
  const core = makeSecretsCore(deps);
  const operations: OperationTable<SecretsManagerOperations> = {
    ...valueOps(core),
    ...readOps(core),
    ...stageOps(core),
    ...lifecycleOps(core),
    ...tagOps(core),
    ...policyOps(core),
    ...replicationOps(core),
    ...rotationOps(core),
    GetRandomPassword: async (_ctx, input): Promise<GetRandomPasswordResponse> => ({ RandomPassword: generateRandomPassword(input) }),
  };
  return { operations, purgeDue: () => purgeDueSecrets(core), rotation: rotationHooks(core) };
}
