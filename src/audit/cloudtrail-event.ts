// An audited call as a CloudTrail event (issue 5): the record `meridian audit` lists and exports.
// Parameters and response elements pass through the service model, so only modelled members are
// kept, and every value the model marks sensitive (or whose name says it is a secret) is replaced.

import type { AuditedCall } from "./audit-types.js";
import type { CloudTrailEvent, UserIdentity } from "../contract/audit-records.js";
import type { ServiceModel, ShapeDescriptor } from "../contract/model-types.js";

export const HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

/** Member names whose values never reach an event, whatever a model says of them. */
const ALWAYS_HIDDEN = new Set([
  "SecretString",
  "SecretBinary",
  "Plaintext",
  "RandomPassword",
  "SecretAccessKey",
  "SessionToken",
  "Password",
  "NewPassword",
  "OldPassword",
  // CloudFormation: a parameter may be NoEcho, and a template may hold a literal SecretString
  "ParameterValue",
  "ResolvedValue",
  "TemplateBody",
]);

export function toCloudTrailEvent(call: AuditedCall, eventId: string): CloudTrailEvent {
  const spec = Object.hasOwn(call.model.operations, call.operation) ? call.model.operations[call.operation] : undefined;
  const readOnly = isReadOnly(call.service, call.operation);
  const error = call.error && {
    errorCode: call.error.code,
    ...(call.error.message ? { errorMessage: call.error.message } : {}),
  };
  return {
    eventVersion: "1.08",
    userIdentity: userIdentity(call),
    eventTime: isoSeconds(call.time),
    eventSource: eventSource(call.service),
    eventName: call.operation,
    awsRegion: call.region,
    sourceIPAddress: call.sourceIp,
    userAgent: call.userAgent,
    ...error, // where CloudTrail puts it
    requestParameters: spec?.input && call.input !== undefined ? redactStructure(call.model, spec.input, call.input) : null,
    // CloudTrail leaves out what a read returned (GetSecretValue's value among it), and failures have no output.
    responseElements:
      !readOnly && !call.error && spec?.output && call.output !== undefined
        ? redactStructure(call.model, spec.output, call.output)
        : null,
    requestID: call.requestId,
    eventID: eventId,
    readOnly,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: call.principal.account,
    eventCategory: "Management",
  };
}

/** Meridian's own operator endpoints (accounts) are no AWS service: their source is plainly "meridian". */
function eventSource(service: string): string {
  return service === "meridian" ? "meridian" : `${service}.amazonaws.com`;
}

/** KMS cryptographic operations read nothing they change; CloudTrail marks them read-only. */
const READ_ONLY_OPERATIONS: Record<string, ReadonlySet<string>> = {
  kms: new Set([
    "Encrypt",
    "Decrypt",
    "ReEncrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateRandom",
    "GenerateMac",
    "VerifyMac",
    "Sign",
    "Verify",
    "DeriveSharedSecret",
  ]),
};

const READ_ONLY_PREFIXES = ["Get", "List", "Describe", "BatchGet", "Validate"];

export function isReadOnly(service: string, operation: string): boolean {
  if (READ_ONLY_OPERATIONS[service]?.has(operation)) return true;
  return READ_ONLY_PREFIXES.some((p) => operation.startsWith(p) && /^[A-Z]/.test(operation.slice(p.length)));
}

function userIdentity(call: AuditedCall): UserIdentity {
  const p = call.principal;
  const common = { arn: p.arn, accountId: p.account, accessKeyId: call.accessKeyId };
  let identity: UserIdentity;
  switch (p.type) {
    case "Root":
      identity = { type: "Root", principalId: p.account, ...common };
      break;
    case "User":
      identity = { type: "IAMUser", principalId: p.userId ?? p.arn, ...common, userName: p.username ?? lastSegment(p.arn) };
      break;
    case "AssumedRole":
    case "Role":
      identity = { type: p.type, principalId: p.userId ?? p.arn, ...common };
      break;
    case "Service":
      return { type: "AWSService", invokedBy: p.arn };
    case "Anonymous":
      return { type: "Unknown", principalId: "", accountId: p.account };
  }
  if (call.session) {
    const issuer = call.session.issuerArn;
    identity.sessionContext = {
      sessionIssuer: {
        type: call.session.issuerType,
        // an assumed-role principal id is "<role id>:<session name>"
        principalId: (p.userId ?? issuer).split(":")[0],
        arn: issuer,
        accountId: p.account,
        userName: lastSegment(issuer),
      },
      webIdFederationData: {},
      attributes: { creationDate: isoSeconds(call.session.createdAt), mfaAuthenticated: call.session.mfa ? "true" : "false" },
    };
  }
  return identity;
}

/** The name at the end of an ARN's resource: alice in …:user/team/alice. */
function lastSegment(arn: string): string {
  const resource = arn.slice(arn.lastIndexOf(":") + 1);
  return resource.slice(resource.lastIndexOf("/") + 1);
}

/** "2026-11-28T17:37:00Z": CloudTrail's event times have no milliseconds. */
// Events come many to a second: the last second formatted is kept.
let lastSecond = { second: Number.NaN, text: "" };

function isoSeconds(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== lastSecond.second) lastSecond = { second, text: new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") };
  return lastSecond.text;
}

/**
 * A member name as CloudTrail shows it (Java bean style): SecretId → secretId, but AWSAccountId
 * stays as it is, and an all-capitals name is lowered whole (ARN → arn, as Secrets Manager shows
 * it since 2024).
 */
export function cloudTrailName(member: string): string {
  if (/^[A-Z0-9]+$/.test(member)) return member.toLowerCase();
  if (/^[A-Z]{2}/.test(member)) return member;
  return member.charAt(0).toLowerCase() + member.slice(1);
}

/** A request or response structure as CloudTrail shows it; null if it is not one. */
export function redactStructure(model: ServiceModel, shapeName: string, value: unknown): Record<string, unknown> | null {
  const shape = model.shapes[shapeName];
  if (!shape || shape.type !== "structure") return null;
  const out = redact(model, shape, value);
  return out === undefined ? null : (out as Record<string, unknown>);
}

/**
 * The value as an event may hold it, or undefined to leave it out: members the model does not
 * name (they could be anything), blobs (ciphertexts, as CloudTrail leaves them out) and values
 * that do not have their shape's type.
 */
function redact(model: ServiceModel, shape: ShapeDescriptor, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (shape.sensitive) return HIDDEN;
  switch (shape.type) {
    case "structure": {
      if (!isPlainObject(value)) return undefined;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const key = ref.locationName !== undefined && ref.location === undefined ? ref.locationName : name;
        const member = Object.hasOwn(value, key) ? value[key] : Object.hasOwn(value, name) ? value[name] : undefined;
        if (member === undefined || member === null) continue;
        const memberShape = model.shapes[ref.shape];
        const shown = ALWAYS_HIDDEN.has(name) ? HIDDEN : memberShape ? redact(model, memberShape, member) : undefined;
        if (shown !== undefined) out[cloudTrailName(name)] = shown;
      }
      return out;
    }
    case "list": {
      const element = shape.member && model.shapes[shape.member.shape];
      if (!Array.isArray(value) || !element) return undefined;
      return value.map((v) => redact(model, element, v) ?? null);
    }
    case "map": {
      const valueShape = shape.value && model.shapes[shape.value.shape];
      if (!isPlainObject(value) || !valueShape) return undefined;
      // keys are the caller's data (tags, encryption context), shown as given
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const shown = redact(model, valueShape, v);
        if (shown !== undefined) out[k] = shown;
      }
      return out;
    }
    case "string":
      return typeof value === "string" ? value : undefined;
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "integer":
    case "long":
    case "float":
    case "double":
      return typeof value === "number" ? value : undefined;
    case "timestamp":
      return cloudTrailDate(value);
    case "blob":
      return undefined;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A timestamp member as CloudTrail prints it, in UTC: "Aug 10, 2022, 10:38:27 PM". */
function cloudTrailDate(value: unknown): string | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value * 1000 : Number.NaN;
  if (!Number.isFinite(ms)) return typeof value === "string" ? value : undefined;
  const d = new Date(ms);
  const h = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, "0");
  const time = `${h % 12 || 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${time}`;
}
