// What a failure that is not a service's own error answers: the protocol's internal error, with a
// message that reveals nothing, except when the store refused a change for a reason the client
// should hear (a full disk: "reads still work; try again later").

import { ServiceError } from "../contract/service-error.js";
import { StoreUnavailable } from "../store/store.js";

export function asServiceError<E extends ServiceError>(error: unknown, internal: (message?: string) => E): ServiceError {
  if (error instanceof ServiceError) return error;
  return error instanceof StoreUnavailable ? internal(error.message) : internal();
}
