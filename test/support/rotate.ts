// Driving a built-in rotator through AWS's four steps, as the rotation engine does, over a fake
// Secrets Manager (fake-rotator-api.ts).

import { builtinRotator } from "../../src/rotation/builtin/builtin-rotators.js";
import type { RotationFunction, RotationStep } from "../../src/rotation/rotation-function.js";
import type { FakeSecrets } from "./fake-rotator-api.js";

export const STEPS: readonly RotationStep[] = ["createSecret", "setSecret", "testSecret", "finishSecret"];

export function rotatorFor(functionName: string, secrets: FakeSecrets): RotationFunction {
  const rotator = builtinRotator(functionName, secrets.api);
  if (!rotator) throw new Error(`no built-in rotator ${functionName}`);
  return rotator;
}

/** Runs `steps` (all four by default) with `token`, which RotateSecret has staged AWSPENDING. */
export async function runSteps(rotator: RotationFunction, arn: string, token: string, steps = STEPS): Promise<void> {
  for (const Step of steps) await rotator.invoke({ SecretId: arn, ClientRequestToken: token, Step });
}

/** One whole rotation with a new token: staged, then the four steps. */
export async function rotate(secrets: FakeSecrets, rotator: RotationFunction, arn: string, token: string): Promise<void> {
  secrets.stageRotation(arn, token);
  await runSteps(rotator, arn, token);
}
