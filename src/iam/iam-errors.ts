// IAM's refusals, each with the code and HTTP status the IAM model gives its error shape and the
// message IAM words it with (where AWS's words were not at hand, the closest ones IAM uses elsewhere).

import { ServiceError } from "../contract/service-error.js";
import type { IamErrorCode } from "../generated/iam-api.js";

export type EntityKind = "user" | "group" | "role";
const Title = { user: "User", group: "Group", role: "Role" } as const;

/** The model's codes, and the two common errors of the query APIs that IAM answers with but does not model. */
type IamCode = IamErrorCode | "ValidationError" | "AccessDenied";
export const iamError = (code: IamCode, status: number) => (message: string) => new ServiceError(code, message, status);

export const noSuchEntity = iamError("NoSuchEntity", 404);
export const entityAlreadyExists = iamError("EntityAlreadyExists", 409);
export const deleteConflict = iamError("DeleteConflict", 409);
export const limitExceeded = iamError("LimitExceeded", 409);
export const validationError = iamError("ValidationError", 400);
export const accessDenied = iamError("AccessDenied", 403);

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
