// XML responses of the AWS query protocol (IAM, STS): `<OpResponse xmlns=…><OpResult>…</OpResult>
// <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>`, written by walking the
// output shape of the model, and `<ErrorResponse>` for errors. Lists are `<member>` elements,
// timestamps ISO 8601 in UTC, booleans lower-case; every text is XML-escaped.

import type { MemberRef, ServiceModel, ShapeDescriptor } from "../contract/model-types.js";
import type { ServiceError } from "../contract/service-error.js";

export const XML_CONTENT_TYPE = "text/xml";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#xD;", "\n": "&#xA;" };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r\n]/g, (c) => ESCAPES[c]!);
}

/** ISO 8601 in UTC, to the second when there is no fraction, as IAM writes CreateDate. */
export function isoTimestamp(value: unknown): string | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

class XmlWriter {
  private readonly parts: string[] = [];
  constructor(private readonly model: ServiceModel) {}

  text(): string {
    return this.parts.join("");
  }

  raw(s: string): void {
    this.parts.push(s);
  }

  shape(name: string): ShapeDescriptor {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`model ${this.model.metadata.serviceId} has no shape ${name}`);
    return shape;
  }

  /** The members of a structure, in model order; absent (undefined or null) members are left out. */
  members(shape: ShapeDescriptor, value: Record<string, unknown>): void {
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const member = value[name];
      if (member === undefined || member === null) continue;
      this.value(ref, member, ref.locationName ?? name);
    }
  }

  value(ref: MemberRef, value: unknown, tag: string): void {
    const shape = this.shape(ref.shape);
    switch (shape.type) {
      case "structure":
        this.raw(`<${tag}>`);
        this.members(shape, (value ?? {}) as Record<string, unknown>);
        return this.raw(`</${tag}>`);
      case "list": {
        const items = Array.isArray(value) ? value : [];
        const itemTag = shape.member!.locationName ?? "member";
        if (ref.flattened || shape.flattened) {
          for (const item of items) this.value(shape.member!, item, shape.member!.locationName ?? tag);
          return;
        }
        this.raw(`<${tag}>`);
        for (const item of items) this.value(shape.member!, item, itemTag);
        return this.raw(`</${tag}>`);
      }
      case "map": {
        const entries = Object.entries((value ?? {}) as Record<string, unknown>);
        const [keyTag, valueTag] = [shape.key!.locationName ?? "key", shape.value!.locationName ?? "value"];
        const flat = ref.flattened || shape.flattened;
        if (!flat) this.raw(`<${tag}>`);
        for (const [k, v] of entries) {
          this.raw(flat ? `<${tag}>` : "<entry>");
          this.raw(`<${keyTag}>${escapeXml(k)}</${keyTag}>`);
          this.value(shape.value!, v, valueTag);
          this.raw(flat ? `</${tag}>` : "</entry>");
        }
        if (!flat) this.raw(`</${tag}>`);
        return;
      }
      case "timestamp": {
        const iso = isoTimestamp(value);
        if (iso !== undefined) this.raw(`<${tag}>${iso}</${tag}>`);
        return;
      }
      case "blob":
        return this.raw(`<${tag}>${Buffer.isBuffer(value) ? value.toString("base64") : escapeXml(String(value))}</${tag}>`);
      default:
        // strings, numbers and booleans: their text (booleans are "true"/"false" already)
        return this.raw(`<${tag}>${escapeXml(String(value))}</${tag}>`);
    }
  }
}

/** The whole response document of a successful call. */
export function renderQueryResponse(model: ServiceModel, operation: string, output: object | undefined, requestId: string): string {
  const spec = model.operations[operation];
  const w = new XmlWriter(model);
  const ns = model.metadata.xmlNamespace ?? "";
  w.raw(`<${operation}Response xmlns="${escapeXml(ns)}">`);
  if (spec?.output) {
    const shape = w.shape(spec.output);
    if (spec.resultWrapper) w.raw(`<${spec.resultWrapper}>`);
    w.members(shape, (output ?? {}) as Record<string, unknown>); // an output object, read member by member
    if (spec.resultWrapper) w.raw(`</${spec.resultWrapper}>`);
  }
  w.raw(`<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${operation}Response>`);
  return w.text();
}

/** `<ErrorResponse>`: Type is Sender for the caller's faults (4xx), Receiver for the server's. */
export function renderQueryError(model: ServiceModel | undefined, error: ServiceError, requestId: string): string {
  const ns = model?.metadata.xmlNamespace ?? "";
  const type = error.status >= 500 ? "Receiver" : "Sender";
  return (
    `<ErrorResponse xmlns="${escapeXml(ns)}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
