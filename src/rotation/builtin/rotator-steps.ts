// What every AWS rotation template does around its own steps: check that the token's version is
// staged for rotation, read a version's JSON, and finish by moving AWSCURRENT. A rotator's own
// createSecret/setSecret/testSecret plug in beside these (database-rotator.ts, password-rotator.ts).

import { ServiceError } from "../../contract/service-error.js";
import { RotationStepError, type RotationEvent } from "../rotation-function.js";
import type { RotatorSecretsApi } from "./rotator-api.js";

export interface RotatorSteps {
  createSecret(api: RotatorSecretsApi, arn: string, token: string): Promise<void>;
  setSecret(api: RotatorSecretsApi, arn: string, token: string): Promise<void>;
  testSecret(api: RotatorSecretsApi, arn: string, token: string): Promise<void>;
}

/**
 * Runs one step as the templates' lambda_handler does: a token already AWSCURRENT is done, a
 * token not AWSPENDING is refused. Any failure becomes a RotationStepError saying why.
 */
export async function runStep(steps: RotatorSteps, api: RotatorSecretsApi, event: RotationEvent): Promise<void> {
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
  try {
    const metadata = await api.describeSecret(arn);
    if (metadata.RotationEnabled === false) throw new RotationStepError(`Secret ${arn} is not enabled for rotation`);
    const stages = metadata.VersionIdsToStages[token];
    if (!stages) throw new RotationStepError(`Secret version ${token} has no stage for rotation of secret ${arn}.`);
    if (stages.includes("AWSCURRENT")) return;
    if (!stages.includes("AWSPENDING")) {
      throw new RotationStepError(`Secret version ${token} not set as AWSPENDING for rotation of secret ${arn}.`);
    }
    switch (step) {
      case "createSecret":
        return await steps.createSecret(api, arn, token);
      case "setSecret":
        return await steps.setSecret(api, arn, token);
      case "testSecret":
        return await steps.testSecret(api, arn, token);
      case "finishSecret":
        return await finishSecret(api, arn, token);
      default:
        throw new RotationStepError(`Invalid step parameter ${String(step)} for secret ${arn}`);
    }
  } catch (e) {
    throw asStepError(step, e);
  }
}

/** Moves AWSCURRENT to the token's version, off the version that holds it; nothing when already there. */
async function finishSecret(api: RotatorSecretsApi, arn: string, token: string): Promise<void> {
  const metadata = await api.describeSecret(arn);
  const current = Object.entries(metadata.VersionIdsToStages).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
  if (current === token) return;
  await api.updateSecretVersionStage({
    SecretId: arn,
    VersionStage: "AWSCURRENT",
    MoveToVersionId: token,
    ...(current !== undefined && { RemoveFromVersionId: current }),
  });
}

export const isNotFound = (e: unknown): boolean => e instanceof ServiceError && e.code === "ResourceNotFoundException";

/** The SecretString of a version (by stage, and by token when given), parsed as a JSON object. */
export async function readSecretJson(
  api: RotatorSecretsApi,
  arn: string,
  stage: string,
  token?: string,
): Promise<Record<string, unknown>> {
  const value = await api.getSecretValue({ SecretId: arn, VersionStage: stage, ...(token !== undefined && { VersionId: token }) });
  if (value.SecretString === undefined) throw new RotationStepError(`The ${stage} version of secret ${arn} has no SecretString`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.SecretString);
  } catch {
    throw new RotationStepError(`The ${stage} version of secret ${arn} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new RotationStepError(`The ${stage} version of secret ${arn} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function asStepError(step: string, e: unknown): RotationStepError {
  if (e instanceof RotationStepError) return new RotationStepError(`${step}: ${e.message}`);
  if (e instanceof ServiceError) return new RotationStepError(`${step}: ${e.code}: ${e.message}`);
  return new RotationStepError(`${step}: ${e instanceof Error ? e.message : String(e)}`);
}
