// The caller a rotation's own work runs as: the secret's account, acting as the service principal
// secretsmanager.amazonaws.com. Its writes are not separate API calls in the audit trail: the
// rotation's AwsServiceEvents (rotation-audit.ts) record them.

import { randomUUID } from "node:crypto";
import type { CallContext } from "../contract/call-context.js";

export function serviceContext(secret: { arn: string; accountId: string; region: string }): CallContext {
  const partition = secret.arn.split(":")[1];
  return {
    accountId: secret.accountId,
    region: secret.region,
    partition,
    requestId: randomUUID(),
    principalArn: `arn:${partition}:iam::${secret.accountId}:root`,
  };
}
