// IAM's refusals, each with the code and HTTP status the IAM model gives its error shape and the
// message IAM words it with (where AWS's words were not at hand, the closest ones IAM uses elsewhere).

import { ServiceError } from "../contract/service-error.js";

export type EntityKind = "user" | "group" | "role";
const Title = { user: "User", group: "Group", role: "Role" } as const;

export const noSuchEntity = (message: string) => new ServiceError("NoSuchEntity", message, 404);
export const entityAlreadyExists = (message: string) => new ServiceError("EntityAlreadyExists", message, 409);
export const deleteConflict = (message: string) => new ServiceError("DeleteConflict", message, 409);
export const limitExceeded = (message: string) => new ServiceError("LimitExceeded", message, 409);
export const invalidInput = (message: string) => new ServiceError("InvalidInput", message, 400);
export const validationError = (message: string) => new ServiceError("ValidationError", message, 400);
export const accessDenied = (message: string) => new ServiceError("AccessDenied", message, 403);

/** "The user with name bob cannot be found." */
export const entityNotFound = (kind: EntityKind, name: string) => noSuchEntity(`The ${kind} with name ${name} cannot be found.`);
/** "User with name bob already exists." */
export const entityExists = (kind: EntityKind, name: string) => entityAlreadyExists(`${Title[kind]} with name ${name} already exists.`);
/** "The user policy with name p cannot be found." */
export const inlinePolicyNotFound = (kind: EntityKind, name: string) => noSuchEntity(`The ${kind} policy with name ${name} cannot be found.`);
export const policyNotAttachable = (arn: string) => noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
export const policyNotFound = (arn: string) => noSuchEntity(`Policy ${arn} was not found.`);
export const policyVersionNotFound = (arn: string, versionId: string) =>
  noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
export const accessKeyNotFound = (accessKeyId: string) => noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
export const quota = (name: string, limit: number) => limitExceeded(`Cannot exceed quota for ${name}: ${limit}`);
