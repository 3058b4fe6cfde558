// Adding a version to a secret: idempotent on ClientRequestToken (same token and value: the same
// version; same token, other value: ResourceExistsException), labels moved, old versions pruned.

import { ServiceError } from "../../edge/service-error.js";
import type { CallContext } from "../../region/call-context.js";
import type { SecretRecord } from "../secret-types.js";
import type { SecretValue } from "../envelope.js";
import { sameValue, type Change, type NoChange, type SecretsCore } from "../secrets-core.js";
import { addVersion, pruneVersions } from "../labels.js";
import { versionExists } from "../secret-errors.js";

const MAX_VERSIONS = 100;
const MAX_LABELS = 20;

export interface WrittenVersion {
  versionId: string;
  stages: string[];
}

export async function writeVersion(
  core: SecretsCore,
  ctx: CallContext,
  record: SecretRecord,
  versionId: string,
  value: SecretValue,
  stages: string[],
): Promise<Change<WrittenVersion> | NoChange<WrittenVersion>> {
  const existing = record.versions.find((v) => v.versionId === versionId);
  if (existing) {
    const stored = await core.open(ctx, record, versionId);
    if (!stored || !sameValue(stored, value)) throw versionExists();
    return { result: { versionId, stages: existing.stages } };
  }
  const now = core.clock.now();
  const { sealed, keyArn } = await core.seal(ctx, record, versionId, value);
  const added = addVersion(record.versions, { versionId, stages: [], createdDate: now, kmsKeyId: record.kmsKeyId ? keyArn : undefined }, stages);
  if (new Set(added.flatMap((v) => v.stages)).size > MAX_LABELS) {
    throw new ServiceError("LimitExceededException", `A secret can have at most ${MAX_LABELS} staging labels.`);
  }
  const { kept, dropped } = pruneVersions(added, MAX_VERSIONS);
  const version = kept.find((v) => v.versionId === versionId)!;
  return {
    record: { ...record, versions: kept, lastChangedDate: now },
    putValues: [sealed],
    deleteValues: dropped,
    result: { versionId, stages: version.stages },
  };
}
