// What every operation knows about its caller and where it runs.

import type { RequestPrincipal } from "../policy/policy-types.js";
import type { AccessRequest } from "../authz/access-request.js";

export interface CallContext {
  accountId: string;
  region: string;
  partition: string;
  requestId: string;
  /** ARN of the authenticated principal */
  principalArn: string;
  /** the authenticated principal, as policies see it */
  principal?: RequestPrincipal;
  /** the request was signed with temporary credentials (an STS session) */
  temporary?: boolean;
  /**
   * Would the caller be allowed this further request? For operations that act on several
   * resources (BatchGetSecretValue); absent where nothing is evaluated (unit tests).
   */
  isAllowed?(request: AccessRequest): boolean;
}

/** An operation of a service: the validated JSON input in, the JSON output out. */
export type Operation = (ctx: CallContext, input: any) => Promise<Record<string, unknown>>;
export type OperationTable = Record<string, Operation>;
