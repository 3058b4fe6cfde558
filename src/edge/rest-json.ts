// The rest-json protocol (DESIGN §8; the Account API): the request's path names the operation (the
// model's requestUri), a JSON body in and out. The Account API answers from behind API Gateway, so
// its errors are API Gateway's: the code in the x-amzn-ErrorType header, {"message", ...} in the
// body (what the SDKs and botocore read), and every authentication failure a 403.

import type { OperationDescriptor, ServiceModel } from "../contract/model-types.js";
import { RestJsonError, ServiceError } from "../contract/service-error.js";
import type { Caller } from "./authenticate.js";
import type { AnyOperationTable } from "../contract/call-context.js";
import { encodeJsonOutput } from "./wire-timestamps.js";
import type { Dispatch } from "./dispatch.js";

export const REST_JSON_CONTENT_TYPE = "application/json";

export interface RestJsonService {
  model: ServiceModel;
  /** SigV4 service name, e.g. "account" */
  signingName: string;
  /** answered for the whole partition: any hosted Region of it may be the credential scope, enabled or not */
  global: boolean;
  /** the check the service's front end makes of the body once the caller is known */
  validate(model: ServiceModel, shapeName: string, input: unknown): void;
}

export interface RestRoute {
  service: RestJsonService;
  operation: string;
  spec: OperationDescriptor;
}

/** Finds the operation a path names, whatever the method (a wrong one is refused the service's way). */
export function makeRestRouter(services: readonly RestJsonService[]): (path: string) => RestRoute | undefined {
  const routes = new Map<string, RestRoute>();
  for (const service of services) {
    for (const [operation, spec] of Object.entries(service.model.operations)) {
      routes.set(spec.http.requestUri, { service, operation, spec });
    }
  }
  return (path) => routes.get(path);
}

export interface RestJsonRequest {
  method: string;
  contentType: string | undefined;
  /** the body, read by `authenticate` once the signature's head passed */
  body(): Buffer;
  requestId: string;
}

export interface RestJsonDeps {
  authenticate(service: RestJsonService): Promise<Caller>;
  /** the operation table of a global service, by signing name */
  operations(signingName: string): AnyOperationTable | undefined;
  /** runs the call: validation, authorization, the operation, the audit trail */
  dispatch(d: Pick<Dispatch, "service" | "operation" | "caller" | "input" | "validate" | "handler">): Promise<object>;
}

/** Serves one request; resolves to the JSON response body, or throws a ServiceError. */
export async function answerRestJson(route: RestRoute, req: RestJsonRequest, deps: RestJsonDeps): Promise<string> {
  // API Gateway's order: the route (method and path), the signature, then the body.
  if (req.method !== route.spec.http.method) throw new RestJsonError("MissingAuthenticationTokenException", "Missing Authentication Token", 403);
  let caller: Caller;
  try {
    caller = await deps.authenticate(route.service);
  } catch (e) {
    if (e instanceof ServiceError) throw new RestJsonError(e.code, e.message, 403);
    throw e;
  }
  const type = req.contentType?.split(";")[0]!.trim().toLowerCase();
  if (type !== undefined && type !== "" && type !== REST_JSON_CONTENT_TYPE) {
    throw new RestJsonError("UnsupportedMediaTypeException", "Unsupported Media Type", 415);
  }
  const input = parseBody(req.body());
  const operations = deps.operations(route.service.signingName);
  const handler = operations && Object.hasOwn(operations, route.operation) ? operations[route.operation] : undefined;
  if (!handler) {
    throw new RestJsonError("UnknownOperationException", `Meridian does not implement ${route.service.model.metadata.serviceId} ${route.operation}.`, 501);
  }
  const output = await deps.dispatch({
    service: { signingName: route.service.signingName, model: route.service.model, denied: { code: "AccessDeniedException", status: 403 } },
    operation: route.operation,
    caller,
    input,
    validate: () => route.spec.input && route.service.validate(route.service.model, route.spec.input, input),
    handler,
  });
  return encodeJsonOutput(route.service.model, route.spec.output, output);
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new RestJsonError("BadRequestException", "Invalid request body", 400);
  }
}

export function serializeRestJsonError(error: ServiceError): { status: number; headers: Record<string, string>; body: string } {
  const members = error instanceof RestJsonError ? error.members : {};
  return {
    status: error.status,
    headers: { "x-amzn-errortype": error.code },
    body: JSON.stringify({ message: error.message, ...members }),
  };
}

export const restJsonInternalError = (message = "Internal server error") => new RestJsonError("InternalServerException", message, 500);
