// What a request may cost the server before it is known to come from a key we hold (DESIGN §12):
// a cap on open connections, and one budget of body bytes being buffered across all requests.
// Past either, the client gets AWS's throttling answer (which the SDKs retry with backoff) instead
// of the server's memory.

import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import { randomUUID } from "node:crypto";
import { Server as TlsServer } from "node:tls";
import { ServiceError } from "../contract/service-error.js";

export interface AdmissionLimits {
  /** open connections; past it a new one is answered ThrottlingException and closed */
  maxConnections: number;
  /** body bytes buffered at once across every request being read */
  maxBytesInFlight: number;
}

export const DEFAULT_LIMITS: AdmissionLimits = { maxConnections: 2048, maxBytesInFlight: 64 * 1024 * 1024 };

export class BodyTooLarge extends Error {}

const throttled = () => new ServiceError("ThrottlingException", "Rate exceeded", 400);

const THROTTLED_RESPONSE = (requestId: string) => {
  const body = JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" });
  return (
    "HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\n" +
    `x-amzn-requestid: ${requestId}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
};

export function makeAdmission(server: Server, limits: AdmissionLimits) {
  let connections = 0;
  let bytesInFlight = 0;

  server.on("connection", (socket: Socket) => {
    connections++;
    socket.once("close", () => connections--);
    if (connections <= limits.maxConnections) return;
    // Over TLS nothing can be said before the handshake: the connection is just closed.
    if (server instanceof TlsServer) socket.destroy();
    else socket.end(THROTTLED_RESPONSE(randomUUID()));
  });

  return {
    /**
     * The request's body, at most `limit` bytes, its bytes counted against the shared budget while
     * they are held: BodyTooLarge past `limit`, ThrottlingException past the budget.
     */
    readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = (error?: Error) => {
          if (done) return;
          done = true;
          bytesInFlight -= size;
          req.off("data", onData);
          if (error) {
            chunks.length = 0;
            req.resume(); // what is still coming is discarded, not kept
            reject(error);
          } else {
            resolve(Buffer.concat(chunks));
          }
        };
        const onData = (chunk: Buffer) => {
          size += chunk.length;
          bytesInFlight += chunk.length;
          if (size > limit) return finish(new BodyTooLarge());
          if (bytesInFlight > limits.maxBytesInFlight) return finish(throttled());
          chunks.push(chunk);
        };
        req.on("data", onData);
        req.on("end", () => finish());
        req.on("error", (e) => finish(e));
        req.on("close", () => finish(req.complete ? undefined : new ClientAborted()));
      });
    },
    get bytesInFlight() {
      return bytesInFlight;
    },
  };
}

/** The client went away before its request was read: not an error of ours. */
export class ClientAborted extends Error {}
