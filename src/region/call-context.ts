// What every operation knows about its caller and where it runs.

export interface CallContext {
  accountId: string;
  region: string;
  partition: string;
  requestId: string;
  /** ARN of the authenticated principal */
  principalArn: string;
}

/** An operation of a service: the validated JSON input in, the JSON output out. */
export type Operation = (ctx: CallContext, input: any) => Promise<Record<string, unknown>>;
export type OperationTable = Record<string, Operation>;
