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
import { ServiceError } from "./service-error.js";
import { JSON_CONTENT_TYPE, operationOf, parseJsonBody, serializeError, serializeOutput, type JsonService } from "./aws-json.js";
import { makeAuthenticator, type AuthMode } from "./authenticate.js";
import { REST_JSON_CONTENT_TYPE, answerRestJson, makeRestRouter, restJsonInternalError, serializeRestJsonError, type RestJsonService } from "./rest-json.js";
import { queryServices, restJsonServices } from "./services.js";
import { answerQuery, isQueryRequest, queryErrorResponse } from "./aws-query.js";
import { XML_CONTENT_TYPE } from "./aws-query-xml.js";
import { createAccount, refuseNonRoot } from "../iam/create-account.js";
import { handlePeerRequest, isPeerPath } from "./peer-routes.js";
import { makeDispatcher } from "./dispatch.js";
import { validateInput } from "./validate.js";
import type { AuditSink } from "../audit/audit-types.js";
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

class BodyTooLarge extends Error {}

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

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

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
  const authenticate = makeAuthenticator(opts.host, opts.auth, opts.defaultAccountId, opts.now);
  const restRouteOf = makeRestRouter(opts.restServices ?? restJsonServices);
  const dispatch = makeDispatcher({ host: opts.host, audit: opts.audit, now: opts.now });
  // Once close() has begun, a request still being served is answered and its connection closed, so
  // a keep-alive client can neither hold the shutdown up nor keep feeding it requests.
  const replyWhen = (durable: Promise<void> | undefined, ...[res, ...rest]: Parameters<typeof send>) => {
    if (!server.listening) res.setHeader("connection", "close");
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

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string) {
    const [path, query = ""] = (req.url ?? "/").split("?", 2);
    let body: Buffer;
    try {
      body = await readBody(req, isPeerPath(path) ? PEER_MAX_BODY_BYTES : MAX_BODY_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        throw new ServiceError("SerializationException", `Request body must be at most ${MAX_BODY_BYTES} bytes.`, 413);
      }
      throw e;
    }

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
      if (opts.auth !== "permissive") throw new ServiceError("AccessDeniedException", "Reset is only available in permissive mode.", 403);
      await opts.host.reset();
      return reply(res, 200, requestId, "{}", "application/json");
    }

    if (req.method === "POST" && path === "/_meridian/accounts") {
      const caller = await authenticate({ method: req.method, path, query, headers: req.headersDistinct, body }, "iam", { global: true });
      refuseNonRoot(caller.principal);
      return reply(res, 200, requestId, JSON.stringify(await createAccount(opts.host.identity)), "application/json");
    }

    if (req.method === "POST" && isPeerPath(path)) {
      const answer = await handlePeerRequest(opts.host, opts.peerSecret, opts.now, req, path, query, body);
      return reply(res, 200, requestId, JSON.stringify(answer), "application/json");
    }

    const rest = restRouteOf(path);
    if (rest) {
      const signed = { method: req.method ?? "", path, query, headers: req.headersDistinct, body };
      let region: string | undefined;
      const answer = await answerRestJson(rest, { method: signed.method, contentType: req.headers["content-type"], body, requestId }, {
        authenticate: (service) => authenticate(signed, service.signingName, { global: service.global }),
        operations: (signingName) => opts.host.globalServices[signingName],
        dispatch: (d) => dispatch({ ...d, access: opts.host.globalAccess[d.service.signingName], region: (region = opts.host.homeRegionOf(d.caller.node.info.partition)), ...requestFacts(req, requestId) }),
      });
      return replyWhen(durableIn(region), res, 200, requestId, answer, REST_JSON_CONTENT_TYPE);
    }

    // The query protocol (IAM, STS): a form POST naming its Action.
    if (isQueryRequest(req.method, req.headers["content-type"], req.headers["x-amz-target"] as string | undefined)) {
      const signed = { method: req.method!, path, query, headers: req.headersDistinct, body };
      let region: string | undefined;
      const answer = await answerQuery({ signed, requestId }, {
        services: queryServices,
        authenticate: (signingName) => authenticate(signed, signingName, { global: true }),
        operations: (signingName) => opts.host.globalServices[signingName],
        dispatch: (d) => dispatch({ ...d, access: opts.host.globalAccess[d.service.signingName], region: (region = opts.host.homeRegionOf(d.caller.node.info.partition)), ...requestFacts(req, requestId) }),
      });
      return replyWhen(durableIn(region), res, 200, requestId, answer, XML_CONTENT_TYPE);
    }

    // AWS JSON 1.1. The order of the checks is AWS's: method, content type, body, operation, then the signature.
    if (req.method !== "POST") throw cannotAuthorize();
    const target = String(req.headers["x-amz-target"] ?? "");
    const contentType = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (contentType !== JSON_CONTENT_TYPE && contentType !== "application/json") {
      // With a Service.Operation target AWS says it knows no such operation for this content type.
      if (!/^[^.]+\.[^.]+$/.test(target)) throw cannotAuthorize();
      throw new FrontEndRefusal(404, "<UnknownOperationException/>\n");
    }
    const input = parseJsonBody(body);
    const service = opts.services.find((s) => operationOf(s, target) !== undefined);
    const operation = service && operationOf(service, target)!;
    // Own properties only: "secretsmanager.constructor" names no operation.
    if (!service || !operation || !Object.hasOwn(service.model.operations, operation)) {
      throw new ServiceError("UnknownOperationException", "");
    }

    const caller = await authenticate(
      { method: req.method, path, query, headers: req.headersDistinct, body },
      service.signingName,
    );
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
      if (res.headersSent || isClientAbort(req, e)) return res.destroy();
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
  return server;
}

function serverFor(tls: EdgeOptions["tls"], onRequest: (req: IncomingMessage, res: ServerResponse) => void): Server {
  return tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest) : createServer(onRequest);
}
