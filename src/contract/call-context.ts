// What every operation knows about its caller and where it runs.

import type { RequestPrincipal } from "./policy-types.js";

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
   * Decide a further call on the caller's behalf exactly as it would be decided were it made on
   * its own (the service's access describer, then the policy engine): resolves when allowed,
   * throws the error that call would get (AccessDeniedException with its message) when not. For
   * operations that act on several resources (BatchGetSecretValue decides each secret as
   * GetSecretValue). Absent where nothing decides (unit tests): an operation that needs it must
   * then refuse, not go ahead.
   */
  authorizeAs?(operation: string, input: Record<string, unknown>): Promise<void>;
}

/** An operation of a service: the validated JSON input in, the JSON output out. */
export type Operation = (ctx: CallContext, input: any) => Promise<Record<string, unknown>>;
export type OperationTable = Record<string, Operation>;
