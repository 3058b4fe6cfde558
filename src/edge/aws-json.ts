// The AWS JSON 1.1 protocol (DESIGN §8): `POST /` with `X-Amz-Target: <prefix>.<Operation>`, a JSON
// body in, JSON out, errors as {"__type", message} with the member name the model gives the error.

import type { ServiceModel } from "./model-types.js";
import { ServiceError } from "./service-error.js";
import { validateInput } from "./validate.js";
import type { OperationTable, CallContext } from "../region/call-context.js";

export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

export interface JsonService {
  model: ServiceModel;
  /** signing name, e.g. "secretsmanager" or "kms" */
  signingName: string;
}

/** The operation named by an X-Amz-Target header, or undefined if it names another service. */
export function operationOf(service: JsonService, target: string): string | undefined {
  const prefix = service.model.metadata.targetPrefix + ".";
  return target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new ServiceError("SerializationException", "Start of structure or map found where not expected.");
  }
}

export async function invokeJson(
  service: JsonService,
  operations: OperationTable,
  operation: string,
  ctx: CallContext,
  body: Buffer,
): Promise<unknown> {
  const spec = service.model.operations[operation];
  const handler = operations[operation];
  if (!spec || !handler) throw new ServiceError("UnknownOperationException", "");
  const input = parseJsonBody(body);
  if (spec.input) validateInput(service.model, spec.input, input);
  return handler(ctx, input ?? {});
}

/** JSON text of an output: undefined members dropped (JSON.stringify does that). */
export function serializeOutput(output: unknown): string {
  return JSON.stringify(output ?? {});
}

export function serializeError(model: ServiceModel | undefined, error: ServiceError): string {
  const shape = model?.shapes[error.code];
  const members = shape && "members" in shape ? Object.keys(shape.members ?? {}) : [];
  const messageMember = members.includes("Message") ? "Message" : "message";
  return JSON.stringify({ __type: error.code, [messageMember]: error.message });
}
