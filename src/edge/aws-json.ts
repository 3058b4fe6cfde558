// The AWS JSON 1.1 protocol (DESIGN §8): `POST /` with `X-Amz-Target: <prefix>.<Operation>`, a JSON
// body in, JSON out, errors as {"__type", message} with the member name the model gives the error.

import type { ServiceModel } from "../contract/model-types.js";
import { ServiceError } from "../contract/service-error.js";

export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

export interface JsonService {
  model: ServiceModel;
  /** signing name, e.g. "secretsmanager" or "kms" */
  signingName: string;
  /** the model's error for a failure on the server's side (InternalServiceError, KMSInternalException) */
  internalError: string;
}

/** The operation named by an X-Amz-Target header, or undefined if it names another service. */
export function operationOf(service: JsonService, target: string): string | undefined {
  const prefix = service.model.metadata.targetPrefix + ".";
  return target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
}

/**
 * The request body as JSON. Like AWS, a body that does not parse, or parses to anything but an
 * object or a list, is a SerializationException with no message; a list goes on to the validator,
 * which names it. An empty body is taken as `{}` (AWS wants at least `{}`, every SDK sends it).
 */
export function parseJsonBody(body: Buffer): object {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ServiceError("SerializationException", "");
  }
  if (typeof parsed !== "object" || parsed === null) throw new ServiceError("SerializationException", "");
  return parsed;
}

export function serializeError(model: ServiceModel | undefined, error: ServiceError): string {
  const shape = model?.shapes[error.code];
  const members = shape && "members" in shape ? Object.keys(shape.members ?? {}) : [];
  const messageMember = members.includes("Message") ? "Message" : "message";
  // AWS leaves the member out of the errors it gives without a message (UnknownOperationException,
  // a body that is not JSON): {"__type":"SerializationException"}.
  if (error.message === "") return JSON.stringify({ __type: error.code });
  return JSON.stringify({ __type: error.code, [messageMember]: error.message });
}
