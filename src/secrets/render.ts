// The shapes DescribeSecret and ListSecrets return for a secret. Members AWS omits when empty are
// omitted here too (Tags of a secret never tagged, VersionIdsToStages, RotationEnabled for a secret
// never rotated).

import type { SecretRecord } from "../contract/secret-types.js";
import type { DescribeSecretResponse, SecretListEntry } from "../generated/secretsmanager-api.js";
import { dateOf } from "./secrets-core.js";

function stagesByVersion(record: SecretRecord): Record<string, string[]> | undefined {
  const labeled = record.versions.filter((v) => v.stages.length > 0);
  if (labeled.length === 0) return undefined;
  return Object.fromEntries(labeled.map((v) => [v.versionId, v.stages]));
}

/** The members DescribeSecret and a ListSecrets entry share. */
function common(record: SecretRecord): Omit<SecretListEntry, "SecretVersionsToStages"> {
  const r = record.rotation;
  return {
    ARN: record.arn,
    Name: record.name,
    Type: record.type,
    Description: record.description || undefined, // an empty description is not shown
    KmsKeyId: record.kmsKeyId,
    RotationEnabled: r ? r.enabled : undefined,
    RotationLambdaARN: r?.lambdaArn,
    RotationRules: r
      ? { AutomaticallyAfterDays: r.automaticallyAfterDays, ScheduleExpression: r.scheduleExpression, Duration: r.duration }
      : undefined,
    LastRotatedDate: dateOf(r?.lastRotatedDate),
    LastChangedDate: dateOf(record.lastChangedDate),
    LastAccessedDate: dateOf(record.lastAccessedDate),
    DeletedDate: dateOf(record.deletedDate),
    NextRotationDate: dateOf(r?.enabled ? r.nextRotationDate : undefined),
    Tags: record.tags.length || record.tagsSet ? record.tags : undefined,
    OwningService: record.owningService,
    CreatedDate: dateOf(record.createdDate),
    PrimaryRegion: record.primaryRegion,
  };
}

export function describeSecretOutput(record: SecretRecord): DescribeSecretResponse {
  return { ...common(record), VersionIdsToStages: stagesByVersion(record) };
}

export function secretListEntry(record: SecretRecord): SecretListEntry {
  return { ...common(record), SecretVersionsToStages: stagesByVersion(record) };
}
