// The AWS query protocol (DESIGN §8; IAM, STS and CloudFormation): `POST /` with a form-urlencoded body naming the
// Action, the Version and the input members (`UserName=bob`, lists as `Tags.member.1.Key`, maps as
// `Attributes.entry.1.key`), an XML document back (aws-query-xml.ts). The input is read into the
// model's shapes, validated like the JSON services' (the code is IAM's ValidationError), and run
// through the same dispatch; SigV4 failures get the codes these services give them.

import { asServiceError } from "./internal-error.js";
import type { ServiceModel, ShapeDescriptor } from "../contract/model-types.js";
import { ServiceError } from "../contract/service-error.js";
import type { Caller } from "./authenticate.js";
import type { Dispatch } from "./dispatch.js";
import { parseAuthorization, type RequestHead } from "./sigv4.js";
import { validateInput } from "./validate.js";
import { renderQueryError, renderQueryResponse } from "./aws-query-xml.js";
import type { AnyOperationTable } from "../contract/call-context.js";

const QUERY_CONTENT_TYPE = "application/x-www-form-urlencoded";

export interface QueryService {
  model: ServiceModel;
  /** SigV4 service name: "iam", "sts" or "cloudformation" */
  signingName: string;
  /**
   * a regional service (CloudFormation: a stack lives in one Region) runs in the Region of the
   * credential scope; a global one (IAM, STS) in the partition's home Region
   */
  regional?: boolean;
}

/** An error of a query request, with the service whose namespace its XML carries. */
export class QueryFailure extends ServiceError {
  constructor(
    error: ServiceError,
    readonly model: ServiceModel | undefined,
  ) {
    super(error.code, error.message, error.status);
  }
}

/** Is this request one for the query protocol: a form POST without an X-Amz-Target? */
export function isQueryRequest(method: string | undefined, contentType: string | undefined, target: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return method === "POST" && type === QUERY_CONTENT_TYPE && !target;
}

// ---- reading the form into the input shape ----

interface ParamNode {
  value?: string;
  children: Map<string, ParamNode>;
}

/** The form's keys as a tree of their dot-separated segments (Tags → member → 1 → Key). */
function paramTree(pairs: Iterable<[string, string]>): ParamNode {
  const root: ParamNode = { children: new Map() };
  for (const [key, value] of pairs) {
    let node = root;
    for (const segment of key.split(".")) {
      let next = node.children.get(segment);
      if (!next) node.children.set(segment, (next = { children: new Map() }));
      node = next;
    }
    node.value = value;
  }
  return root;
}

/** Children named 1, 2, 3 … in numeric order. */
function indexed(node: ParamNode | undefined): ParamNode[] {
  if (!node) return [];
  return [...node.children.entries()]
    .filter(([k]) => /^[1-9]\d{0,5}$/.test(k))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, n]) => n);
}

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

class QueryReader {
  /** the first value that is not of its member's type; reported by validation */
  problem?: ServiceError;
  constructor(private readonly model: ServiceModel) {}

  private shape(name: string): ShapeDescriptor {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`model ${this.model.metadata.serviceId} has no shape ${name}`);
    return shape;
  }

  structure(shape: ShapeDescriptor, node: ParamNode, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const child = node.children.get(ref.locationName ?? name);
      if (!child) continue;
      out[name] = this.value(this.shape(ref.shape), child, (path ? path + "." : "") + lowerFirst(name), ref.flattened === true);
    }
    return out;
  }

  value(shape: ShapeDescriptor, node: ParamNode, path: string, flattened = false): unknown {
    switch (shape.type) {
      case "structure":
        return this.structure(shape, node, path);
      case "list": {
        const member = shape.member!;
        const items = flattened || shape.flattened ? indexed(node) : indexed(node.children.get(member.locationName ?? "member"));
        const element = this.shape(member.shape);
        return items.map((item, i) => this.value(element, item, `${path}.${i + 1}.member`));
      }
      case "map": {
        const entries = flattened || shape.flattened ? indexed(node) : indexed(node.children.get("entry"));
        const valueShape = this.shape(shape.value!.shape);
        const out: Record<string, unknown> = {};
        for (const entry of entries) {
          const key = entry.children.get(shape.key!.locationName ?? "key")?.value;
          const value = entry.children.get(shape.value!.locationName ?? "value");
          if (key !== undefined && value) out[key] = this.value(valueShape, value, `${path}.${key}.member`);
        }
        return out;
      }
      case "boolean":
        if (node.value === "true" || node.value === "false") return node.value === "true";
        return this.wrongType(node, path, "a boolean");
      case "integer":
      case "long":
        if (node.value !== undefined && /^-?\d{1,18}$/.test(node.value)) return Number(node.value);
        return this.wrongType(node, path, "an integer");
      case "float":
      case "double": {
        const n = node.value === undefined || node.value.trim() === "" ? Number.NaN : Number(node.value);
        return Number.isFinite(n) ? n : this.wrongType(node, path, "a number");
      }
      case "timestamp": {
        const raw = node.value ?? "";
        const ms = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
        // epoch seconds, as the JSON protocols give handlers and the validator expects
        return Number.isFinite(ms) ? ms / 1000 : this.wrongType(node, path, "a timestamp");
      }
      default:
        return node.value ?? "";
    }
  }

  private wrongType(node: ParamNode, path: string, what: string): undefined {
    this.problem ??= new ServiceError(
      "ValidationError",
      `1 validation error detected: Value '${node.value ?? ""}' at '${path}' failed to satisfy constraint: Member must be ${what}`,
    );
    return undefined;
  }
}

/**
 * The input of an operation from its form parameters. Values of the wrong type are left out and
 * reported by `problem`, so validation (inside dispatch, hence audited) can refuse the call.
 */
export function readQueryInput(model: ServiceModel, shapeName: string | undefined, params: Iterable<[string, string]>) {
  const reader = new QueryReader(model);
  const shape = shapeName === undefined ? undefined : model.shapes[shapeName];
  const input = shape ? reader.structure(shape, paramTree(params), "") : {};
  return { input, problem: reader.problem };
}

/** The JSON services' validation, with IAM's and STS's code for it. */
export function validateQueryInput(model: ServiceModel, shapeName: string, input: unknown): void {
  try {
    validateInput(model, shapeName, input);
  } catch (e) {
    if (e instanceof ServiceError && (e.code === "ValidationException" || e.code === "SerializationException")) {
      throw new ServiceError("ValidationError", e.message, 400);
    }
    throw e;
  }
}

// ---- errors ----

/** The SigV4 failures the authenticator raises (JSON services' codes), as IAM and STS name them. */
const AUTH_CODES: Record<string, { code: string; status: number; message?: string }> = {
  UnrecognizedClientException: { code: "InvalidClientTokenId", status: 403 },
  InvalidSignatureException: { code: "SignatureDoesNotMatch", status: 403 },
  IncompleteSignatureException: { code: "IncompleteSignature", status: 400 },
  MissingAuthenticationTokenException: { code: "MissingAuthenticationToken", status: 403, message: "Request is missing Authentication Token" },
  ExpiredTokenException: { code: "ExpiredToken", status: 403 },
};

export function queryAuthError(e: ServiceError): ServiceError {
  const mapped = AUTH_CODES[e.code];
  return mapped ? new ServiceError(mapped.code, mapped.message ?? e.message, mapped.status) : e;
}

/** The status and XML body of any failure of a query request. */
export function queryErrorResponse(e: unknown, fallback: ServiceModel | undefined, requestId: string): { status: number; body: string } {
  const model = e instanceof QueryFailure ? e.model : fallback;
  const error = asServiceError(e, (message = "An internal error has occurred.") => new ServiceError("InternalFailure", message, 500));
  return { status: error.status, body: renderQueryError(model, error, requestId) };
}

// ---- one request ----

export interface QueryRequest {
  /** the request without its body: the body is read (deps.readBody) once the signature's head passed */
  head: RequestHead;
  requestId: string;
}

export interface QueryDeps {
  services: readonly QueryService[];
  /** checks the signature's head: a request not signed by a key we hold is refused before its body is read */
  begin(): void;
  readBody(): Promise<Buffer>;
  /** the signature over the body, for the service the Action belongs to */
  authenticate(service: QueryService): Promise<Caller>;
  /** the operation table of the service (a global one's, or the caller's Region's) */
  operations(service: QueryService, caller: Caller): AnyOperationTable | undefined;
  /** runs the call: validation, authorization, the operation, the audit trail */
  dispatch(d: Pick<Dispatch, "service" | "operation" | "caller" | "input" | "validate" | "handler">, service: QueryService): Promise<object>;
}

/** The service a request is for: the one that has its Action, else the one it is signed for. */
function serviceOf(req: QueryRequest, services: readonly QueryService[], action: string | undefined): QueryService | undefined {
  const byAction = action === undefined ? undefined : services.find((s) => Object.hasOwn(s.model.operations, action));
  if (byAction) return byAction;
  try {
    const scope = parseAuthorization(req.head).credential.service;
    return services.find((s) => s.signingName === scope);
  } catch {
    return undefined;
  }
}

/** Serves one request; resolves to the XML response body, or throws a QueryFailure. */
export async function answerQuery(req: QueryRequest, deps: QueryDeps): Promise<string> {
  // Until the Action is known, errors speak for the service the request is signed for.
  let service = serviceOf(req, deps.services, undefined) ?? deps.services[0]!;
  const fail = (error: ServiceError): never => {
    throw new QueryFailure(error, service.model);
  };
  const authFailure = (e: unknown): never => {
    if (e instanceof ServiceError) fail(queryAuthError(e));
    throw e;
  };
  try {
    deps.begin();
  } catch (e) {
    authFailure(e);
  }
  const params = [...new URLSearchParams((await deps.readBody()).toString("utf8"))];
  const action = params.find(([k]) => k === "Action")?.[1];
  const version = params.find(([k]) => k === "Version")?.[1];
  service = serviceOf(req, deps.services, action) ?? deps.services[0]!;

  let caller: Caller | undefined;
  try {
    caller = await deps.authenticate(service);
  } catch (e) {
    authFailure(e);
  }
  const { model } = service;
  if (action === undefined || action === "") fail(new ServiceError("MissingAction", "Missing Action"));
  if (!Object.hasOwn(model.operations, action!) || (version !== undefined && version !== model.metadata.apiVersion)) {
    fail(new ServiceError("InvalidAction", `Could not find operation ${action} for version ${version ?? "NO_VERSION_SPECIFIED"}`));
  }
  const operations = deps.operations(service, caller!);
  const handler = operations && Object.hasOwn(operations, action!) ? operations[action!] : undefined;
  if (!handler) fail(new ServiceError("NotImplemented", `Meridian does not implement ${model.metadata.serviceId} ${action}.`, 501));

  const spec = model.operations[action!]!;
  const { input, problem } = readQueryInput(model, spec.input, params);
  try {
    const output = await deps.dispatch({
      service: { signingName: service.signingName, model, denied: { code: "AccessDenied", status: 403 } },
      operation: action!,
      caller: caller!,
      input,
      validate: () => {
        if (problem) throw problem;
        if (spec.input) validateQueryInput(model, spec.input, input);
      },
      handler: handler!,
    }, service);
    return renderQueryResponse(model, action!, output, req.requestId);
  } catch (e) {
    if (e instanceof ServiceError) fail(e);
    throw e;
  }
}
