// A rotation's start, success and failure as CloudTrail records them: AwsServiceEvents by
// secretsmanager.amazonaws.com (no request behind them), with the secret and version in
// serviceEventDetails and, for a failure, why.

import { randomUUID } from "node:crypto";
import type { StoredAuditEvent } from "../store/store.js";

export type RotationEventName = "RotationStarted" | "RotationSucceeded" | "RotationFailed" | "RotationAbandoned";

const SERVICE = "secretsmanager.amazonaws.com";

export function rotationEvent(
  name: RotationEventName,
  secret: { arn: string; accountId: string; region: string },
  versionId: string,
  time: number,
  reason?: string,
): StoredAuditEvent {
  return {
    time,
    event: {
      eventVersion: "1.08",
      userIdentity: { type: "AWSService", accountId: secret.accountId, invokedBy: SERVICE },
      eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z"),
      eventSource: SERVICE,
      eventName: name,
      awsRegion: secret.region,
      sourceIPAddress: SERVICE,
      userAgent: SERVICE,
      requestParameters: null,
      responseElements: null,
      serviceEventDetails: { secretId: secret.arn, versionId, ...(reason === undefined ? {} : { reason }) },
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: "AwsServiceEvent",
      managementEvent: true,
      recipientAccountId: secret.accountId,
      eventCategory: "Management",
    },
  };
}
