// Masks responses the way LocalStack's snapshot transformers masked the ones it recorded against
// AWS (tests/aws/services/secretsmanager/*.snapshot.json), so that Meridian's answers and AWS's can
// be compared as plain JSON. Pure: no I/O.
//
// What LocalStack does, and so what is done here, in this order:
//  - dates become "datetime", bytes become Python's repr (b'...'), JSON-looking strings are parsed;
//  - "VersionStages" lists are sorted, "Versions" lists sorted by CreatedDate;
//  - version ids become <version_uuid:N>, numbered by first appearance: first the UUID keys of maps
//    (VersionIdsToStages), then the values of "VersionId" members (one counter for both);
//  - for each secret registered with secretIdArn(): the ARN's "-XXXXXX" suffix becomes
//    <ArnPart-Iidx>, then the name, used as a regular expression (so a name with regex
//    metacharacters such as "Valid/_+=.@-Name" does not match itself and stays as it is), becomes
//    <SecretId-Iidx>;
//  - partition, Region and account in ARNs become <partition>, <region> and 111111111111.

const PATTERN_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
export const RECORDED_ACCOUNT = "111111111111";

export interface MaskEnv {
  partition: string;
  region: string;
  accountId: string;
}

type Replacement = { find: RegExp | string; by: string };

export class SnapshotMask {
  private readonly early: Replacement[] = [];
  private readonly late: Replacement[] = [];

  constructor(private readonly env: MaskEnv) {}

  /** LocalStack's `secretsmanager_secret_id_arn(create_secret_response, index)`. */
  secretIdArn(created: { Name?: string; ARN?: string }, index: number): void {
    if (!created.Name || !created.ARN) return;
    const arnPart = created.ARN.slice(created.ARN.lastIndexOf("-"));
    this.late.push({ find: new RegExp(escapeRegex(arnPart), "g"), by: `<ArnPart-${index}idx>` });
    let nameRegex: RegExp | undefined;
    try {
      nameRegex = new RegExp(created.Name, "g");
    } catch {
      nameRegex = undefined; // not a regular expression at all: LocalStack's transformer would not match either
    }
    if (nameRegex) this.late.push({ find: nameRegex, by: `<SecretId-${index}idx>` });
  }

  /** A fixed value replaced wherever it appears, before the version-id numbering. */
  literal(value: string, by: string): void {
    this.early.push({ find: value, by });
  }

  mask(doc: Record<string, unknown>): Record<string, unknown> {
    const plain = toPlain(doc) as Record<string, unknown>;
    let text = JSON.stringify(plain);
    for (const r of this.early) text = replaceAll(text, r);
    const versions = numberVersionIds(JSON.parse(text));
    for (const [id, by] of versions) text = text.split(id).join(by);
    for (const r of this.late) text = replaceAll(text, r);
    const { partition, region, accountId } = this.env;
    text = text.split(`arn:${partition}:`).join("arn:<partition>:");
    text = text.split(`:${region}:`).join(":<region>:");
    text = text.split(`:${accountId}:`).join(`:${RECORDED_ACCOUNT}:`);
    return JSON.parse(text) as Record<string, unknown>;
  }
}

function replaceAll(text: string, r: Replacement): string {
  return typeof r.find === "string" ? text.split(r.find).join(r.by) : text.replace(r.find, () => r.by);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The version ids of a document in LocalStack's numbering order: map keys first, then VersionId values. */
function numberVersionIds(doc: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const add = (id: string) => {
    if (!found.has(id)) found.set(id, `<version_uuid:${found.size + 1}>`);
  };
  walk(doc, (key, value) => {
    if (PATTERN_UUID.test(key) && Array.isArray(value)) {
      add(key);
      return true;
    }
    return false;
  });
  walk(doc, (key, value) => {
    if (key === "VersionId" && typeof value === "string" && PATTERN_UUID.test(value)) {
      add(value);
      return true;
    }
    return false;
  });
  return found;
}

/** Visit every member of every object; `visit` returns true to stop descending into that member. */
function walk(node: unknown, visit: (key: string, value: unknown) => boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) if (!visit(k, v)) walk(v, visit);
  }
}

/** A response as LocalStack stores it before masking: JSON values only, lists sorted where it sorts them. */
function toPlain(value: unknown, key?: string): unknown {
  if (value === undefined || value === null) return value;
  if (value instanceof Date) return "datetime";
  if (value instanceof Uint8Array) return pythonBytes(value);
  if (typeof value === "string") {
    if (value.startsWith("{")) {
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) {
    let items = value;
    if (key === "VersionStages") items = [...value].sort();
    if (key === "Versions") items = [...value].sort((a, b) => dateOf(a) - dateOf(b));
    return items.map((v) => toPlain(v));
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$metadata" || v === undefined) continue;
      out[k] = toPlain(v, k);
    }
    return out;
  }
  return value;
}

function dateOf(v: unknown): number {
  const d = (v as { CreatedDate?: unknown }).CreatedDate;
  return d instanceof Date ? d.getTime() : typeof d === "number" ? d * 1000 : 0;
}

/** Python's repr() of a bytes value, which is what LocalStack's snapshot stores for a blob. */
export function pythonBytes(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let s = "";
  for (const c of bytes) {
    if (c === 0x5c) s += "\\\\";
    else if (c === quote.charCodeAt(0)) s += "\\" + quote;
    else if (c === 0x09) s += "\\t";
    else if (c === 0x0a) s += "\\n";
    else if (c === 0x0d) s += "\\r";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += "\\x" + c.toString(16).padStart(2, "0");
  }
  return `b${quote}${s}${quote}`;
}
