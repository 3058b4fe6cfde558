// The edge (DESIGN §2): an HTTP server that reads a request, authenticates it, routes it to the
// Region node of its credential scope (or, for a global service, to the host) and answers in the
// service's protocol: AWS JSON 1.1 (`POST /`, X-Amz-Target) or rest-json (the Account API, by path). Every response carries
// x-amzn-RequestId; nothing but a ServiceError's code and message (or, for what is not AWS JSON at
// all, the bare XML refusal AWS's front end gives) ever reaches a client.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { ServiceError } from "../contract/service-error.js";
import { JSON_CONTENT_TYPE, operationOf, parseJsonBody, serializeError, serializeOutput, type JsonService } from "./aws-json.js";
import { makeAuthenticator, type AuthMode, type PendingCaller } from "./authenticate.js";
import { REST_JSON_CONTENT_TYPE, answerRestJson, makeRestRouter, restJsonInternalError, serializeRestJsonError, type RestJsonService } from "./rest-json.js";
import { queryServices, restJsonServices } from "./services.js";
import { answerQuery, isQueryRequest, queryErrorResponse } from "./aws-query.js";
import { XML_CONTENT_TYPE } from "./aws-query-xml.js";
import { answerOperatorAccounts, OPERATOR_ACCOUNTS_PATH } from "./operator-accounts.js";
import { handlePeerRequest, isPeerPath } from "./peer-routes.js";
import { makeDispatcher } from "./dispatch.js";
import { validateInput } from "./validate.js";
import type { AuditSink } from "../audit/audit-types.js";
import { BodyTooLarge, ClientAborted, DEFAULT_LIMITS, makeAdmission, type AdmissionLimits } from "./admission.js";
import { metricsText } from "../replication/replication-metrics.js";
import { storeMetricsText } from "../store/store-metrics.js";
import type { RegionHost } from "../region/region-host.js";
import type { Logger } from "../util/logger.js";
import { isClientAbort } from "./client-abort.js";

export const MAX_BODY_BYTES = 1024 * 1024;
/** Replication peers send whole copies of a partition's identities: more room, still bounded. */
const PEER_MAX_BODY_BYTES = 16 * 1024 * 1024;

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
}

/** The facts of the HTTP request the policy engine and the audit trail use. */
function requestFacts(req: IncomingMessage, requestId: string) {
  return {
    requestId,
    sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "",
    userAgent: String(req.headers["user-agent"] ?? ""),
    secureTransport: (req.socket as Partial<TLSSocket>).encrypted === true,
  };
}

/**
 * A request AWS's front end turns away before any protocol applies (not a POST, not a JSON content
 * type): answered with a bare XML body and no Content-Type, as AWS does, not as an AWS JSON error.
 */
class FrontEndRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(body);
  }
}

const cannotAuthorize = () =>
  new FrontEndRefusal(
    403,
    "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n",
  );

function send(
  res: ServerResponse,
  status: number,
  requestId: string,
  body: string,
  contentType: string | null = JSON_CONTENT_TYPE,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    ...headers,
    ...(contentType === null ? {} : { "content-type": contentType }),
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": requestId,
  });
  res.end(body);
}

export function createEdgeServer(opts: EdgeOptions): Server {
  const authenticator = makeAuthenticator(opts.host, opts.auth, opts.defaultAccountId, opts.now);
  const restRouteOf = makeRestRouter(opts.restServices ?? restJsonServices);
  const dispatch = makeDispatcher({ host: opts.host, audit: opts.audit, now: opts.now });
  // Once close() has begun, a request still being served is answered and its connection closed, so
  // a keep-alive client can neither hold the shutdown up nor keep feeding it requests.
  const replyWhen = (durable: Promise<void> | undefined, ...[res, ...rest]: Parameters<typeof send>) => {
    if (!server.listening) res.setHeader("connection", "close");
    if (!res.req.complete) discardBody(res);
    // The SDKs correct their clock from Date: it must be the clock requests are checked against.
    res.setHeader("date", new Date(opts.now()).toUTCString());
    // Written from a macrotask: a response written from the microtasks that end a request's handling
    // costs node noticeably more per socket write than one written after them (measured: bench/).
    const write = () => setImmediate(() => send(res, ...rest));
    if (!durable) return write();
    durable.then(write, (e: unknown) => {
      // The disk refused a sync: what this response reports may not survive, so it is not sent.
      opts.log.error("store sync failed; the response is withheld", { error: (e as Error).message });
      res.destroy();
    });
  };
  // Nothing leaves before the changes it may depend on are on disk (group commit, DESIGN §7): by
  // default every hosted store's; a dispatched call's answer, its Region's store's (the call wrote
  // there and nowhere else: other Regions acknowledge what they apply only once it is durable).
  const reply: typeof send = (...args) => replyWhen(opts.host.whenDurable(), ...args);
  const durableIn = (region: string | undefined) => {
    const node = region === undefined ? undefined : opts.host.node(region);
    return node ? node.store.whenDurable() : opts.host.whenDurable();
  };

  /** The body of a request, within `limit` bytes and the server's budget of bytes in flight. */
  async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
    try {
      return await admission.readBody(req, limit);
    } catch (e) {
      if (e instanceof BodyTooLarge) throw new ServiceError("SerializationException", `Request body must be at most ${limit} bytes.`, 413);
      throw e;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string) {
    const [path, query = ""] = (req.url ?? "/").split("?", 2);

    // Operator routes first: none of them reads a body it does not need.
    if (req.method === "GET" && path === "/_meridian/health") {
      return reply(res, 200, requestId, JSON.stringify({ status: "ok", regions: opts.host.nodes.size }), "application/json");
    }
    if (req.method === "GET" && path === "/metrics") {
      const views = await Promise.all(
        [...opts.host.nodes.values()].map(async (n) => ({ region: n.info.name, metrics: n.replication.metrics, outbox: await n.store.outboxSummary() })),
      );
      const stores = [...opts.host.nodes.values()].map((n) => ({ region: n.info.name, stats: n.store.syncStats() }));
      return reply(res, 200, requestId, metricsText(views, opts.now()) + storeMetricsText(stores), "text/plain; version=0.0.4");
    }
    if (req.method === "POST" && (path === "/_meridian/reset" || path === "/moto-api/reset")) {
      refuseUnsafeReset(opts.auth, req);
      await opts.host.reset();
      return reply(res, 200, requestId, "{}", "application/json");
    }

    if (req.method === "POST" && isPeerPath(path)) {
      // Closed unless peering is configured: nobody is read 16 MiB on the strength of no secret.
      if (!opts.peerSecret) throw new ServiceError("AccessDeniedException", "This Meridian has no replication peers configured.", 403);
      const body = await readBody(req, PEER_MAX_BODY_BYTES);
      const answer = await handlePeerRequest(opts.host, opts.peerSecret, opts.now, req, path, query, body);
      return reply(res, 200, requestId, JSON.stringify(answer), "application/json");
    }

    const head = { method: req.method ?? "", path, query, headers: req.headersDistinct };
    /** The body, read only once the head's signature is from a key we hold. */
    const bodyAfter = async (pending: PendingCaller) => ({ pending, body: await readBody(req, MAX_BODY_BYTES) });

    if (path === OPERATOR_ACCOUNTS_PATH) {
      const answer = await answerOperatorAccounts(head, {
        host: opts.host,
        operatorAccountId: opts.defaultAccountId,
        authenticate: async (service, authOpts) => {
          const { pending, body } = await bodyAfter(authenticator.begin(head, service));
          return { caller: await pending.finish(body, service, authOpts), body };
        },
        dispatch: (d) => dispatch({ ...d, ...requestFacts(req, requestId) }),
      });
      return reply(res, 200, requestId, answer, "application/json");
    }

    const rest = restRouteOf(path);
    if (rest) {
      let region: string | undefined;
      let body: Buffer = Buffer.alloc(0);
      const answer = await answerRestJson(rest, { method: head.method, contentType: req.headers["content-type"], body: () => body, requestId }, {
        authenticate: async (service) => {
          const read = await bodyAfter(authenticator.begin(head, service.signingName));
          body = read.body;
          return read.pending.finish(body, service.signingName, { global: service.global });
        },
        operations: (signingName) => opts.host.globalServices[signingName],
        dispatch: (d) => dispatch({ ...d, access: opts.host.globalAccess[d.service.signingName], region: (region = opts.host.homeRegionOf(d.caller.node.info.partition)), ...requestFacts(req, requestId) }),
      });
      return replyWhen(durableIn(region), res, 200, requestId, answer, REST_JSON_CONTENT_TYPE);
    }

    // The query protocol (IAM, STS): a form POST naming its Action, which is in the body: the head
    // is checked against the service it is signed for, the body read, then the Action's service.
    if (isQueryRequest(req.method, req.headers["content-type"], req.headers["x-amz-target"] as string | undefined)) {
      let region: string | undefined;
      let pending: PendingCaller | undefined;
      let body: Buffer = Buffer.alloc(0);
      const answer = await answerQuery({ head, requestId }, {
        services: queryServices,
        begin: () => void (pending = authenticator.begin(head)),
        readBody: async () => (body = await readBody(req, MAX_BODY_BYTES)),
        authenticate: (signingName) => pending!.finish(body, signingName, { global: true }),
        operations: (signingName) => opts.host.globalServices[signingName],
        dispatch: (d) => dispatch({ ...d, access: opts.host.globalAccess[d.service.signingName], region: (region = opts.host.homeRegionOf(d.caller.node.info.partition)), ...requestFacts(req, requestId) }),
      });
      return replyWhen(durableIn(region), res, 200, requestId, answer, XML_CONTENT_TYPE);
    }

    // AWS JSON 1.1. The order of the checks is AWS's — method, content type, operation, then the
    // signature — except that the body is read (and parsed) only once the signature's head passed.
    if (req.method !== "POST") throw cannotAuthorize();
    const target = String(req.headers["x-amz-target"] ?? "");
    const contentType = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (contentType !== JSON_CONTENT_TYPE && contentType !== "application/json") {
      // With a Service.Operation target AWS says it knows no such operation for this content type.
      if (!/^[^.]+\.[^.]+$/.test(target)) throw cannotAuthorize();
      throw new FrontEndRefusal(404, "<UnknownOperationException/>\n");
    }
    const service = opts.services.find((s) => operationOf(s, target) !== undefined);
    const operation = service && operationOf(service, target)!;
    // Own properties only: "secretsmanager.constructor" names no operation.
    if (!service || !operation || !Object.hasOwn(service.model.operations, operation)) {
      throw new ServiceError("UnknownOperationException", "");
    }
    const { pending, body } = await bodyAfter(authenticator.begin(head, service.signingName));
    const input = parseJsonBody(body);
    const caller = await pending.finish(body, service.signingName);
    const operations = caller.node.services[service.signingName];
    const handler = operations && Object.hasOwn(operations, operation) ? operations[operation] : undefined;
    if (!handler) throw new ServiceError("UnknownOperationException", "");
    const spec = service.model.operations[operation]!;
    const output = await dispatch({
      service: { signingName: service.signingName, model: service.model, denied: { code: "AccessDeniedException", status: 400 } },
      operation,
      caller,
      input,
      validate: () => spec.input && validateInput(service.model, spec.input, input),
      handler,
      access: caller.node.access[service.signingName],
      region: caller.node.info.name,
      ...requestFacts(req, requestId),
    });
    replyWhen(caller.node.store.whenDurable(), res, 200, requestId, serializeOutput(output));
  }

  const server = serverFor(opts.tls, (req, res) => {
    const requestId = randomUUID();
    const target = String(req.headers["x-amz-target"] ?? "");
    const model = opts.services.find((s) => operationOf(s, target) !== undefined)?.model;
    const rest = restRouteOf((req.url ?? "/").split("?", 1)[0]!);
    const query = !rest && isQueryRequest(req.method, req.headers["content-type"], req.headers["x-amz-target"] as string | undefined);
    handle(req, res, requestId).catch((e: unknown) => {
      // A client that hung up has no one to answer, and its leaving is no fault of the server's.
      if (res.headersSent || e instanceof ClientAborted || isClientAbort(req, e)) return res.destroy();
      if (e instanceof FrontEndRefusal) return reply(res, e.status, requestId, e.body, null);
      if (!(e instanceof ServiceError)) {
        // Never the stack or the request to the client; the log gets the error, not the body.
        opts.log.error("internal error", { requestId, error: e instanceof Error ? e.stack ?? e.message : String(e) });
      }
      if (rest) {
        const answer = serializeRestJsonError(e instanceof ServiceError ? e : restJsonInternalError());
        return reply(res, answer.status, requestId, answer.body, REST_JSON_CONTENT_TYPE, answer.headers);
      }
      if (query) {
        const answer = queryErrorResponse(e, queryServices[0]!.model, requestId);
        return reply(res, answer.status, requestId, answer.body, XML_CONTENT_TYPE);
      }
      const error = e instanceof ServiceError ? e : new ServiceError("InternalServiceError", "An error occurred on the server side.", 500);
      reply(res, error.status, requestId, serializeError(model, error));
    });
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

/**
 * The reset routes wipe everything: permissive mode only, and never from a browser — a page's
 * cross-origin POST carries an Origin header or a form content type, an emulator's test client neither.
 */
function refuseUnsafeReset(auth: AuthMode, req: IncomingMessage): void {
  if (auth !== "permissive") throw new ServiceError("AccessDeniedException", "Reset is only available in permissive mode.", 403);
  if (req.headers.origin !== undefined) throw new ServiceError("AccessDeniedException", "Reset refuses requests from a web page (Origin header).", 403);
  const contentType = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "" && contentType !== "application/json" && contentType !== JSON_CONTENT_TYPE) {
    throw new ServiceError("AccessDeniedException", `Reset takes no ${contentType} request: send no body or application/json.`, 403);
  }
}

function serverFor(tls: EdgeOptions["tls"], onRequest: (req: IncomingMessage, res: ServerResponse) => void): Server {
  return tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest) : createServer(onRequest);
}
