// What a failure that is not a service's own error answers: the protocol's internal error, the
// 500 fault every AWS model declares for a failure on the server's side (Secrets Manager's
// InternalServiceError, KMS's KMSInternalException, Account's InternalServerException, the query
// protocol's InternalFailure): SDKs treat it as the server's fault, retry it a few times, then hand
// the message to the caller. The message reveals nothing, except where the store says what the
// client should hear: a Region out of service (its store damaged or unopenable, issue 12 item 3:
// the Region and what the operator must do; the file is in the log, not in answers), or a store
// that cannot take changes now (a full disk, item 1: reads still work).

import { ServiceError } from "../contract/service-error.js";
import { StoreFault } from "../store/store-fault.js";
import { StoreUnavailable } from "../store/store.js";

export function asServiceError<E extends ServiceError>(error: unknown, internal: (message?: string) => E): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof StoreFault) return internal(error.clientMessage);
  return error instanceof StoreUnavailable ? internal(error.message) : internal();
}
