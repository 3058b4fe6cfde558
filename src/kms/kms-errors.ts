// KMS error values with AWS's codes and messages.

import { ServiceError } from "../edge/service-error.js";

export const kmsNotFound = (arn: string) => new ServiceError("NotFoundException", `Key '${arn}' does not exist`);
export const invalidKeyId = (keyId: string) => new ServiceError("NotFoundException", `Invalid keyId '${keyId}'`);
export const invalidArnRegion = (region: string) => new ServiceError("NotFoundException", `Invalid arn ${region}`);
export const aliasNotFound = (aliasArn: string) => new ServiceError("NotFoundException", `Alias ${aliasArn} is not found.`);
export const keyDisabled = (arn: string) => new ServiceError("DisabledException", `${arn} is disabled.`);
export const keyPendingDeletion = (arn: string) => new ServiceError("KMSInvalidStateException", `${arn} is pending deletion.`);
export const invalidState = (message: string) => new ServiceError("KMSInvalidStateException", message);
export const invalidCiphertext = () => new ServiceError("InvalidCiphertextException", "");
export const incorrectKey = () =>
  new ServiceError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
export const kmsValidation = (message: string) => new ServiceError("ValidationException", message);
export const unsupported = (message: string) => new ServiceError("UnsupportedOperationException", message);
export const tagError = (message: string) => new ServiceError("TagException", message);
export const notAllowedOnAwsManagedKey = (arn: string) =>
  new ServiceError("UnsupportedOperationException", `${arn} is an AWS managed key. You cannot perform this operation on an AWS managed key.`);
