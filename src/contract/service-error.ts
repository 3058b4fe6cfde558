// Errors are values: each carries the AWS error code, HTTP status and message, and the edge
// serializes every one the same way (DESIGN §8). Nothing decides behaviour by matching messages.

export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}

/** An error with members beside `message` in its body (ValidationException's reason and fieldList). */
export class RestJsonError extends ServiceError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly members: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, status);
  }
}

export const notFound = (message = "Secrets Manager can't find the specified secret.") =>
  new ServiceError("ResourceNotFoundException", message);
export const invalidParameter = (message: string) => new ServiceError("InvalidParameterException", message);
export const invalidRequest = (message: string) => new ServiceError("InvalidRequestException", message);
export const validation = (message: string) => new ServiceError("ValidationException", message);
