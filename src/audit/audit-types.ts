// What the edge hands the audit trail for every call it authenticated (DESIGN §6, issue 5): the
// call as the service saw it. The trail turns it into a CloudTrail-shaped event, with every
// member the model marks sensitive (secret values, plaintexts, passwords) left out.

import type { ServiceModel } from "../contract/model-types.js";
import type { RequestPrincipal } from "../contract/policy-types.js";
import type { PendingCallEvent } from "../store/call-events.js";

export interface AuditedCall {
  /** when the request arrived (epoch ms) */
  time: number;
  /** the service's signing name: secretsmanager, kms, iam, sts, account */
  service: string;
  /** the service's model, whose sensitive traits say what never reaches an event */
  model: ServiceModel;
  operation: string;
  /** the Region whose store keeps the event (a global service's: the partition's home Region) */
  region: string;
  sourceIp: string;
  userAgent: string;
  principal: RequestPrincipal;
  /** the access key that signed the request */
  accessKeyId: string;
  /** for temporary credentials: the session's issuer and creation time */
  session?: { issuerArn: string; issuerType: "Role" | "User"; createdAt: number; mfa: boolean };
  /** the validated input; absent when the request did not parse */
  input?: unknown;
  /** the output of a call that succeeded */
  output?: unknown;
  error?: { code: string; message: string };
  requestId: string;
}

export interface AuditSink {
  /**
   * The event of a call that may change something, pending while its handler runs: the first
   * durable write of the call commits it (store/call-events.ts), built then from `call()`.
   * Undefined for a read-only call. A call whose event was not taken is `record`ed as before.
   */
  pending(head: Pick<AuditedCall, "region" | "service" | "operation">, call: () => AuditedCall): PendingCallEvent | undefined;
  /**
   * Record one call. Resolves once the event is durable in the Region's store for a call that
   * changes something; a read-only call's event may be written moments later (batched).
   */
  record(call: AuditedCall): Promise<void>;
  /** write whatever is still batched (at shutdown) */
  flush(): Promise<void>;
}
