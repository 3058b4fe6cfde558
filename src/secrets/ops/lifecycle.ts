// DeleteSecret, RestoreSecret, and the purge of secrets whose recovery window has ended.

import { answering } from "../../store/call-events.js";
import { invalidParameter } from "../../contract/service-error.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import { days } from "../../util/clock.js";
import { dateOf, notReplica, type SecretsCore } from "../secrets-core.js";
import type * as SM from "../../generated/secretsmanager-api.js";
import type { SecretRecord } from "../../contract/secret-types.js";
import { markedForDeletion } from "../secret-errors.js";
import { findSecret } from "../secret-lookup.js";
import { arnSuffix } from "./values.js";
import { secretArn } from "../../util/arn.js";

export function lifecycleOps(core: SecretsCore): OperationTable<SM.SecretsManagerOperations> {
  async function deleteSecret(ctx: CallContext, input: SM.DeleteSecretRequest): Promise<SM.DeleteSecretResponse> {
    const window = input.RecoveryWindowInDays;
    const force = input.ForceDeleteWithoutRecovery === true;
    if (force && window !== undefined) {
      throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    if (window !== undefined && (window < 7 || window > 30)) {
      throw invalidParameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
    }
    const now = core.clock.now();
    if (force) {
      const record = await findSecret(core.store, ctx, input.SecretId);
      // AWS answers a forced delete of a secret that does not exist as if it had deleted it.
      if (!record) return { ...absentSecret(ctx, input.SecretId), DeletionDate: dateOf(now) };
      withoutReplicas(notReplica(record));
      const answer: SM.DeleteSecretResponse = { ARN: record.arn, Name: record.name, DeletionDate: dateOf(now) };
      return answering(answer, () => core.store.purgeSecret(record.arn));
    }
    return core.update(
      ctx,
      input.SecretId,
      async (record) => {
        if (record.deletedDate !== undefined) throw markedForDeletion();
        withoutReplicas(record);
        const purgeDate = now + days(window ?? 30);
        const result: SM.DeleteSecretResponse = { ARN: record.arn, Name: record.name, DeletionDate: dateOf(purgeDate) };
        return { record: { ...record, deletedDate: now, purgeDate }, result };
      },
      { allowDeleted: true },
    );
  }

  async function restoreSecret(ctx: CallContext, input: SM.RestoreSecretRequest): Promise<SM.RestoreSecretResponse> {
    return core.update(
      ctx,
      input.SecretId,
      async (record) => {
        const result: SM.RestoreSecretResponse = { ARN: record.arn, Name: record.name };
        if (record.deletedDate === undefined) return { result };
        return { record: { ...record, deletedDate: undefined, purgeDate: undefined }, result };
      },
      { allowDeleted: true },
    );
  }

  return { DeleteSecret: deleteSecret, RestoreSecret: restoreSecret };
}

/** A primary that still replicates cannot be deleted: its replicas are removed first. */
function withoutReplicas(record: SecretRecord): SecretRecord {
  if (record.replicas?.length) {
    throw invalidParameter(
      `You can't delete secret ${record.arn} that still has replica regions [${record.replicas.map((r) => r.region).join(", ")}].`,
    );
  }
  return record;
}

/** ARN and name for a SecretId that names no secret: an ARN as given, a name with a fresh suffix. */
function absentSecret(ctx: CallContext, secretId: string): { ARN: string; Name: string } {
  if (!secretId.startsWith("arn:")) {
    return { ARN: secretArn(ctx.partition, ctx.region, ctx.accountId, `${secretId}-${arnSuffix()}`), Name: secretId };
  }
  const resource = secretId.split(":").slice(6).join(":");
  return { ARN: secretId, Name: resource.replace(/-[A-Za-z0-9]{6}$/, "") };
}

/** Remove every secret whose recovery window has ended; returns how many were purged. */
export async function purgeDueSecrets(core: SecretsCore): Promise<number> {
  const due = await core.store.secretsDueForPurge(core.clock.now());
  let purged = 0;
  for (const record of due) if (await core.store.purgeSecret(record.arn, record.revision)) purged++;
  return purged;
}
