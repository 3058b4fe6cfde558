// KMS error values with AWS's codes and messages. Where a message is Meridian's own (AWS's is not
// known, or the case cannot arise on AWS), the comment beside it says so.

import { ServiceError } from "../contract/service-error.js";
import type { KmsErrorCode } from "../generated/kms-api.js";

/**
 * The codes KMS answers with: its model's, and those every AWS JSON service shares that the model
 * does not list (ValidationException, AccessDeniedException), and NotAuthorizedException, which
 * AWS gives for the reserved alias/aws/ prefix.
 */
export type KmsWireErrorCode = KmsErrorCode | "ValidationException" | "AccessDeniedException" | "NotAuthorizedException";

export const kmsError = (code: KmsWireErrorCode, message: string) => new ServiceError(code, message);

export const kmsNotFound = (arn: string) => kmsError("NotFoundException", `Key '${arn}' does not exist`);
export const invalidKeyId = (keyId: string) => kmsError("NotFoundException", `Invalid keyId '${keyId}'`);
export const invalidArnRegion = (region: string) => kmsError("NotFoundException", `Invalid arn ${region}`);
export const aliasNotFound = (aliasArn: string) => kmsError("NotFoundException", `Alias ${aliasArn} is not found.`);
export const keyDisabled = (arn: string) => kmsError("DisabledException", `${arn} is disabled.`);
export const keyPendingDeletion = (arn: string) => kmsError("KMSInvalidStateException", `${arn} is pending deletion.`);
/** Meridian's wording: a multi-Region primary key waiting for its replicas to be deleted first. */
export const keyPendingReplicaDeletion = (arn: string) => kmsError("KMSInvalidStateException", `${arn} is pending replica deletion.`);
export const notPendingDeletion = (arn: string) => kmsError("KMSInvalidStateException", `${arn} is not pending deletion.`);
export const invalidCiphertext = () => kmsError("InvalidCiphertextException", "");
export const incorrectKey = () =>
  kmsError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
export const kmsValidation = (message: string) => kmsError("ValidationException", message);
/**
 * Meridian's wording, in the form of the edge's model validation: the model leaves CiphertextBlob
 * optional only for a dry run that ignores the ciphertext, which this key service does not offer.
 */
export const ciphertextRequired = () =>
  kmsValidation("1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null");
export const pendingWindowOutOfRange = () => kmsValidation("PendingWindowInDays must be between 7 and 30");
/** Meridian's own messages: the request asks for something this key service does not have (asymmetric keys, …). */
export const unsupported = (message: string) => kmsError("UnsupportedOperationException", message);
/** As recorded against AWS (ReplicateKey of a replica key); Meridian also gives it wherever an operation needs the primary. */
export const notMultiRegionPrimary = (arn: string) => unsupported(`${arn} is not a multi-region primary key.`);
export const tagError = (message: string) => kmsError("TagException", message);
/** The alias/aws/ prefix belongs to AWS managed keys; AWS answers with a bare NotAuthorizedException. */
export const reservedAlias = () => kmsError("NotAuthorizedException", "");
export const malformedPolicy = (message: string) => kmsError("MalformedPolicyDocumentException", message);

/**
 * The refusals no key policy can lift (ops/key-access.ts): another account's key outside the
 * cryptographic operations, and managing an AWS managed key; worded as AWS words them. The key
 * policy itself is evaluated before the operation runs (kms-access.ts, src/authz).
 */
export const accessDenied = (principalArn: string, action: string, resourceArn: string) =>
  kmsError(
    "AccessDeniedException",
    `User: ${principalArn} is not authorized to perform: kms:${action} on resource: ${resourceArn} because no resource-based policy allows the kms:${action} action`,
  );
