// Every console sign-in attempt as CloudTrail records it: a ConsoleLogin event from
// signin.amazonaws.com, `responseElements.ConsoleLogin` Success or Failure, the failure's reason in
// errorMessage. A user name that matches no user is hidden, as CloudTrail hides it (it may be a
// password typed in the wrong field); no password ever reaches the event.

import { randomUUID } from "node:crypto";
import type { StoredAuditEvent } from "../store/store.js";
import type { UserIdentity } from "../contract/audit-records.js";
import { HIDDEN } from "../audit/cloudtrail-event.js";

export interface SignInAttempt {
  time: number;
  region: string;
  accountId: string;
  sourceIp: string;
  userAgent: string;
  /** who signed in or was named: an existing user or the root; undefined when the name matched no one */
  who?: { type: "IAMUser" | "Root"; principalId: string; arn: string; userName?: string };
  /** undefined on success */
  failure?: string;
  /** the password had to be changed at this sign-in */
  passwordChanged?: boolean;
}

export function consoleLoginEvent(a: SignInAttempt): StoredAuditEvent {
  const identity: UserIdentity = a.who
    ? { type: a.who.type, principalId: a.who.principalId, arn: a.who.arn, accountId: a.accountId, ...(a.who.userName ? { userName: a.who.userName } : {}) }
    : { type: "IAMUser", accountId: a.accountId, accessKeyId: "", userName: HIDDEN };
  return {
    time: a.time,
    event: {
      eventVersion: "1.08",
      userIdentity: identity,
      eventTime: new Date(a.time).toISOString().replace(/\.\d{3}Z$/, "Z"),
      eventSource: "signin.amazonaws.com",
      eventName: "ConsoleLogin",
      awsRegion: a.region,
      sourceIPAddress: a.sourceIp,
      userAgent: a.userAgent,
      ...(a.failure !== undefined ? { errorMessage: a.failure } : {}),
      requestParameters: null,
      responseElements: { ConsoleLogin: a.failure === undefined ? "Success" : "Failure" },
      additionalEventData: { LoginTo: "/console/", MobileVersion: "No", MFAUsed: "No", ...(a.passwordChanged ? { PasswordChanged: "Yes" } : {}) },
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: "AwsConsoleSignIn",
      managementEvent: true,
      recipientAccountId: a.accountId,
      eventCategory: "Management",
    },
  };
}
