// DeleteSecret, RestoreSecret, and the purge of secrets whose recovery window has ended.

import { invalidParameter } from "../../edge/service-error.js";
import type { CallContext, OperationTable } from "../../region/call-context.js";
import { days } from "../../util/clock.js";
import { epochSeconds, type SecretsCore } from "../secrets-core.js";
import { markedForDeletion } from "../secret-errors.js";

export function lifecycleOps(core: SecretsCore): OperationTable {
  async function deleteSecret(ctx: CallContext, input: any) {
    const window: number | undefined = input.RecoveryWindowInDays;
    const force = input.ForceDeleteWithoutRecovery === true;
    if (force && window !== undefined) {
      throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    if (window !== undefined && (window < 7 || window > 30)) {
      throw invalidParameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
    }
    const now = core.clock.now();
    if (force) {
      const record = await core.lookup(ctx, input.SecretId, { allowDeleted: true });
      await core.store.purgeSecret(record.arn);
      return { ARN: record.arn, Name: record.name, DeletionDate: epochSeconds(now) };
    }
    return core.update(
      ctx,
      input.SecretId,
      async (record) => {
        if (record.deletedDate !== undefined) throw markedForDeletion();
        const purgeDate = now + days(window ?? 30);
        return {
          record: { ...record, deletedDate: now, purgeDate },
          result: { ARN: record.arn, Name: record.name, DeletionDate: epochSeconds(purgeDate) },
        };
      },
      { allowDeleted: true },
    );
  }

  async function restoreSecret(ctx: CallContext, input: any) {
    return core.update(
      ctx,
      input.SecretId,
      async (record) => {
        const result = { ARN: record.arn, Name: record.name };
        if (record.deletedDate === undefined) return { result };
        return { record: { ...record, deletedDate: undefined, purgeDate: undefined }, result };
      },
      { allowDeleted: true },
    );
  }

  return { DeleteSecret: deleteSecret, RestoreSecret: restoreSecret };
}

/** Remove every secret whose recovery window has ended; returns how many were purged. */
export async function purgeDueSecrets(core: SecretsCore): Promise<number> {
  const due = await core.store.secretsDueForPurge(core.clock.now());
  let purged = 0;
  for (const record of due) if (await core.store.purgeSecret(record.arn, record.revision)) purged++;
  return purged;
}
