// A stack as Meridian keeps it: what DescribeStacks shows, the template and parameter values it
// was made from, and each resource's state. Kept sealed (stack-repo.ts): a template may hold a
// literal SecretString, a parameter may be NoEcho, an access key's secret is an attribute.

import type { ResourceState } from "../resources/resource-types.js";

export type StackStatus =
  | "CREATE_IN_PROGRESS"
  | "CREATE_FAILED"
  | "CREATE_COMPLETE"
  | "ROLLBACK_IN_PROGRESS"
  | "ROLLBACK_FAILED"
  | "ROLLBACK_COMPLETE"
  | "DELETE_IN_PROGRESS"
  | "DELETE_FAILED"
  | "DELETE_COMPLETE"
  | "UPDATE_IN_PROGRESS"
  | "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
  | "UPDATE_COMPLETE"
  | "UPDATE_FAILED"
  | "UPDATE_ROLLBACK_IN_PROGRESS"
  | "UPDATE_ROLLBACK_FAILED"
  | "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"
  | "UPDATE_ROLLBACK_COMPLETE"
  | "REVIEW_IN_PROGRESS";

export interface StackResource {
  logicalId: string;
  type: string;
  status: string;
  statusReason?: string;
  /** the properties the resource was made with, intrinsics evaluated, dynamic references not resolved */
  props: Record<string, unknown>;
  state?: ResourceState;
  lastUpdated: number;
}

export interface StackOutput {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

export interface Stack {
  StackId: string;
  StackName: string;
  accountId: string;
  Description?: string;
  StackStatus: StackStatus;
  StackStatusReason?: string;
  CreationTime: number;
  LastUpdatedTime?: number;
  DeletionTime?: number;
  Capabilities: string[];
  Tags: { Key: string; Value: string }[];
  DisableRollback: boolean;
  EnableTerminationProtection: boolean;
  RoleARN?: string;
  templateBody: string;
  /** parameter values as given or defaulted (strings; lists comma-separated) */
  parameters: Record<string, string>;
  resources: Record<string, StackResource>;
  outputs: StackOutput[];
  /** export names this stack's template imports (Fn::ImportValue) */
  imports: string[];
}

export interface StackEvent {
  EventId: string;
  StackId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Timestamp: number;
  ResourceStatus: string;
  ResourceStatusReason?: string;
}

export interface ChangeSet {
  ChangeSetId: string;
  ChangeSetName: string;
  StackId: string;
  StackName: string;
  accountId: string;
  ChangeSetType: "CREATE" | "UPDATE";
  Status: "CREATE_COMPLETE" | "FAILED" | "DELETE_COMPLETE";
  StatusReason?: string;
  ExecutionStatus: "AVAILABLE" | "UNAVAILABLE" | "EXECUTE_IN_PROGRESS" | "EXECUTE_COMPLETE" | "OBSOLETE";
  CreationTime: number;
  Description?: string;
  Capabilities: string[];
  Tags: { Key: string; Value: string }[];
  RoleARN?: string;
  templateBody: string;
  parameters: Record<string, string>;
  changes: ResourceChange[];
}

export interface ResourceChange {
  Action: "Add" | "Modify" | "Remove";
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Replacement?: "True" | "False";
}
