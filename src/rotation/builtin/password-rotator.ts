// MeridianGenericPasswordRotation: rotation for a secret no database checks. createSecret puts a
// new random password (the `password` key of a JSON object, else the whole string) under the
// token; there is nothing to set or test; finishSecret moves AWSCURRENT as AWS's templates do.

import { RotationStepError } from "../rotation-function.js";
import type { RotatorSecretsApi } from "./rotator-api.js";
import { isNotFound, type RotatorSteps } from "./rotator-steps.js";

/** AWS's rotation template's default EXCLUDE_CHARACTERS. */
const EXCLUDE_CHARACTERS = "/@\"'\\";

export const passwordRotator: RotatorSteps = {
  async createSecret(api, arn, token) {
    const current = await api.getSecretValue({ SecretId: arn, VersionStage: "AWSCURRENT" });
    const pending = await api.getSecretValue({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
    if (pending?.SecretString !== undefined) return;
    if (current.SecretString === undefined) {
      throw new RotationStepError(`The AWSCURRENT version of secret ${arn} has no SecretString: there is no password to replace`);
    }
    const password = await api.getRandomPassword({ ExcludeCharacters: EXCLUDE_CHARACTERS });
    await api.putSecretValue({
      SecretId: arn,
      ClientRequestToken: token,
      SecretString: withNewPassword(current.SecretString, password, arn),
      VersionStages: ["AWSPENDING"],
    });
  },
  setSecret: noStep,
  testSecret: noStep,
};

function noStep(_api: RotatorSecretsApi, _arn: string, _token: string): Promise<void> {
  return Promise.resolve();
}

/** `secretString` with its password replaced: a JSON object's `password` key, else the whole string. */
function withNewPassword(secretString: string, password: string, arn: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return password;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return password;
  if (typeof (parsed as Record<string, unknown>).password !== "string") {
    throw new RotationStepError(`The JSON of secret ${arn} has no string "password" key to rotate`);
  }
  return JSON.stringify({ ...parsed, password });
}
