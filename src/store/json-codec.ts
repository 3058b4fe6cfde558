// JSON documents with Buffers inside: Buffers are written as {"$b64": "..."} and read back as Buffers,
// so records round-trip through a text column in any store.

export function encodeDoc(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v && typeof v === "object" && v.type === "Buffer" && Array.isArray(v.data)) {
      return { $b64: Buffer.from(v.data).toString("base64") };
    }
    return v;
  });
}

export function decodeDoc<T>(text: string): T {
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === "object" && typeof v.$b64 === "string" && Object.keys(v).length === 1) {
      return Buffer.from(v.$b64, "base64");
    }
    return v;
  }) as T;
}
