// The global services' protocols, answered from the partition's home Region: rest-json (the
// Account API, routed by path) and the query protocol (IAM, STS: a form POST naming its Action,
// which is in the body, so the head is checked against the service it is signed for, the body
// read, then the Action's service). CloudFormation speaks the query protocol too, but is regional:
// its calls run in the Region of the credential scope, as the JSON services' do.

import { asServiceError } from "./internal-error.js";
import { REST_JSON_CONTENT_TYPE, answerRestJson, makeRestRouter, restJsonInternalError, serializeRestJsonError, type RestJsonService } from "./rest-json.js";
import { answerQuery, isQueryRequest, queryErrorResponse, type QueryService } from "./aws-query.js";
import { XML_CONTENT_TYPE } from "./aws-query-xml.js";
import type { PendingCaller } from "./authenticate.js";
import type { Dispatch } from "./dispatch.js";
import { bodyAfter, MAX_BODY_BYTES, type ApiDeps, type Inspected, type Route } from "./route.js";

/** A global call runs, and is durable, in its partition's home Region. */
function globalDispatch(deps: ApiDeps, r: Inspected, ran: (region: string) => void) {
  return (d: Pick<Dispatch, "service" | "operation" | "caller" | "input" | "validate" | "handler">) => {
    const region = deps.host.homeRegionOf(d.caller.node.info.partition);
    ran(region);
    return deps.dispatch({ ...d, access: deps.host.globalAccess[d.service.signingName], region, ...r.facts });
  };
}

function durableIn(deps: ApiDeps, region: string | undefined): Promise<void> | undefined {
  const node = region === undefined ? undefined : deps.host.node(region);
  return node ? node.store.whenDurable() : deps.host.whenDurable();
}

export function restJsonRoute(services: readonly RestJsonService[], deps: ApiDeps): Route {
  const routeOf = makeRestRouter(services);
  return {
    name: "rest-json",
    headFirst: true,
    matches: (r) => routeOf(r.path) !== undefined,
    async handle(r, tools) {
      let region: string | undefined;
      let body: Buffer = Buffer.alloc(0);
      const answer = await answerRestJson(routeOf(r.path)!, { method: r.method, contentType: r.req.headers["content-type"], body: () => body, requestId: r.requestId }, {
        authenticate: async (service) => {
          const read = await bodyAfter(deps.authenticator.begin(r.head, service.signingName), tools);
          body = read.body;
          return read.pending.finish(body, service.signingName, { global: service.global });
        },
        operations: (signingName) => deps.host.globalServices[signingName],
        dispatch: globalDispatch(deps, r, (home) => (region = home)),
      });
      return { status: 200, body: answer, contentType: REST_JSON_CONTENT_TYPE, durable: durableIn(deps, region) };
    },
    failure(error) {
      const answer = serializeRestJsonError(asServiceError(error, restJsonInternalError));
      return { ...answer, contentType: REST_JSON_CONTENT_TYPE };
    },
  };
}

export function queryRoute(services: readonly QueryService[], deps: ApiDeps): Route {
  return {
    name: "query",
    headFirst: true,
    matches: (r) => isQueryRequest(r.method, r.req.headers["content-type"], r.req.headers["x-amz-target"] as string | undefined),
    async handle(r, tools) {
      let region: string | undefined;
      let pending: PendingCaller | undefined;
      let body: Buffer = Buffer.alloc(0);
      const answer = await answerQuery({ head: r.head, requestId: r.requestId }, {
        services,
        begin: () => void (pending = deps.authenticator.begin(r.head)),
        readBody: async () => (body = await tools.readBody(MAX_BODY_BYTES)),
        authenticate: (service) => pending!.finish(body, service.signingName, { global: !service.regional }),
        operations: (service, caller) => (service.regional ? caller.node.services : deps.host.globalServices)[service.signingName],
        dispatch: (d, service) => {
          if (!service.regional) return globalDispatch(deps, r, (home) => (region = home))(d);
          const node = d.caller.node;
          region = node.info.name;
          return deps.dispatch({ ...d, access: node.access[service.signingName], region, ...r.facts });
        },
      });
      return { status: 200, body: answer, contentType: XML_CONTENT_TYPE, durable: durableIn(deps, region) };
    },
    failure(error, r) {
      const answer = queryErrorResponse(error, services[0]!.model, r.requestId);
      return { ...answer, contentType: XML_CONTENT_TYPE };
    },
  };
}
