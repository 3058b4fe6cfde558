// KMS error values with AWS's codes and messages. Where a message is Meridian's own (AWS's is not
// known, or the case cannot arise on AWS), the comment beside it says so.

import { ServiceError } from "../contract/service-error.js";

export const kmsNotFound = (arn: string) => new ServiceError("NotFoundException", `Key '${arn}' does not exist`);
export const invalidKeyId = (keyId: string) => new ServiceError("NotFoundException", `Invalid keyId '${keyId}'`);
export const invalidArnRegion = (region: string) => new ServiceError("NotFoundException", `Invalid arn ${region}`);
export const aliasNotFound = (aliasArn: string) => new ServiceError("NotFoundException", `Alias ${aliasArn} is not found.`);
export const keyDisabled = (arn: string) => new ServiceError("DisabledException", `${arn} is disabled.`);
export const keyPendingDeletion = (arn: string) => new ServiceError("KMSInvalidStateException", `${arn} is pending deletion.`);
/** Meridian's wording: a multi-Region primary key waiting for its replicas to be deleted first. */
export const keyPendingReplicaDeletion = (arn: string) => new ServiceError("KMSInvalidStateException", `${arn} is pending replica deletion.`);
export const notPendingDeletion = (arn: string) => new ServiceError("KMSInvalidStateException", `${arn} is not pending deletion.`);
export const invalidCiphertext = () => new ServiceError("InvalidCiphertextException", "");
export const incorrectKey = () =>
  new ServiceError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
export const kmsValidation = (message: string) => new ServiceError("ValidationException", message);
export const pendingWindowOutOfRange = () => kmsValidation("PendingWindowInDays must be between 7 and 30");
/** Meridian's own messages: the request asks for something this key service does not have (asymmetric keys, …). */
export const unsupported = (message: string) => new ServiceError("UnsupportedOperationException", message);
/** As recorded against AWS (ReplicateKey of a replica key); Meridian also gives it wherever an operation needs the primary. */
export const notMultiRegionPrimary = (arn: string) => unsupported(`${arn} is not a multi-region primary key.`);
export const tagError = (message: string) => new ServiceError("TagException", message);
/** The alias/aws/ prefix belongs to AWS managed keys; AWS answers with a bare NotAuthorizedException. */
export const reservedAlias = () => new ServiceError("NotAuthorizedException", "");
export const malformedPolicy = (message: string) => new ServiceError("MalformedPolicyDocumentException", message);

/**
 * The refusals no key policy can lift (ops/key-access.ts): another account's key outside the
 * cryptographic operations, and managing an AWS managed key; worded as AWS words them. The key
 * policy itself is evaluated before the operation runs (kms-access.ts, src/authz).
 */
export const accessDenied = (principalArn: string, action: string, resourceArn: string) =>
  new ServiceError(
    "AccessDeniedException",
    `User: ${principalArn} is not authorized to perform: kms:${action} on resource: ${resourceArn} because no resource-based policy allows the kms:${action} action`,
  );
