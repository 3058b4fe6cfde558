// The operator's own routes: health, Prometheus metrics, and the reset emulator test clients call
// (permissive mode only). None of them reads a body.

import { asServiceError } from "./internal-error.js";
import { ServiceError } from "../contract/service-error.js";
import { JSON_CONTENT_TYPE, serializeError } from "./aws-json.js";
import { jsonAnswer, type Answer, type Inspected, type Route } from "./route.js";
import type { AuthMode } from "./authenticate.js";
import type { RegionHost } from "../region/region-host.js";
import { exposition } from "../util/prometheus.js";

/** Operator routes answer failures as AWS JSON errors with no service model. */
export function operatorFailure(error: unknown): Answer {
  const e = asServiceError(error, (message = "An error occurred on the server side.") => new ServiceError("InternalServiceError", message, 500));
  return { status: e.status, body: serializeError(undefined, e), contentType: JSON_CONTENT_TYPE };
}

/**
 * `ok` when every hosted Region serves. A Region out of service (its store damaged) makes it
 * `degraded`, still 200: the process serves its other Regions, and a probe that restarted or
 * drained it would stop them too; `unhealthy` (503) once no Region serves. `regions` counts
 * every hosted Region; `unhealthy` says, per Region out of service, what the operator must do.
 */
export function healthRoute(host: Pick<RegionHost, "nodes" | "outages">): Route {
  return {
    name: "health",
    matches: (r) => r.method === "GET" && r.path === "/_meridian/health",
    async handle() {
      const regions = host.nodes.size + host.outages.size;
      if (host.outages.size === 0) return jsonAnswer({ status: "ok", regions });
      const unhealthy = Object.fromEntries([...host.outages].map(([region, { fault }]) => [region, fault.clientMessage]));
      return host.nodes.size > 0 ? jsonAnswer({ status: "degraded", regions, unhealthy }) : jsonAnswer({ status: "unhealthy", regions, unhealthy }, 503);
    },
    failure: operatorFailure,
  };
}

/** Every hosted Region's replication and store metrics, each Region's from its own registries. */
export function metricsRoute(host: Pick<RegionHost, "nodes">): Route {
  return {
    name: "metrics",
    matches: (r) => r.method === "GET" && r.path === "/metrics",
    async handle() {
      const nodes = [...host.nodes.values()];
      const { text, contentType } = await exposition(nodes.flatMap((n) => [n.replication.metrics.registry, n.store.metrics]));
      return { status: 200, body: text, contentType };
    },
    failure: operatorFailure,
  };
}

/**
 * The reset routes wipe everything: permissive mode only, and never from a browser — a page's
 * cross-origin POST carries an Origin header or a form content type, an emulator's test client neither.
 */
export function resetRoute(host: Pick<RegionHost, "reset">, auth: AuthMode): Route {
  return {
    name: "reset",
    matches: (r) => r.method === "POST" && (r.path === "/_meridian/reset" || r.path === "/moto-api/reset"),
    async handle(r) {
      refuseUnsafeReset(auth, r);
      await host.reset();
      return jsonAnswer({});
    },
    failure: operatorFailure,
  };
}

function refuseUnsafeReset(auth: AuthMode, r: Inspected): void {
  if (auth !== "permissive") throw new ServiceError("AccessDeniedException", "Reset is only available in permissive mode.", 403);
  if (r.req.headers.origin !== undefined) throw new ServiceError("AccessDeniedException", "Reset refuses requests from a web page (Origin header).", 403);
  if (r.contentType !== "" && r.contentType !== "application/json" && r.contentType !== JSON_CONTENT_TYPE) {
    throw new ServiceError("AccessDeniedException", `Reset takes no ${r.contentType} request: send no body or application/json.`, 403);
  }
}
