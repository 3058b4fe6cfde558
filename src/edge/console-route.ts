// The console's routes under /console/ (issue 16): its files (console-static.ts), and the sign-in
// API — POST /console/api/sign-in and /console/api/sign-out, JSON in and out. They are CSRF-safe:
// JSON only (a cross-site form cannot send it without a preflight this server never grants), and
// a request naming another Origin, or one a browser marks cross-site, is refused.

import { ServiceError } from "../contract/service-error.js";
import { asServiceError } from "./internal-error.js";
import { jsonAnswer, type Answer, type Inspected, type Route, type RouteTools } from "./route.js";
import type { RegionHost } from "../region/region-host.js";
import { makeConsoleSignIn, SignInThrottled } from "../signin/console-sign-in.js";
import { makeSignInThrottle } from "../signin/signin-throttle.js";
import { parseSignInRequest } from "../signin/signin-request.js";
import { CONSOLE_HEADERS, makeConsoleFiles } from "./console-static.js";
import type { Clock } from "../util/clock.js";

const MAX_SIGN_IN_BYTES = 4096;

const forbidden = (message: string) => new ServiceError("AccessDeniedException", message, 403);

/** Only this page's own requests: JSON, and (when the browser says) from this very origin. */
function refuseCrossSite(r: Inspected): void {
  if (r.contentType !== "application/json") throw new ServiceError("UnsupportedMediaType", "Send application/json.", 415);
  const site = r.req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") throw forbidden("Cross-site requests are refused.");
  const origin = r.req.headers.origin;
  if (origin !== undefined) {
    const scheme = r.facts.secureTransport ? "https" : "http";
    if (origin !== `${scheme}://${r.req.headers.host ?? ""}`) throw forbidden("Requests from another origin are refused.");
  }
}

async function jsonBody(tools: RouteTools): Promise<unknown> {
  const raw = await tools.readBody(MAX_SIGN_IN_BYTES);
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ServiceError("ValidationException", "The request body is not JSON.", 400);
  }
}

export function consoleRoute(host: RegionHost, clock: Clock): Route {
  const signIn = makeConsoleSignIn({
    identity: host.identity,
    sessions: host.sessions,
    clock,
    throttle: makeSignInThrottle(clock),
    homeRegionOf: (partition) => host.homeRegionOf(partition),
    appendEvent: async (region, event) => {
      const node = host.node(region);
      if (node) await node.store.appendAuditEvents([event]);
    },
  });
  const files = makeConsoleFiles();
  // The console's default partition: the one of the first hosted Region.
  const defaultPartition = () => [...host.nodes.values()][0]?.info.partition ?? "aws";

  const withHeaders = (a: Answer): Answer => ({ ...a, headers: { ...CONSOLE_HEADERS, ...a.headers } });

  return {
    name: "console",
    matches: (r) => r.path === "/console" || r.path.startsWith("/console/"),
    async handle(r, tools) {
      if (r.path === "/console/api/sign-in" || r.path === "/console/api/sign-out") {
        if (r.method !== "POST") throw new ServiceError("MethodNotAllowed", "Use POST.", 405);
        refuseCrossSite(r);
        const body = await jsonBody(tools);
        if (r.path === "/console/api/sign-out") {
          const b = (typeof body === "object" && body !== null ? body : {}) as { sessionToken?: unknown; partition?: unknown };
          if (typeof b.sessionToken !== "string") throw new ServiceError("ValidationException", "sessionToken is required.", 400);
          await signIn.signOut(typeof b.partition === "string" ? b.partition : defaultPartition(), b.sessionToken);
          return withHeaders(jsonAnswer({ signedOut: true }));
        }
        const signedIn = await signIn.signIn(parseSignInRequest(body, defaultPartition()), r.facts);
        const c = signedIn.credentials;
        return withHeaders(
          jsonAnswer({
            credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiration).toISOString() },
            identity: signedIn.identity,
            partition: signedIn.partition,
            homeRegion: signedIn.homeRegion,
          }),
        );
      }
      if (r.method !== "GET" && r.method !== "HEAD") throw new ServiceError("MethodNotAllowed", "Use GET.", 405);
      if (r.path === "/console") return { status: 301, body: "", contentType: null, headers: { location: "/console/" }, durable: undefined };
      return files(r.path);
    },
    failure(error: unknown): Answer {
      const e = asServiceError(error, (message = "An error occurred on the server side.") => new ServiceError("InternalServiceError", message, 500));
      const retry: Record<string, string> = e instanceof SignInThrottled ? { "retry-after": String(e.retryAfterSeconds) } : {};
      return withHeaders({ status: e.status, body: JSON.stringify({ code: e.code, message: e.message }), contentType: "application/json", headers: retry });
    },
  };
}
