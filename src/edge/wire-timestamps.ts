// Timestamps between handlers and the JSON wire, as the model says. Handlers see and return `Date`
// (the generated API types timestamps so); AWS JSON and rest-json bodies carry epoch seconds unless
// the shape names another format. Only shapes that contain a timestamp are walked, so a call whose
// output has none (most) costs one lookup.

import type { MemberRef, ServiceModel, ShapeDescriptor } from "../contract/model-types.js";

const holdsTimestamp = new WeakMap<ServiceModel, Map<string, boolean>>();

/** Whether a value of `shape` can contain a timestamp anywhere inside it (memoised per model). */
function containsTimestamp(model: ServiceModel, shape: string): boolean {
  let known = holdsTimestamp.get(model);
  if (!known) holdsTimestamp.set(model, (known = new Map()));
  const cached = known.get(shape);
  if (cached !== undefined) return cached;
  known.set(shape, false); // a recursive shape reaches itself: assume no until shown otherwise
  const s = model.shapes[shape];
  const result = !!s && (s.type === "timestamp" || refsOf(s).some((r) => containsTimestamp(model, r.shape)));
  known.set(shape, result);
  return result;
}

const refsOf = (s: ShapeDescriptor): MemberRef[] =>
  [...Object.values(s.members ?? {}), s.member, s.value].filter((r): r is MemberRef => r !== undefined);

type Convert = (value: unknown, shape: ShapeDescriptor) => unknown;

/** A copy of `value` with every timestamp in it converted; other values are shared, not copied. */
function mapTimestamps(model: ServiceModel, shape: string, value: unknown, convert: Convert): unknown {
  if (value === undefined || value === null || !containsTimestamp(model, shape)) return value;
  const s = model.shapes[shape]!;
  switch (s.type) {
    case "timestamp":
      return convert(value, s);
    case "list":
      return Array.isArray(value) ? value.map((v) => mapTimestamps(model, s.member!.shape, v, convert)) : value;
    case "map":
      return typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapTimestamps(model, s.value!.shape, v, convert)]))
        : value;
    case "structure": {
      if (typeof value !== "object") return value;
      const out: Record<string, unknown> = { ...value };
      for (const [name, ref] of Object.entries(s.members ?? {})) {
        if (out[name] !== undefined) out[name] = mapTimestamps(model, ref.shape, out[name], convert);
      }
      return out;
    }
    default:
      return value;
  }
}

function toWire(value: unknown, shape: ShapeDescriptor): unknown {
  if (!(value instanceof Date)) return value;
  if (shape.timestampFormat === "iso8601") return value.toISOString();
  return value.getTime() / 1000;
}

/** The JSON body of an output: timestamps in the model's format, undefined members dropped. */
export function encodeJsonOutput(model: ServiceModel, shape: string | undefined, output: unknown): string {
  return JSON.stringify((shape ? mapTimestamps(model, shape, output, toWire) : output) ?? {});
}

/** A validated input with its timestamps (epoch seconds, or ISO text) as `Date`. */
export function decodeInputTimestamps(model: ServiceModel, shape: string | undefined, input: unknown): unknown {
  if (!shape) return input;
  return mapTimestamps(model, shape, input, (v) => (typeof v === "number" ? new Date(v * 1000) : typeof v === "string" ? new Date(v) : v));
}
