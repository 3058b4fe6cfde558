// A RotatorSecretsApi over a Map, for driving a built-in rotator without a Meridian: versions and
// their staging labels as Secrets Manager keeps them (AWSPREVIOUS follows AWSCURRENT's old version,
// a version staged by RotateSecret has no value until the rotator puts one).

import { randomInt } from "node:crypto";
import { ServiceError } from "../../src/contract/service-error.js";
import type { RotatorSecretsApi, RotatorSecretValue } from "../../src/rotation/builtin/rotator-api.js";

interface Version {
  SecretString?: string;
  stages: Set<string>;
}

export interface FakeSecrets {
  api: RotatorSecretsApi;
  /** Creates a secret whose first version holds `value` as AWSCURRENT; returns its ARN. */
  create(name: string, value: string): string;
  /** What RotateSecret does before invoking: a version `token`, without value, labelled AWSPENDING. */
  stageRotation(arn: string, token: string): void;
  /** The SecretString of the version holding `stage`. */
  valueAt(arn: string, stage: string): string | undefined;
  stagesOf(arn: string): Record<string, string[]>;
}

const notFound = () => new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value.");
const PASSWORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

export function fakeSecrets(): FakeSecrets {
  const secrets = new Map<string, Map<string, Version>>();
  const versionsOf = (arn: string) => {
    const versions = secrets.get(arn);
    if (!versions) throw new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return versions;
  };
  const holder = (arn: string, stage: string) => [...versionsOf(arn)].find(([, v]) => v.stages.has(stage));
  const label = (arn: string, stage: string, versionId: string) => {
    for (const v of versionsOf(arn).values()) v.stages.delete(stage);
    versionsOf(arn).get(versionId)?.stages.add(stage);
  };
  const stagesOf = (arn: string) =>
    Object.fromEntries([...versionsOf(arn)].filter(([, v]) => v.stages.size > 0).map(([id, v]) => [id, [...v.stages]]));

  const api: RotatorSecretsApi = {
    describeSecret: (arn) => Promise.resolve({ ARN: arn, RotationEnabled: true, VersionIdsToStages: stagesOf(arn) }),
    getSecretValue({ SecretId, VersionId, VersionStage }): Promise<RotatorSecretValue> {
      const versions = versionsOf(SecretId);
      const id = VersionId ?? holder(SecretId, VersionStage ?? "AWSCURRENT")?.[0];
      const version = id === undefined ? undefined : versions.get(id);
      if (!version || version.SecretString === undefined) return Promise.reject(notFound());
      if (VersionStage !== undefined && !version.stages.has(VersionStage)) return Promise.reject(notFound());
      return Promise.resolve({ ARN: SecretId, VersionId: id!, SecretString: version.SecretString, VersionStages: [...version.stages] });
    },
    putSecretValue({ SecretId, ClientRequestToken, SecretString, VersionStages }) {
      const versions = versionsOf(SecretId);
      const existing = versions.get(ClientRequestToken);
      if (existing?.SecretString !== undefined) {
        return existing.SecretString === SecretString
          ? Promise.resolve()
          : Promise.reject(new ServiceError("ResourceExistsException", "A version with that token already exists."));
      }
      versions.set(ClientRequestToken, { SecretString, stages: existing?.stages ?? new Set() });
      for (const stage of VersionStages) label(SecretId, stage, ClientRequestToken);
      return Promise.resolve();
    },
    updateSecretVersionStage({ SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId }) {
      const owner = holder(SecretId, VersionStage)?.[0];
      if (owner !== undefined && owner !== RemoveFromVersionId && MoveToVersionId !== undefined) {
        return Promise.reject(new ServiceError("InvalidParameterException", `The parameter RemoveFromVersionId can't be empty. Staging label ${VersionStage} is currently attached to version ${owner}.`));
      }
      if (MoveToVersionId !== undefined) label(SecretId, VersionStage, MoveToVersionId);
      if (VersionStage === "AWSCURRENT" && RemoveFromVersionId !== undefined) label(SecretId, "AWSPREVIOUS", RemoveFromVersionId);
      return Promise.resolve();
    },
    getRandomPassword({ PasswordLength = 32, ExcludeCharacters = "" }) {
      const chars = [...PASSWORD_CHARS].filter((c) => !ExcludeCharacters.includes(c));
      return Promise.resolve(Array.from({ length: PasswordLength }, () => chars[randomInt(chars.length)]).join(""));
    },
  };

  return {
    api,
    create(name, value) {
      const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
      secrets.set(arn, new Map([["v1", { SecretString: value, stages: new Set(["AWSCURRENT"]) }]]));
      return arn;
    },
    stageRotation(arn, token) {
      versionsOf(arn).set(token, { stages: new Set() });
      label(arn, "AWSPENDING", token);
    },
    valueAt: (arn, stage) => holder(arn, stage)?.[1].SecretString,
    stagesOf,
  };
}
