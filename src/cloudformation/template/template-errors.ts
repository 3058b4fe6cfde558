// CloudFormation's errors for templates and parameters: the query protocol's ValidationError.

import { ServiceError } from "../../contract/service-error.js";

export const validationError = (message: string) => new ServiceError("ValidationError", message, 400);
export const formatError = (message: string) => validationError(`Template format error: ${message}`);
