// Stacks, events and resources as the API shows them. NoEcho parameters read ****; nothing
// resolved from a dynamic reference is in a stack's document to be shown.

import type * as Api from "../../generated/cloudformation-api.js";
import { isNoEcho, MASK } from "../template/parameters.js";
import { parseTemplate } from "../template/parse-template.js";
import type { Stack, StackEvent, StackResource } from "../engine/stack-types.js";

export function renderParameters(templateBody: string, values: Record<string, string>): Api.Parameter[] {
  if (!templateBody) return []; // a stack in REVIEW_IN_PROGRESS has no template yet
  const template = parseTemplate(templateBody);
  return Object.entries(values).map(([k, v]) => ({ ParameterKey: k, ParameterValue: isNoEcho(template.Parameters[k]) ? MASK : v }));
}

export function renderStack(s: Stack): Api.Stack {
  return {
    StackId: s.StackId,
    StackName: s.StackName,
    ...(s.Description !== undefined ? { Description: s.Description } : {}),
    Parameters: renderParameters(s.templateBody, s.parameters),
    CreationTime: new Date(s.CreationTime),
    ...(s.LastUpdatedTime !== undefined ? { LastUpdatedTime: new Date(s.LastUpdatedTime) } : {}),
    ...(s.DeletionTime !== undefined ? { DeletionTime: new Date(s.DeletionTime) } : {}),
    StackStatus: s.StackStatus as Api.StackStatus,
    ...(s.StackStatusReason !== undefined ? { StackStatusReason: s.StackStatusReason } : {}),
    DisableRollback: s.DisableRollback,
    NotificationARNs: [],
    Capabilities: s.Capabilities as Api.Capability[],
    Outputs: s.outputs,
    ...(s.RoleARN !== undefined ? { RoleARN: s.RoleARN } : {}),
    Tags: s.Tags,
    EnableTerminationProtection: s.EnableTerminationProtection,
    DriftInformation: { StackDriftStatus: "NOT_CHECKED" },
  };
}

export function renderSummary(s: Stack): Api.StackSummary {
  return {
    StackId: s.StackId,
    StackName: s.StackName,
    ...(s.Description !== undefined ? { TemplateDescription: s.Description } : {}),
    CreationTime: new Date(s.CreationTime),
    ...(s.LastUpdatedTime !== undefined ? { LastUpdatedTime: new Date(s.LastUpdatedTime) } : {}),
    ...(s.DeletionTime !== undefined ? { DeletionTime: new Date(s.DeletionTime) } : {}),
    StackStatus: s.StackStatus as Api.StackStatus,
    ...(s.StackStatusReason !== undefined ? { StackStatusReason: s.StackStatusReason } : {}),
    DriftInformation: { StackDriftStatus: "NOT_CHECKED" },
  };
}

export function renderEvent(e: StackEvent): Api.StackEvent {
  return { ...e, Timestamp: new Date(e.Timestamp), ResourceStatus: e.ResourceStatus as Api.ResourceStatus };
}

export function renderResource(s: Stack, r: StackResource): Api.StackResourceDetail {
  return {
    StackName: s.StackName,
    StackId: s.StackId,
    LogicalResourceId: r.logicalId,
    ...(r.state ? { PhysicalResourceId: r.state.physicalId } : {}),
    ResourceType: r.type,
    LastUpdatedTimestamp: new Date(r.lastUpdated),
    ResourceStatus: r.status as Api.ResourceStatus,
    ...(r.statusReason !== undefined ? { ResourceStatusReason: r.statusReason } : {}),
    DriftInformation: { StackResourceDriftStatus: "NOT_CHECKED" },
  };
}
