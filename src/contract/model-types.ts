// The compact, documentation-free form of a botocore service model that scripts/generate-models.ts
// writes to src/generated/. The edge routes, validates and serializes errors from it; nothing here
// is hand-maintained per service.

export type ShapeType =
  | "structure"
  | "list"
  | "map"
  | "string"
  | "integer"
  | "long"
  | "float"
  | "double"
  | "boolean"
  | "blob"
  | "timestamp";

/** A reference from a structure member, list member or map key/value to a named shape. */
export interface MemberRef {
  shape: string;
  /** wire name when it differs from the member name (headers, URI labels) */
  locationName?: string;
  /** where a rest-json member travels: "header", "uri", "querystring", "headers", "statusCode" */
  location?: string;
  /** the SDKs fill this member with a fresh UUID when the caller omits it */
  idempotencyToken?: true;
  /** query/XML protocols: a list member written without its wrapper element */
  flattened?: true;
}

export interface ShapeDescriptor {
  type: ShapeType;
  /** structure: member names that must be present, in model order */
  required?: readonly string[];
  /** structure: member name → reference, in model order (the order validation errors come in) */
  members?: Readonly<Record<string, MemberRef>>;
  /** list: the element shape */
  member?: MemberRef;
  /** map: key and value shapes */
  key?: MemberRef;
  value?: MemberRef;
  /** length (string, blob, list, map) or value range (numbers) */
  min?: number;
  max?: number;
  /** Java regular expression the whole string must match */
  pattern?: string;
  enum?: readonly string[];
  /** values of this shape never appear in messages or logs */
  sensitive?: true;
  /** structure used as an error */
  exception?: true;
  /** a server-side error (5xx) */
  fault?: true;
  /** HTTP status the error is returned with, when the model says */
  httpStatusCode?: number;
  timestampFormat?: string;
  /** query protocol: a list written without its wrapper element (Name.1, not Name.member.1) */
  flattened?: true;
  /** error shape: the code on the wire when it is not the shape's name (query: NoSuchEntity) */
  errorCode?: string;
}

export interface OperationDescriptor {
  /** input structure shape name */
  input?: string;
  /** output structure shape name */
  output?: string;
  /** error structure shape names the model lists for the operation */
  errors: readonly string[];
  http: { method: string; requestUri: string; responseCode?: number };
  /** query protocol: the element the output is wrapped in (CreateUserResult) */
  resultWrapper?: string;
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  serviceId: string;
  /** "json" (AWS JSON 1.x, X-Amz-Target routing), "rest-json" or "query" (IAM, STS) */
  protocol: string;
  /** SigV4 service name; botocore falls back to endpointPrefix, and so does the generator */
  signingName: string;
  /** X-Amz-Target prefix, JSON protocol only */
  targetPrefix?: string;
  /** "1.0" or "1.1", JSON protocol only */
  jsonVersion?: string;
  /** query protocol: the XML namespace of responses and errors */
  xmlNamespace?: string;
}

export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Readonly<Record<string, OperationDescriptor>>;
  shapes: Readonly<Record<string, ShapeDescriptor>>;
}
