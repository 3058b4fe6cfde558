// Secrets Manager's error values, with AWS's exact messages.

import { ServiceError, invalidParameter, invalidRequest, notFound } from "../contract/service-error.js";
import type { SecretsManagerErrorCode } from "../generated/secretsmanager-api.js";

/** An error of the Secrets Manager model (ValidationException and AccessDeniedException are the protocol's). */
export const secretsError = (code: SecretsManagerErrorCode, message: string) => new ServiceError(code, message);

export const secretNotFound = () => notFound();
export const markedForDeletion = () =>
  invalidRequest("You can't perform this operation on the secret because it was marked for deletion.");
export const nameScheduledForDeletion = () =>
  invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
export const secretExists = (name: string) =>
  secretsError("ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
/** A ClientRequestToken already names a version of the secret with another value (AWS's wording). */
export const versionExists = (token: string, arn: string) =>
  secretsError("ResourceExistsException", `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`);
export const bothValues = () =>
  invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
export const missingToken = () =>
  invalidRequest("You must provide a ClientRequestToken value. We recommend a UUID-type value.");
export const invalidName = () =>
  new ServiceError(
    "ValidationException",
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
  );
export const noValueForStage = (stage: string) =>
  notFound(`Secrets Manager can't find the specified secret value for staging label: ${stage}`);
export const noValueForVersion = (versionId: string) =>
  notFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
export const stageNotOnVersion = () =>
  invalidRequest("You provided a VersionStage that is not associated to the provided VersionId.");
export const encryptionFailure = () =>
  secretsError(
    "EncryptionFailure",
    "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state. For more information, see Key state: Effect on your KMS key.",
  );
export const decryptionFailure = () =>
  secretsError("DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key.");
export const tooManyLabels = () =>
  secretsError("LimitExceededException", "A secret can have at most 20 staging labels.");
export const tooManyVersions = () =>
  secretsError(
    "LimitExceededException",
    "A secret can have at most 100 versions. Secrets Manager removes versions without staging labels once they are more than 24 hours old.",
  );
