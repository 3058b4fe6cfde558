// KMS error values with AWS's codes and messages.

import { ServiceError } from "../edge/service-error.js";

export const kmsNotFound = (ref: string) => new ServiceError("NotFoundException", `Key '${ref}' does not exist`);
export const aliasNotFound = (aliasArn: string) => new ServiceError("NotFoundException", `Alias ${aliasArn} is not found.`);
export const keyDisabled = (arn: string) => new ServiceError("DisabledException", `${arn} is disabled.`);
export const keyPendingDeletion = (arn: string) =>
  new ServiceError("KMSInvalidStateException", `${arn} is pending deletion.`);
export const invalidCiphertext = () => new ServiceError("InvalidCiphertextException", "");
export const incorrectKey = () =>
  new ServiceError("IncorrectKeyException", "The key ID in the request does not identify a KMS key that can perform this operation.");
