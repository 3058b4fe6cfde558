// A client that disconnects before its request is read whole (a closed tab, a killed CLI, a
// timeout on its side) is ordinary traffic, not a server fault: recognised here so the edge drops
// it without logging an internal error and its stack.

import type { IncomingMessage } from "node:http";
import { ClientAborted } from "./admission.js";

/** What node reports when the peer went away: 'aborted' (ECONNRESET), a premature close, a broken pipe. */
const ABORT_CODES = new Set(["ECONNRESET", "ECONNABORTED", "EPIPE", "ERR_STREAM_PREMATURE_CLOSE"]);

/** True when `e` is the request's own connection ending early, not a failure of ours that happened meanwhile. */
export function isClientAbort(req: IncomingMessage, e: unknown): boolean {
  if (e instanceof ClientAborted) return true; // the body reader saw the request close unfinished
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && ABORT_CODES.has(code) && (req.socket.destroyed || !req.complete);
}
