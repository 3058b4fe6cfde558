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
  /**
   * Make a further call as the caller, to any service's operation (`signingName`, e.g. "kms"), in
   * this call's Region or `region` (a global service's in its home Region): validated, authorized and audited
   * as were the caller to make it, resolving to its output or throwing its ServiceError.
   * CloudFormation creates a stack's resources so (DESIGN §10). The seam stays valid after the
   * call that lent it returned (a stack is created in the background). Absent in unit tests.
   */
  invoke?(signingName: string, operation: string, input: Record<string, unknown>, region?: string): Promise<object>;
  /**
   * `invoke` as a service role (CloudFormation's RoleARN) instead of the caller: refused unless the
   * caller may iam:PassRole it and its trust policy lets the service assume it.
   */
  invokeAsRole?(roleArn: string): Promise<NonNullable<CallContext["invoke"]>>;
}

/**
 * A service's operation table, typed against its generated `<Service>Operations` interface
 * (src/generated/<service>-api.ts): only operations the model has, each taking its own input
 * shape and returning its own output shape, so a misspelt operation or member fails to compile.
 * Operations a service does not implement are absent (the edge answers UnknownOperationException).
 */
export type OperationTable<Ops> = { [K in keyof Ops]?: OperationOf<Ops, K> };

/** One operation of `Ops`, for handlers written apart from their table. */
type OperationOf<Ops, K extends keyof Ops> = Ops[K] extends { input: infer I; output: infer O } ? (ctx: CallContext, input: I) => Promise<O> : never;

/**
 * What the edge holds of any service: an operation it calls only with input the model validated
 * (the one place a typed handler meets untyped JSON; see dispatch.ts).
 */
export type AnyOperation = (ctx: CallContext, input: never) => Promise<object>;
export type AnyOperationTable = Readonly<Record<string, AnyOperation | undefined>>;
