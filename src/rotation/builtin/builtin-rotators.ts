// The rotators Meridian serves itself, under AWS's rotation template names (issue 13 item 3): a
// RotationLambdaARN whose function name is one of them runs here; any other name is invoked through
// the Lambda Invoke API.

import type { RotationFunction } from "../rotation-function.js";
import type { RotatorSecretsApi } from "./rotator-api.js";

type Rotator = (api: RotatorSecretsApi, event: Parameters<RotationFunction["invoke"]>[0]) => Promise<void>;

const rotators = new Map<string, Rotator>();

/** The built-in rotator named `functionName`, bound to `api`; undefined when there is none by that name. */
export function builtinRotator(functionName: string, api: RotatorSecretsApi): RotationFunction | undefined {
  const rotator = rotators.get(functionName);
  return rotator && { invoke: (event) => rotator(api, event) };
}
