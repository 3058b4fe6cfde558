// A rotation's start, success, failure and abandonment, and a failed test of the rotation
// configuration, as CloudTrail records them: AwsServiceEvents by secretsmanager.amazonaws.com (no
// request behind them) naming the secret in additionalEventData.SecretId, which is what EventBridge
// rules written for AWS match on; a failure says why in errorMessage.

import { randomUUID } from "node:crypto";
import type { StoredAuditEvent } from "../store/store.js";

export type RotationEventName = "RotationStarted" | "RotationSucceeded" | "RotationFailed" | "RotationAbandoned" | "TestRotationFailed";

const SERVICE = "secretsmanager.amazonaws.com";

export function rotationEvent(
  name: RotationEventName,
  secret: { arn: string; accountId: string; region: string },
  time: number,
  errorMessage?: string,
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
      ...(errorMessage === undefined ? {} : { errorMessage }),
      requestParameters: null,
      responseElements: null,
      additionalEventData: { SecretId: secret.arn },
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
