// The audit record a store persists: one audited call as a CloudTrail event (issue 5), what
// `meridian audit` lists and exports. audit/cloudtrail-event.ts builds it from a call.

interface SessionIssuer {
  type: "Role" | "User";
  principalId: string;
  arn: string;
  accountId: string;
  userName: string;
}

export interface UserIdentity {
  type: "Root" | "IAMUser" | "AssumedRole" | "Role" | "AWSService" | "Unknown";
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  /** the calling service, for a service principal */
  invokedBy?: string;
  sessionContext?: {
    sessionIssuer: SessionIssuer;
    webIdFederationData: Record<string, never>;
    attributes: { creationDate: string; mfaAuthenticated: "true" | "false" };
  };
}

export interface CloudTrailEvent {
  eventVersion: "1.08";
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  /** AwsServiceEvent: work the service did on its own (a scheduled rotation), no API call behind it */
  eventType: "AwsApiCall" | "AwsServiceEvent" | "AwsConsoleSignIn";
  /** an AwsServiceEvent's details, for the services that give them there */
  serviceEventDetails?: Record<string, unknown>;
  /** what else the service records of the event (a rotation's secret: {"SecretId": arn}) */
  additionalEventData?: Record<string, unknown>;
  managementEvent: true;
  recipientAccountId: string;
  eventCategory: "Management";
}
