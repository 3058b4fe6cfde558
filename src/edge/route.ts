// An edge route (DESIGN §7): what requests it answers, how, and how it says no in its own protocol.
// The edge inspects each request once, hands it to the first route that matches, writes the answer
// once the changes it reports are durable, and asks the same route to serialise any failure.

import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { RequestHead } from "./sigv4.js";
import type { Dispatch, Dispatcher } from "./dispatch.js";
import type { Authenticator, PendingCaller } from "./authenticate.js";
import type { RegionHost } from "../region/region-host.js";

/** The largest body an API call may have (AWS's services take less). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What a call's dispatch and audit event take from the HTTP request. */
export type HttpFacts = Pick<Dispatch, "requestId" | "sourceIp" | "userAgent" | "secureTransport">;

/** A request as the edge read it, once: what routes match on and work from. */
export interface Inspected {
  req: IncomingMessage;
  requestId: string;
  method: string;
  /** raw path without the query, as received */
  path: string;
  query: string;
  /** what SigV4 signs, without the body */
  head: RequestHead;
  /** the media type of Content-Type, lower-cased, without parameters; "" when absent */
  contentType: string;
  /** X-Amz-Target; "" when absent */
  target: string;
  /** the facts the policy engine and the audit trail use */
  facts: HttpFacts;
}

export interface Answer {
  status: number;
  body: string | Buffer;
  /** null: no Content-Type (AWS's front end refusals) */
  contentType: string | null;
  headers?: Record<string, string>;
  /** what must be on disk before the answer leaves (undefined: nothing pending there); every hosted store's when absent */
  durable?: Promise<void> | undefined;
}

/** What the edge lends a route. */
export interface RouteTools {
  /** the body, within `limit` bytes and the server's budget of bytes in flight */
  readBody(limit: number): Promise<Buffer>;
}

export interface Route {
  /** for logs and tests */
  name: string;
  matches(r: Inspected): boolean;
  handle(r: Inspected, tools: RouteTools): Promise<Answer>;
  /** the route's own answer to a failure; `error` is not a ServiceError for an internal one */
  failure(error: unknown, r: Inspected): Answer;
  /**
   * The route refuses what it can on the request's head (signature's form, scope, clock, key) before
   * it reads the body, and neither reads nor changes anything before: a worker process runs it up to
   * the body, answers a refusal itself, and passes what got through to the writer (forward.ts).
   */
  headFirst?: true;
}

/** Thrown by a worker's readBody: the request's head passed the route's checks; the writer answers it. */
export class PassToWriter extends Error {}

/** An answer given as it is, whatever the route's protocol: AWS's front end's bare refusals. */
export class RawRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(body);
  }
}

export const jsonAnswer = (value: unknown, status = 200): Answer => ({ status, body: JSON.stringify(value), contentType: "application/json" });

/** The facts of an HTTP request, read from its socket and headers. */
export function requestFacts(req: IncomingMessage, requestId: string): HttpFacts {
  return {
    requestId,
    sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "",
    userAgent: String(req.headers["user-agent"] ?? ""),
    secureTransport: (req.socket as Partial<TLSSocket>).encrypted === true,
  };
}

/** What the AWS protocol routes share. */
export interface ApiDeps {
  host: RegionHost;
  authenticator: Authenticator;
  dispatch: Dispatcher;
}

/** The body, read only once the signature's head has passed (`pending`): see authenticate.ts. */
export async function bodyAfter(pending: PendingCaller, tools: RouteTools): Promise<{ pending: PendingCaller; body: Buffer }> {
  return { pending, body: await tools.readBody(MAX_BODY_BYTES) };
}
