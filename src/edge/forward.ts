// A worker process's edge (issue 14 item 1): the read-only calls of the AWS JSON services
// (GetSecretValue, DescribeSecret, Decrypt, ListSecrets …) are answered here, by this worker alone;
// everything else — every change, IAM, STS, Account, the operator's and peers' routes — is passed
// as it came to the Region's one writer, the primary process, over a socket only its owner can
// open, and its answer passed back as it is. So each Region keeps one writer (group commit,
// outbox, the ordered changes of identities and keys), and reads use every core.

import { Agent, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "../util/logger.js";
import { isReadOnly } from "../audit/cloudtrail-event.js";
import { operationOf, type JsonService } from "./aws-json.js";
import { MAX_BODY_BYTES, type HttpFacts, type Inspected } from "./route.js";

/** Where a worker sends what it does not answer itself. */
export interface WriterLink {
  socketPath: string;
}

/** The facts of the client's connection, which the writer cannot see (it sees the worker's socket). */
const FORWARDED_HEADER = "x-meridian-forwarded";

/** A read-only operation of a JSON service, which any worker answers from the shared stores. */
export function answeredLocally(services: readonly JsonService[], r: Inspected): boolean {
  if (r.method !== "POST" || r.target === "") return false;
  for (const s of services) {
    const operation = operationOf(s, r.target);
    if (operation !== undefined) return Object.hasOwn(s.model.operations, operation) && isReadOnly(s.signingName, operation);
  }
  return false;
}

/** Headers about one connection, not the message: each hop sets its own. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer"]);
const endToEnd = (headers: IncomingMessage["headers"]) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

/** `closing`: this worker is stopping, so an answered connection is closed rather than kept alive. */
export function makeForwarder(link: WriterLink, log: Logger, closing: () => boolean) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  return function forward(r: Inspected, res: ServerResponse): void {
    const facts: Omit<HttpFacts, "requestId" | "userAgent"> = { sourceIp: r.facts.sourceIp, secureTransport: r.facts.secureTransport };
    const upstream = request(
      { socketPath: link.socketPath, agent, method: r.method, path: r.req.url, headers: { ...endToEnd(r.req.headers), [FORWARDED_HEADER]: JSON.stringify(facts) } },
      (answer: IncomingMessage) => {
        answered = true;
        // Answered before the whole body came (refused, too large): the rest is the client's to
        // finish sending, as the writer would have it, not the writer's to receive.
        const early = !r.req.complete;
        if (early) r.req.unpipe(upstream);
        res.writeHead(answer.statusCode ?? 502, { ...endToEnd(answer.headers), ...(closing() || early ? { connection: "close" } : {}) });
        answer.pipe(res);
        if (early) dropRest(r.req);
      },
    );
    let answered = false;
    upstream.on("error", (e) => {
      // An answer already on its way stands; the writer closing on the rest of an early-answered body is no fault.
      if (answered) return;
      // The writer is gone (stopping, or dead and about to take this worker with it).
      log.error("the writer process did not answer a forwarded request", { requestId: r.requestId, error: e.message });
      if (!res.headersSent) res.writeHead(503, { "content-length": 0, connection: "close", "x-amzn-requestid": r.requestId });
      res.end();
    });
    r.req.on("aborted", () => upstream.destroy());
    r.req.pipe(upstream);
  };
}

/** What a client still sends after its answer is read and dropped, up to a request's limit; past it the connection is cut. */
function dropRest(req: IncomingMessage): void {
  let dropped = 0;
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > MAX_BODY_BYTES) req.socket.destroy();
  });
  req.resume();
}

/**
 * The client's facts a worker passed on, trusted only on the writer's own socket (a Unix socket
 * has no remote address; a TCP client's header is ignored).
 */
export function forwardedFacts(req: IncomingMessage): Pick<HttpFacts, "sourceIp" | "secureTransport"> | undefined {
  const header = req.headers[FORWARDED_HEADER];
  if (typeof header !== "string" || req.socket.remoteAddress !== undefined) return undefined;
  try {
    const facts = JSON.parse(header) as { sourceIp?: unknown; secureTransport?: unknown };
    return { sourceIp: String(facts.sourceIp ?? ""), secureTransport: facts.secureTransport === true };
  } catch {
    return undefined;
  }
}
