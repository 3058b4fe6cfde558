// The call the audit tests record: alice's DescribeSecret-shaped call in one Region, with whatever
// the test changes. One place, so the sink, the CLI and the topology tests record the same thing.

import { model as secretsmanager } from "../../src/generated/secretsmanager-model.js";
import type { AuditedCall } from "../../src/audit/audit-types.js";

export const alice = { arn: "arn:aws:iam::111122223333:user/alice", account: "111122223333", type: "User" as const, username: "alice", userId: "AIDAALICE" };
export const bob = { arn: "arn:aws:iam::111122223333:user/ops/bob", account: "111122223333", type: "User" as const, username: "bob", userId: "AIDABOB" };

/** A Secrets Manager call by alice at `time` in `region`; `over` replaces any member. */
export function auditedCall(time: number, region: string, operation: string, over: Partial<AuditedCall> = {}): AuditedCall {
  return {
    time,
    service: "secretsmanager",
    model: secretsmanager,
    operation,
    region,
    sourceIp: "127.0.0.1",
    userAgent: "test",
    principal: alice,
    accessKeyId: "AKIAALICE",
    input: { SecretId: "app/db" },
    requestId: `req-${operation}-${time}`,
    ...over,
  };
}
