// UpdateSecretVersionStage: move, attach or remove one staging label.

import { invalidParameter } from "../../contract/service-error.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type * as SM from "../../generated/secretsmanager-api.js";
import type { SecretsCore } from "../secrets-core.js";
import { CURRENT, labelCount, MAX_LABELS, moveLabel, removeLabel, versionWithLabel } from "../labels.js";
import { noValueForVersion, stageNotOnVersion, tooManyLabels } from "../secret-errors.js";

export function stageOps(core: SecretsCore): OperationTable<SM.SecretsManagerOperations> {
  async function updateSecretVersionStage(ctx: CallContext, input: SM.UpdateSecretVersionStageRequest): Promise<SM.UpdateSecretVersionStageResponse> {
    const stage = input.VersionStage;
    const from = input.RemoveFromVersionId;
    const to = input.MoveToVersionId;
    return core.update(ctx, input.SecretId, async (record) => {
      const holder = versionWithLabel(record.versions, stage);
      const result: SM.UpdateSecretVersionStageResponse = { ARN: record.arn, Name: record.name };
      if (from !== undefined && holder?.versionId !== from) throw stageNotOnVersion();
      if (to !== undefined && !record.versions.some((v) => v.versionId === to)) throw noValueForVersion(to);
      if (to !== undefined && holder && holder.versionId !== to && from === undefined) {
        throw invalidParameter(
          `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      }
      let versions = record.versions;
      if (to !== undefined) {
        versions = moveLabel(versions, stage, to);
      } else if (from !== undefined) {
        if (stage === CURRENT) {
          throw invalidParameter("You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.");
        }
        versions = removeLabel(versions, stage, from);
      }
      if (versions === record.versions) return { result };
      if (labelCount(versions) > MAX_LABELS) throw tooManyLabels();
      return { record: { ...record, versions, lastChangedDate: core.clock.now() }, result };
    });
  }

  return { UpdateSecretVersionStage: updateSecretVersionStage };
}
