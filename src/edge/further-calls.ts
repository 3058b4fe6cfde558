// Further calls a call makes as its caller (DESIGN §10): CloudFormation creates a stack's resources
// with the operations a client calls, and each goes through the same dispatch — validated against
// its model, decided by the caller's policies, run, and audited as a call of its own — so a
// template can do nothing its deployer could not do by hand, and the audit trail shows every step.

import { randomUUID } from "node:crypto";
import { ServiceError } from "../contract/service-error.js";
import type { Caller } from "./authenticate.js";
import type { Dispatch } from "./dispatch.js";
import type { HttpFacts } from "./route.js";
import type { RegionHost } from "../region/region-host.js";
import { jsonServices, queryServices } from "./services.js";
import { validateInput } from "./validate.js";
import { validateQueryInput } from "./aws-query.js";

/** How AWS's CloudTrail names calls a service made on a caller's behalf. */
const INVOKED_BY = "cloudformation.amazonaws.com";

export type FurtherCall = (service: string, operation: string, input: Record<string, unknown>, region?: string) => Promise<object>;

/**
 * The caller's further calls from `region`: a regional service's run in that Region, a global
 * one's (IAM) in the partition's home Region, as the caller's own calls would.
 */
export function furtherCalls(host: RegionHost, dispatch: (d: Dispatch) => Promise<object>, caller: Caller, facts: HttpFacts, region: string): FurtherCall {
  return async (signingName, operation, input, inRegion = region) => {
    const json = jsonServices.find((s) => s.signingName === signingName);
    const query = queryServices.find((s) => s.signingName === signingName);
    const model = (json ?? query)?.model;
    if (!model || !Object.hasOwn(model.operations, operation)) throw new Error(`no operation ${signingName}:${operation}`);
    const global = query !== undefined && !query.regional;
    const runIn = global ? host.homeRegionOf(caller.node.info.partition) : inRegion;
    const node = host.node(runIn);
    if (!node) throw host.outages.get(runIn)?.fault ?? new ServiceError("ServiceUnavailable", `Region ${runIn} is not in service.`, 503);
    const table = global ? host.globalServices[signingName] : node.services[signingName];
    const handler = table && Object.hasOwn(table, operation) ? table[operation] : undefined;
    if (!handler) throw new ServiceError("NotImplemented", `Meridian does not implement ${model.metadata.serviceId} ${operation}.`, 501);
    const spec = model.operations[operation]!;
    return dispatch({
      service: { signingName, model, denied: json ? { code: "AccessDeniedException", status: 400 } : { code: "AccessDenied", status: 403 } },
      operation,
      caller: { ...caller, node: global ? caller.node : node },
      input,
      validate: () => {
        if (!spec.input) return;
        if (json) validateInput(model, spec.input, input);
        else validateQueryInput(model, spec.input, input);
      },
      handler,
      access: global ? host.globalAccess[signingName] : node.access[signingName],
      region: runIn,
      requestId: randomUUID(),
      sourceIp: INVOKED_BY,
      userAgent: INVOKED_BY,
      secureTransport: facts.secureTransport,
    });
  };
}
