// The edge (DESIGN §2): an HTTP server that inspects each request once, hands it to the first
// route that takes it — each registered by the capability that owns it (operator routes,
// replication peers, operator accounts, rest-json, query, AWS JSON 1.1) — writes the route's
// answer once what it reports is durable, and asks the same route to answer any failure in its own
// protocol. Every response carries x-amzn-RequestId; nothing but a ServiceError's code and message
// (or AWS's bare front-end refusals) ever reaches a client.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { ServiceError } from "../contract/service-error.js";
import { StoreFault } from "../store/store-fault.js";
import type { JsonService } from "./aws-json.js";
import { makeAuthenticator, type AuthMode } from "./authenticate.js";
import type { RestJsonService } from "./rest-json.js";
import { queryServices, restJsonServices } from "./services.js";
import { makeDispatcher } from "./dispatch.js";
import type { AuditSink } from "../audit/audit-types.js";
import { BodyTooLarge, DEFAULT_LIMITS, makeAdmission, type AdmissionLimits } from "./admission.js";
import type { RegionHost } from "../region/region-host.js";
import type { Logger } from "../util/logger.js";
import { isClientAbort } from "./client-abort.js";
import { markArrival } from "../store/arrivals.js";
import { MAX_BODY_BYTES, PassToWriter, RawRefusal, requestFacts, type Answer, type ApiDeps, type Inspected, type Route } from "./route.js";
import { healthRoute, metricsRoute, resetRoute } from "./operator-routes.js";
import { peerRoute } from "./peer-routes.js";
import { operatorAccountsRoute } from "./operator-accounts.js";
import { queryRoute, restJsonRoute } from "./global-routes.js";
import { awsJsonRoute } from "./aws-json-route.js";
import { consoleRoute } from "./console-route.js";
import { answeredLocally, forwardedFacts, makeForwarder, type WriterLink } from "./forward.js";

export interface EdgeOptions {
  host: RegionHost;
  services: JsonService[];
  /** rest-json services, routed by path; the Account API when absent */
  restServices?: RestJsonService[];
  auth: AuthMode;
  defaultAccountId: string;
  now: () => number;
  log: Logger;
  /** the shared secret replication peers sign with; peer endpoints refuse everyone without it */
  peerSecret?: string;
  /** where every authenticated call is recorded */
  audit?: AuditSink;
  /** what unauthenticated requests may cost at once; DEFAULT_LIMITS when absent */
  limits?: AdmissionLimits;
  /** PEM certificate chain and private key: the server speaks HTTPS only */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** a worker process: only read-only calls are answered here, the rest go to the writer (forward.ts) */
  writer?: WriterLink;
  /** the writer's own socket: the client facts workers pass on are believed */
  trustForwarded?: boolean;
}

/** The routes, in the order they are tried: the operator's first (none reads a body it does not need), AWS JSON last. */
function routesOf(opts: EdgeOptions, api: ApiDeps): Route[] {
  return [
    healthRoute(opts.host),
    metricsRoute(opts.host),
    resetRoute(opts.host, opts.auth),
    peerRoute(opts.host, opts.peerSecret, opts.now, opts.log),
    operatorAccountsRoute(api, opts.defaultAccountId),
    consoleRoute(opts.host, { now: opts.now }),
    restJsonRoute(opts.restServices ?? restJsonServices, api),
    queryRoute(queryServices, api),
    awsJsonRoute(opts.services, api),
  ];
}

function inspect(req: IncomingMessage, requestId: string, trustForwarded: boolean): Inspected {
  const [path = "/", query = ""] = (req.url ?? "/").split("?", 2);
  const method = req.method ?? "";
  return {
    req,
    requestId,
    method,
    path,
    query,
    head: { method, path, query, headers: req.headersDistinct },
    contentType: String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase(),
    target: String(req.headers["x-amz-target"] ?? ""),
    facts: { ...requestFacts(req, requestId), ...(trustForwarded ? forwardedFacts(req) : undefined) },
  };
}

export function createEdgeServer(opts: EdgeOptions): Server {
  const api: ApiDeps = {
    host: opts.host,
    authenticator: makeAuthenticator(opts.host, opts.auth, opts.defaultAccountId, opts.now),
    dispatch: makeDispatcher({ host: opts.host, audit: opts.audit, now: opts.now }),
  };
  const routes = routesOf(opts, api);
  const forward = opts.writer && makeForwarder(opts.writer, opts.log, () => !server.listening);

  function send(res: ServerResponse, requestId: string, answer: Answer) {
    res.writeHead(answer.status, {
      ...answer.headers,
      ...(answer.contentType === null ? {} : { "content-type": answer.contentType }),
      "content-length": Buffer.byteLength(answer.body),
      "x-amzn-requestid": requestId,
    });
    res.end(answer.body);
  }

  // Nothing leaves before the changes it may depend on are on disk (group commit, DESIGN §7): what
  // the route names (a call's Region's store), else every hosted store's.
  function reply(res: ServerResponse, requestId: string, answer: Answer) {
    // Once close() has begun, a request still being served is answered and its connection closed,
    // so a keep-alive client can neither hold the shutdown up nor keep feeding it requests.
    if (!server.listening) res.setHeader("connection", "close");
    if (!res.req.complete) discardBody(res);
    // The SDKs correct their clock from Date: it must be the clock requests are checked against.
    res.setHeader("date", new Date(opts.now()).toUTCString());
    // Written from a macrotask: a response written from the microtasks that end a request's handling
    // costs node noticeably more per socket write than one written after them (measured: bench/).
    const write = () => setImmediate(() => send(res, requestId, answer));
    const durable = "durable" in answer ? answer.durable : opts.host.whenDurable();
    if (!durable) return write();
    durable.then(write, (e: unknown) => {
      // The disk refused a sync: what this response reports may not survive, so it is not sent.
      opts.log.error("store sync failed; the response is withheld", { error: (e as Error).message });
      res.destroy();
    });
  }

  const tools = (req: IncomingMessage) => ({
    async readBody(limit: number): Promise<Buffer> {
      try {
        return await admission.readBody(req, limit);
      } catch (e) {
        if (e instanceof BodyTooLarge) throw new ServiceError("SerializationException", `Request body must be at most ${limit} bytes.`, 413);
        throw e;
      }
    },
  });

  const server = serverFor(opts.tls, (req, res) => {
    markArrival(); // before anything this request reads: what it sent may follow another process's acknowledgement
    const requestId = randomUUID();
    const inspected = inspect(req, requestId, opts.trustForwarded === true);
    const route = routes.find((r) => r.matches(inspected))!; // AWS JSON takes whatever is left
    // A worker answers read-only calls; of the rest, it refuses itself what the route refuses on the
    // head, so an unauthenticated body is never streamed to the writer, and passes the others on.
    const passed = forward && !answeredLocally(opts.services, inspected);
    if (passed && !route.headFirst) return forward(inspected, res);
    const routeTools = passed ? { readBody: () => Promise.reject(new PassToWriter()) } : tools(req);
    // Identities another process sharing the stores changed are read again before any key is checked.
    const current = opts.host.identity.ensureCurrent();
    const handled = current ? current.then(() => route.handle(inspected, routeTools)) : route.handle(inspected, routeTools);
    handled.then(
      (answer) => reply(res, requestId, answer),
      (e: unknown) => {
        if (e instanceof PassToWriter && forward) return forward(inspected, res);
        // A client that hung up has no one to answer, and its leaving is no fault of the server's.
        if (res.headersSent || isClientAbort(req, e)) return res.destroy();
        if (e instanceof RawRefusal) return reply(res, requestId, { status: e.status, body: e.body, contentType: null });
        // A damaged store was logged once, when its Region was taken out of service.
        if (!(e instanceof ServiceError) && !(e instanceof StoreFault)) {
          // Never the stack or the request to the client; the log gets the error, not the body.
          opts.log.error("internal error", { requestId, route: route.name, error: e instanceof Error ? e.stack ?? e.message : String(e) });
        }
        reply(res, requestId, route.failure(e, inspected));
      },
    );
  });
  // What node's HTTP parser refuses (not HTTP, headers too large, too slow) never reaches the
  // handler; it is answered here so that it too carries a request id.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === "ECONNRESET") return socket.destroy();
    const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large"
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout"
      : "400 Bad Request";
    socket.end(`HTTP/1.1 ${status}\r\nx-amzn-requestid: ${randomUUID()}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
  });
  const admission = makeAdmission(server, opts.limits ?? DEFAULT_LIMITS);
  // A client may take a minute to send a request, twenty seconds for its headers; a slow one holds
  // a connection (capped above) no longer.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  return server;
}

/**
 * A request answered before its body was read (refused, or not needing one) closes its connection.
 * Up to MAX_BODY_BYTES of what it still sends is read and dropped first, so that a client still
 * writing gets its answer rather than a reset connection; past that it is cut off.
 */
function discardBody(res: ServerResponse): void {
  res.setHeader("connection", "close");
  let dropped = 0;
  res.req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > MAX_BODY_BYTES) res.req.socket.destroy();
  });
  res.req.resume();
}

function serverFor(tls: EdgeOptions["tls"], onRequest: (req: IncomingMessage, res: ServerResponse) => void): Server {
  return tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest) : createServer(onRequest);
}
