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
import { roleOfArn } from "../sts/sts-access.js";
import { decide, type RequestFacts } from "../authz/authorize.js";
import { assumedRoleArn } from "../util/arn.js";
import type { RequestPrincipal } from "../contract/policy-types.js";
import type { SessionClaims } from "../identity/sessions.js";
import { newAccessKeyId } from "../identity/directory.js";

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

/** The session name CloudFormation's role sessions carry. */
const ROLE_SESSION = "AWSCloudFormation";
const ROLE_SESSION_MS = 3600_000;

/**
 * The caller for calls made as a stack's service role (RoleARN): its trust policy must let
 * CloudFormation assume it (the deployer's iam:PassRole is decided by the dispatch); the session
 * is the role's, as the policies and the audit trail see it. Nothing is issued: no token leaves.
 */
export async function roleSessionCaller(host: RegionHost, caller: Caller, roleArn: string, facts: RequestFacts, requestId: string): Promise<Caller> {
  const partition = caller.node.info.partition;
  const invalid = () => new ServiceError("ValidationError", `Role ${roleArn} is invalid or cannot be assumed`, 400);
  const role = roleOfArn(host.identity, partition, roleArn);
  const describe = host.globalAccess.sts;
  if (!role || !describe) throw invalid();
  const service: RequestPrincipal = { arn: INVOKED_BY, account: "", type: "Service" };
  const ctx = { accountId: caller.accountId, region: facts.requestedRegion, partition, requestId, principalArn: INVOKED_BY, principal: service };
  for (const request of await describe(ctx, "AssumeRole", { RoleArn: roleArn, RoleSessionName: ROLE_SESSION })) {
    if (decide(service, { identityPolicies: [] }, request, facts).decision !== "Allow") throw invalid();
  }
  const principal: RequestPrincipal = {
    arn: assumedRoleArn(partition, role.accountId, role.name, ROLE_SESSION),
    account: role.accountId,
    type: "AssumedRole",
    roleArn: role.arn,
    userId: `${role.id}:${ROLE_SESSION}`,
    tags: Object.fromEntries(role.tags.map((t) => [t.Key, t.Value])),
  };
  const accessKeyId = newAccessKeyId("ASIA");
  const session: SessionClaims = {
    accessKeyId,
    secretAccessKey: "",
    expiration: facts.now + ROLE_SESSION_MS,
    createdAt: facts.now,
    principal,
    issuer: { arn: role.arn, type: "Role", principalId: role.id },
  };
  return { accountId: role.accountId, principal, accessKeyId, session, node: caller.node, service: caller.service };
}
