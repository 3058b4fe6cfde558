// A Region out of service (its store damaged or unopenable, issue 12 item 3) answers each call
// with its protocol's internal error, the 500 fault every AWS model declares for a failure on the
// server's side (Secrets Manager's InternalServiceError, KMS's KMSInternalException, Account's
// InternalServerException, the query protocol's InternalFailure): SDKs treat it as the server's
// fault, retry it a few times, then hand the message to the caller. The message names the Region
// and what the operator must do; the file is in the log, not in answers.

import { ServiceError } from "../contract/service-error.js";
import { StoreFault } from "../store/store-fault.js";

/** The error `error` is answered with when it is a StoreFault; undefined for any other. */
export function outOfService(error: unknown, code: string): ServiceError | undefined {
  return error instanceof StoreFault ? new ServiceError(code, error.clientMessage, 500) : undefined;
}
