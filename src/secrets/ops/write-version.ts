// Adding a version to a secret: idempotent on ClientRequestToken (same token and value: the same
// version; same token, other value: ResourceExistsException), labels moved, old versions pruned.

import type { CallContext } from "../../contract/call-context.js";
import type { SecretRecord } from "../../contract/secret-types.js";
import type { SecretValue } from "../envelope.js";
import { sameValue, type Change, type NoChange, type SecretsCore } from "../secrets-core.js";
import { addVersion, labelCount, moveLabel, MAX_LABELS, MAX_VERSIONS, MIN_DROP_AGE_MS, pruneVersions } from "../labels.js";
import { tooManyLabels, tooManyVersions, versionExists } from "../secret-errors.js";

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
  const now = core.clock.now();
  if (existing) {
    const stored = await core.open(ctx, record, versionId);
    if (stored) {
      if (!sameValue(stored, value)) throw versionExists(versionId, record.arn);
      return { result: { versionId, stages: existing.stages } };
    }
    // the version a rotation opened (AWSPENDING, no value yet): its function's createSecret fills it
    const { sealed, keyArn } = await core.seal(ctx, record, versionId, value);
    let versions = record.versions.map((v) => (v.versionId === versionId ? { ...v, kmsKeyId: record.kmsKeyId ? keyArn : undefined } : v));
    for (const stage of stages) versions = moveLabel(versions, stage, versionId);
    if (labelCount(versions) > MAX_LABELS) throw tooManyLabels();
    const stagesNow = versions.find((v) => v.versionId === versionId)!.stages;
    return { record: { ...record, versions, lastChangedDate: now }, putValues: [sealed], result: { versionId, stages: stagesNow } };
  }
  const { sealed, keyArn } = await core.seal(ctx, record, versionId, value);
  const added = addVersion(record.versions, { versionId, stages: [], createdDate: now, kmsKeyId: record.kmsKeyId ? keyArn : undefined }, stages);
  if (labelCount(added) > MAX_LABELS) throw tooManyLabels();
  const { kept, dropped } = pruneVersions(added, MAX_VERSIONS, now - MIN_DROP_AGE_MS);
  if (kept.length > MAX_VERSIONS) throw tooManyVersions();
  const version = kept.find((v) => v.versionId === versionId)!;
  return {
    record: { ...record, versions: kept, lastChangedDate: now },
    putValues: [sealed],
    deleteValues: dropped,
    result: { versionId, stages: version.stages },
  };
}
