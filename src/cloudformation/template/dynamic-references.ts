// Dynamic references `{{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}`
// in resource properties, resolved just before a resource is made or updated, by GetSecretValue
// made as the deployer (so it is authorized and audited as theirs). The resolved value goes to the
// resource's operation only: never into a stored document, an event or GetTemplate.

import { validationError } from "./template-errors.js";

const REFERENCE = /\{\{resolve:([a-z-]+):([^}]*)\}\}/g;

export type SecretReader = (input: { SecretId: string; VersionStage?: string; VersionId?: string }) => Promise<{ SecretString?: string }>;

export function hasDynamicReference(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes("{{resolve:");
}

async function resolveOne(service: string, body: string, read: SecretReader): Promise<string> {
  if (service !== "secretsmanager") throw validationError(`Meridian does not resolve dynamic references to ${service}: only {{resolve:secretsmanager:…}}.`);
  // the secret id may be an ARN, whose parts are colon-separated too
  const parts = body.split(":");
  const arnLength = body.startsWith("arn:") ? 7 : 1;
  const secretId = parts.slice(0, arnLength).join(":");
  const [valueType = "SecretString", jsonKey = "", versionStage = "", versionId = ""] = parts.slice(arnLength);
  if (valueType !== "SecretString") throw validationError(`Dynamic reference ${secretId}: the only value type is SecretString.`);
  const out = await read({ SecretId: secretId, ...(versionStage ? { VersionStage: versionStage } : {}), ...(versionId ? { VersionId: versionId } : {}) });
  const text = out.SecretString ?? "";
  if (!jsonKey) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validationError(`Could not parse SecretString JSON of secret ${secretId}`);
  }
  const v = (parsed as Record<string, unknown>)?.[jsonKey];
  if (v === undefined) throw validationError(`Could not find SecretString JSON key ${jsonKey} in secret ${secretId}`);
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** `value` with every dynamic reference in its strings replaced by what it names. */
export async function resolveDynamicReferences(value: unknown, read: SecretReader): Promise<unknown> {
  if (typeof value === "string") {
    let out = value;
    for (const m of value.matchAll(REFERENCE)) out = out.replace(m[0], await resolveOne(m[1]!, m[2]!, read));
    return out;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveDynamicReferences(v, read)));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveDynamicReferences(v, read);
    return out;
  }
  return value;
}
