// One path for every authenticated call, whatever its protocol (DESIGN §2, §6): validate the input
// against the model, describe what the call asks for, decide it with the caller's policies, run
// the operation, and hand the call, allowed or denied, to the audit trail. The protocols only
// parse requests and write responses around it.

import type { Caller } from "./authenticate.js";
import type { ServiceModel } from "../contract/model-types.js";
import { ServiceError } from "../contract/service-error.js";
import type { AnyOperation, CallContext } from "../contract/call-context.js";
import { decodeInputTimestamps } from "./wire-timestamps.js";
import type { AccessDescriber } from "../contract/access-request.js";
import { authorize, type DeniedError, type RequestFacts } from "../authz/authorize.js";
import type { AuditedCall, AuditSink } from "../audit/audit-types.js";
import { withPendingEvent, type PendingCallEvent } from "../store/call-events.js";
import type { RegionHost } from "../region/region-host.js";
import type { CallerPolicies } from "../contract/policy-types.js";
import { furtherCalls, roleSessionCaller } from "./further-calls.js";

export interface DispatchedService {
  signingName: string;
  model: ServiceModel;
  /** the error a denial gets: AccessDeniedException (400) for JSON services, AccessDenied (403) for IAM/STS */
  denied: DeniedError;
}

export interface Dispatch {
  service: DispatchedService;
  operation: string;
  caller: Caller;
  /** the parsed input; absent when it did not parse */
  input: unknown;
  validate(): void;
  handler: AnyOperation;
  /** how the service describes the call for the policy engine */
  access: AccessDescriber | undefined;
  /** the Region the call runs in: the caller's, or for a global service the partition's home Region */
  region: string;
  requestId: string;
  sourceIp: string;
  userAgent: string;
  /** the request arrived over TLS (aws:SecureTransport) */
  secureTransport: boolean;
}

export interface DispatcherDeps {
  host: RegionHost;
  audit?: AuditSink;
  now(): number;
}

export function makeDispatcher(deps: DispatcherDeps) {
  /** The caller's identity-based policies, its permissions boundary, and its session's policies. */
  function policiesOf(caller: Caller): CallerPolicies {
    const dir = deps.host.identity.partition(caller.node.info.partition);
    const own: CallerPolicies = caller.principal.type === "Root" || !dir ? { identityPolicies: [] } : dir.policiesOf(caller.principal);
    const sessionPolicies = dir?.sessionPoliciesOf(caller.session?.sessionPolicies, caller.principal.arn);
    return sessionPolicies ? { ...own, sessionPolicies } : own;
  }

  return async function dispatch(d: Dispatch): Promise<object> {
    const time = deps.now();
    const { caller } = d;
    const facts: RequestFacts = { now: time, sourceIp: d.sourceIp, userAgent: d.userAgent, requestedRegion: d.region, secureTransport: d.secureTransport };
    if (!caller.session) {
      deps.host.identity.partition(caller.node.info.partition)?.noteKeyUse(caller.accessKeyId, { date: time, region: d.region, service: d.service.signingName });
    }
    let policies: CallerPolicies | undefined;
    const callerPolicies = () => (policies ??= policiesOf(caller));
    const ctx: CallContext = {
      accountId: caller.accountId,
      region: d.region,
      partition: caller.node.info.partition,
      requestId: d.requestId,
      principalArn: caller.principal.arn,
      principal: caller.principal,
      temporary: caller.session !== undefined,
      authorizeAs: (operation, input) => authorizeCall(operation, input, true),
      invoke: furtherCalls(deps.host, dispatch, caller, d, d.region),
      async invokeAsRole(roleArn) {
        const resourceAccount = roleArn.split(":")[4] ?? caller.accountId;
        authorize(caller.principal, callerPolicies(), [{ action: "iam:PassRole", resource: roleArn, resourceAccount }], facts, d.service.denied);
        return furtherCalls(deps.host, dispatch, await roleSessionCaller(deps.host, caller, roleArn, facts, d.requestId), d, d.region);
      },
    };
    /** The call (or a further one it makes on the caller's behalf) as the service describes it, decided. */
    async function authorizeCall(operation: string, input: unknown, further = false): Promise<void> {
      // A further call on a service that describes nothing could not be decided: refuse it.
      if (!d.access && further) {
        const message = `User: ${caller.principal.arn} is not authorized to perform: ${d.service.signingName}:${operation}`;
        throw new ServiceError(d.service.denied.code, message, d.service.denied.status);
      }
      const requests = d.access ? await d.access(ctx, operation, input) : [];
      authorize(caller.principal, callerPolicies(), requests, facts, d.service.denied);
    }
    let output: object | undefined;
    let failure: unknown;
    const call = (result: { output?: object; failure?: unknown }): AuditedCall => ({
      time,
      service: d.service.signingName,
      model: d.service.model,
      operation: d.operation,
      region: d.region,
      sourceIp: d.sourceIp,
      userAgent: d.userAgent,
      principal: caller.principal,
      accessKeyId: caller.accessKeyId,
      ...(caller.session
        ? { session: { issuerArn: caller.session.issuer.arn, issuerType: caller.session.issuer.type, createdAt: caller.session.createdAt, mfa: false } }
        : {}),
      input: d.input,
      ...(result.output !== undefined ? { output: result.output } : {}),
      ...(result.failure !== undefined
        ? { error: result.failure instanceof ServiceError ? { code: result.failure.code, message: result.failure.message } : { code: "InternalFailure", message: "" } }
        : {}),
      requestId: d.requestId,
    });
    // taken by the call's first durable write, with the answer declared by then (declareAnswer)
    let pending: PendingCallEvent | undefined = undefined;
    pending = deps.audit?.pending({ region: d.region, service: d.service.signingName, operation: d.operation }, () => call({ output: pending?.answer }));
    try {
      d.validate();
      await authorizeCall(d.operation, d.input);
      // The input passed the model's validation, so it has the shape the handler's type names
      // (timestamps become Dates here, as the generated API types them).
      const input = decodeInputTimestamps(d.service.model, d.service.model.operations[d.operation]?.input, d.input);
      const run = () => (d.handler as (ctx: CallContext, input: unknown) => Promise<object>)(ctx, input);
      output = await (pending ? withPendingEvent(pending, run) : run());
      return output;
    } catch (e) {
      failure = e;
      throw e;
    } finally {
      if (pending) pending.closed = true;
      if (!pending?.taken) await deps.audit?.record(call({ output, failure }));
    }
  };
}

export type Dispatcher = ReturnType<typeof makeDispatcher>;
