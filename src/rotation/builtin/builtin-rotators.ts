// The rotators Meridian serves itself, under AWS's rotation template names (issue 13 item 3): a
// RotationLambdaARN whose function name is one of them runs here; any other name is invoked through
// the Lambda Invoke API.

import type { RotationFunction } from "../rotation-function.js";
import { alternatingUsersRotator, singleUserRotator } from "./database-rotator.js";
import { mariadbEngine, mysqlEngine } from "./mysql-engine.js";
import { passwordRotator } from "./password-rotator.js";
import { postgresEngine } from "./postgres-engine.js";
import type { RotatorSecretsApi } from "./rotator-api.js";
import { runStep, type RotatorSteps } from "./rotator-steps.js";

/** The generic rotator's name: only a password-like value changes, no database is touched. */
export const GENERIC_PASSWORD_ROTATOR = "MeridianGenericPasswordRotation";

const rotators = new Map<string, RotatorSteps>([
  ["SecretsManagerRDSPostgreSQLRotationSingleUser", singleUserRotator(postgresEngine)],
  ["SecretsManagerRDSPostgreSQLRotationMultiUser", alternatingUsersRotator(postgresEngine)],
  ["SecretsManagerRDSMySQLRotationSingleUser", singleUserRotator(mysqlEngine)],
  ["SecretsManagerRDSMySQLRotationMultiUser", alternatingUsersRotator(mysqlEngine)],
  ["SecretsManagerRDSMariaDBRotationSingleUser", singleUserRotator(mariadbEngine)],
  ["SecretsManagerRDSMariaDBRotationMultiUser", alternatingUsersRotator(mariadbEngine)],
  [GENERIC_PASSWORD_ROTATOR, passwordRotator],
]);

/** The built-in rotator named `functionName`, bound to `api`; undefined when there is none by that name. */
export function builtinRotator(functionName: string, api: RotatorSecretsApi): RotationFunction | undefined {
  const steps = rotators.get(functionName);
  return steps && { invoke: (event) => runStep(steps, api, event) };
}
