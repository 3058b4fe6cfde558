// SigV4 by hand, for tests that must sign what no SDK would: a chosen subset of the headers (the
// SDK signs them all), a date header left unsigned, any X-Amz-Expires text. Written from the SigV4
// specification, and checked against the SDK's signer where both can sign the same request.

import { createHash, createHmac } from "node:crypto";

export interface HandSignInput {
  url: string;
  method?: string;
  /** all headers to send (lower-case names); host is added */
  headers: Record<string, string>;
  /** the headers the signature covers, in any order */
  signedHeaders: string[];
  body: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string;
  service?: string;
  at: Date;
  /** query-string (presigned) authentication with this X-Amz-Expires text; `null` leaves it out */
  presignExpires?: string | null;
}

export interface HandSigned {
  /** "/" plus, when presigned, the query string */
  path: string;
  headers: Record<string, string>;
  signature: string;
}

const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
export const basicDate = (d: Date) => d.toISOString().replace(/[-:]|\.\d{3}/g, "");

export function handSign(input: HandSignInput): HandSigned {
  const region = input.region ?? "us-east-1";
  const service = input.service ?? "secretsmanager";
  const date = basicDate(input.at);
  const scope = `${date.slice(0, 8)}/${region}/${service}/aws4_request`;
  const headers: Record<string, string> = { host: new URL(input.url).host, ...input.headers };
  const presigned = input.presignExpires !== undefined;
  if (!presigned) headers["x-amz-date"] = date;
  const signed = [...input.signedHeaders].map((h) => h.toLowerCase()).sort();

  const query: [string, string][] = [];
  if (presigned) {
    query.push(["X-Amz-Algorithm", "AWS4-HMAC-SHA256"], ["X-Amz-Credential", `${input.credentials.accessKeyId}/${scope}`], ["X-Amz-Date", date]);
    if (input.presignExpires !== null) query.push(["X-Amz-Expires", input.presignExpires!]);
    query.push(["X-Amz-SignedHeaders", signed.join(";")]);
    if (input.credentials.sessionToken) query.push(["X-Amz-Security-Token", input.credentials.sessionToken]);
  }
  const canonicalQuery = query
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) // the keys are distinct
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = [
    input.method ?? "POST",
    "/",
    canonicalQuery,
    signed.map((h) => `${h}:${(headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`).join(""),
    signed.join(";"),
    sha256Hex(input.body),
  ].join("\n");
  const stringToSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const key = [date.slice(0, 8), region, service, "aws4_request"].reduce<Buffer>((k, part) => hmac(k, part), Buffer.from(`AWS4${input.credentials.secretAccessKey}`));
  const signature = hmac(key, stringToSign).toString("hex");

  if (presigned) return { path: `/?${canonicalQuery}&X-Amz-Signature=${signature}`, headers, signature };
  headers["authorization"] = `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  return { path: "/", headers, signature };
}
