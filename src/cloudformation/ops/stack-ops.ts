// The stack operations: CreateStack, UpdateStack and DeleteStack answer at once and carry on in
// the background (stack-engine.ts), as CloudFormation does; the reads show the stack's documents.

import { randomUUID } from "node:crypto";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import { ServiceError } from "../../contract/service-error.js";
import type { CloudFormationOperations } from "../../generated/cloudformation-api.js";
import type * as Api from "../../generated/cloudformation-api.js";
import { validationError } from "../template/template-errors.js";
import { isNoEcho } from "../template/parameters.js";
import { requiredCapability, checkCapabilities, checkStackName, readTemplate, stackParameters } from "./stack-inputs.js";
import { renderEvent, renderResource, renderStack, renderSummary } from "./render.js";
import type { Stack } from "../engine/stack-types.js";
import type { CloudFormationDeps } from "./cloudformation-deps.js";
import type { Invoke } from "../resources/resource-types.js";

export const notFound = (name: string) => validationError(`Stack with id ${name} does not exist`);

/** The stack's calls: as its service role when it has one (RoleARN), else as the caller. */
export async function invokeOf(ctx: CallContext, roleArn: string | undefined): Promise<Invoke> {
  const invoke = roleArn === undefined ? ctx.invoke : await ctx.invokeAsRole?.(roleArn);
  // without the seam nothing could decide the stack's calls: refuse rather than act unchecked
  if (!invoke) throw new ServiceError("InternalFailure", "no further-call seam", 500);
  return (service, operation, input, region) => invoke(service, operation, input, region) as Promise<Record<string, unknown>>;
}

export function stackOperations(deps: CloudFormationDeps): OperationTable<CloudFormationOperations> {
  const { repo, engine } = deps;

  async function existing(ctx: CallContext, name: string): Promise<Stack> {
    const s = await repo.findStack(ctx.accountId, name);
    if (!s || s.StackStatus === "DELETE_COMPLETE" && !name.startsWith("arn:")) throw notFound(name);
    return s;
  }

  return {
    async CreateStack(ctx, input) {
      checkStackName(input.StackName);
      const { template, body } = readTemplate(input.TemplateBody, input.TemplateURL);
      checkCapabilities(template, input.Capabilities);
      const parameters = stackParameters(template, input.Parameters);
      const taken = await repo.findStack(ctx.accountId, input.StackName);
      if (taken && taken.StackStatus !== "REVIEW_IN_PROGRESS") throw new ServiceError("AlreadyExistsException", `Stack [${input.StackName}] already exists`, 400);
      const stack: Stack = taken ?? newStack(ctx, deps, input.StackName);
      Object.assign(stack, {
        templateBody: body,
        parameters,
        Capabilities: input.Capabilities ?? [],
        Tags: input.Tags ?? [],
        DisableRollback: input.DisableRollback === true || input.OnFailure === "DO_NOTHING",
        EnableTerminationProtection: input.EnableTerminationProtection === true,
        ...(template.Description !== undefined ? { Description: template.Description } : {}),
        ...(input.RoleARN !== undefined ? { RoleARN: input.RoleARN } : {}),
      });
      const invoke = await invokeOf(ctx, stack.RoleARN);
      await engine.begin(stack, "CREATE_IN_PROGRESS");
      engine.start("create", stack, () => engine.create(stack, invoke));
      return { StackId: stack.StackId };
    },

    async UpdateStack(ctx, input) {
      const stack = await existing(ctx, input.StackName);
      refuseBusy(stack);
      const body = input.UsePreviousTemplate ? stack.templateBody : input.TemplateBody;
      const { template } = readTemplate(body, input.UsePreviousTemplate ? undefined : input.TemplateURL);
      checkCapabilities(template, input.Capabilities);
      const parameters = stackParameters(template, input.Parameters, stack.parameters);
      if (body === stack.templateBody && JSON.stringify(parameters) === JSON.stringify(stack.parameters)) throw validationError("No updates are to be performed.");
      if (input.Capabilities) stack.Capabilities = input.Capabilities;
      if (input.Tags) stack.Tags = input.Tags;
      if (template.Description !== undefined) stack.Description = template.Description;
      const invoke = await invokeOf(ctx, input.RoleARN ?? stack.RoleARN);
      if (input.RoleARN !== undefined) stack.RoleARN = input.RoleARN;
      await engine.begin(stack, "UPDATE_IN_PROGRESS");
      engine.start("update", stack, () => engine.update(stack, { templateBody: body!, parameters }, invoke));
      return { StackId: stack.StackId };
    },

    async DeleteStack(ctx, input) {
      const stack = await repo.findStack(ctx.accountId, input.StackName);
      if (!stack || stack.StackStatus === "DELETE_COMPLETE" || stack.StackStatus === "DELETE_IN_PROGRESS") return {};
      if (stack.EnableTerminationProtection) throw validationError(`Stack [${stack.StackName}] cannot be deleted while TerminationProtection is enabled`);
      refuseBusy(stack, "deleted");
      const invoke = await invokeOf(ctx, input.RoleARN ?? stack.RoleARN);
      // in progress before the answer, as on AWS: a DescribeStacks right after never sees the stack as it was
      await engine.begin(stack, "DELETE_IN_PROGRESS");
      engine.start("delete", stack, () => engine.remove(stack, invoke));
      return {};
    },

    async DescribeStacks(ctx, input) {
      if (input.StackName !== undefined) return { Stacks: [renderStack(await existing(ctx, input.StackName))] };
      const stacks = (await repo.stacks(ctx.accountId)).filter((s) => s.StackStatus !== "DELETE_COMPLETE");
      return { Stacks: stacks.sort((a, b) => b.CreationTime - a.CreationTime).map(renderStack) };
    },

    async ListStacks(ctx, input) {
      const filter = input.StackStatusFilter;
      const stacks = (await repo.stacks(ctx.accountId)).filter((s) => !filter?.length || filter.includes(s.StackStatus as Api.StackStatus));
      return { StackSummaries: stacks.sort((a, b) => b.CreationTime - a.CreationTime).map(renderSummary) };
    },

    async DescribeStackEvents(ctx, input) {
      const stack = await existing(ctx, input.StackName!);
      return { StackEvents: (await repo.events(ctx.accountId, stack.StackId)).map(renderEvent) };
    },

    async DescribeStackResources(ctx, input) {
      if (input.StackName === undefined) throw validationError("Either StackName or PhysicalResourceId must be specified.");
      const stack = await existing(ctx, input.StackName);
      const resources = Object.values(stack.resources).filter((r) => input.LogicalResourceId === undefined || r.logicalId === input.LogicalResourceId);
      return { StackResources: resources.map((r) => { const d = renderResource(stack, r); const { LastUpdatedTimestamp, ...rest } = d; return { ...rest, Timestamp: LastUpdatedTimestamp }; }) };
    },

    async DescribeStackResource(ctx, input) {
      const stack = await existing(ctx, input.StackName);
      const r = stack.resources[input.LogicalResourceId];
      if (!r) throw validationError(`Resource ${input.LogicalResourceId} does not exist for stack ${input.StackName}`);
      return { StackResourceDetail: renderResource(stack, r) };
    },

    async ListStackResources(ctx, input) {
      const stack = await existing(ctx, input.StackName);
      return {
        StackResourceSummaries: Object.values(stack.resources).map((r) => {
          const d = renderResource(stack, r);
          return { LogicalResourceId: d.LogicalResourceId, ...(d.PhysicalResourceId ? { PhysicalResourceId: d.PhysicalResourceId } : {}), ResourceType: d.ResourceType, LastUpdatedTimestamp: d.LastUpdatedTimestamp, ResourceStatus: d.ResourceStatus, ...(d.ResourceStatusReason ? { ResourceStatusReason: d.ResourceStatusReason } : {}), DriftInformation: { StackResourceDriftStatus: "NOT_CHECKED" } };
        }),
      };
    },

    async GetTemplate(ctx, input) {
      if (input.ChangeSetName !== undefined) {
        const cs = (await repo.changeSets(ctx.accountId)).find((c) => c.ChangeSetId === input.ChangeSetName || (c.ChangeSetName === input.ChangeSetName && (c.StackName === input.StackName || c.StackId === input.StackName)));
        if (!cs) throw new ServiceError("ChangeSetNotFoundException", `ChangeSet [${input.ChangeSetName}] does not exist`, 404);
        return { TemplateBody: cs.templateBody, StagesAvailable: ["Original", "Processed"] };
      }
      const stack = await existing(ctx, input.StackName!);
      return { TemplateBody: stack.templateBody, StagesAvailable: ["Original", "Processed"] };
    },

    async GetTemplateSummary(ctx, input) {
      const body = input.StackName !== undefined ? (await existing(ctx, input.StackName)).templateBody : input.TemplateBody;
      const { template } = readTemplate(body, input.StackName !== undefined ? undefined : input.TemplateURL);
      const capability = requiredCapability(template);
      return {
        Parameters: Object.entries(template.Parameters).map(([k, p]) => ({
          ParameterKey: k,
          ...(p.Default !== undefined ? { DefaultValue: String(p.Default) } : {}),
          ParameterType: p.Type,
          NoEcho: isNoEcho(p),
          ...(p.Description !== undefined ? { Description: p.Description } : {}),
          ParameterConstraints: p.AllowedValues ? { AllowedValues: p.AllowedValues.map(String) } : {},
        })),
        ...(template.Description !== undefined ? { Description: template.Description } : {}),
        ...(capability ? { Capabilities: [capability as Api.Capability], CapabilitiesReason: "The following resource(s) require capabilities: [" + iamTypes(template).join(", ") + "]" } : {}),
        ResourceTypes: [...new Set(Object.values(template.Resources).map((r) => r.Type))],
        Version: template.AWSTemplateFormatVersion ?? "2010-09-09",
        ...(template.Metadata ? { Metadata: JSON.stringify(template.Metadata) } : {}),
        DeclaredTransforms: [],
      };
    },

    async ValidateTemplate(_ctx, input) {
      const { template } = readTemplate(input.TemplateBody, input.TemplateURL);
      const capability = requiredCapability(template);
      return {
        Parameters: Object.entries(template.Parameters).map(([k, p]) => ({
          ParameterKey: k,
          ...(p.Default !== undefined ? { DefaultValue: String(p.Default) } : {}),
          NoEcho: isNoEcho(p),
          ...(p.Description !== undefined ? { Description: p.Description } : {}),
        })),
        ...(template.Description !== undefined ? { Description: template.Description } : {}),
        ...(capability ? { Capabilities: [capability as Api.Capability], CapabilitiesReason: "The following resource(s) require capabilities: [" + iamTypes(template).join(", ") + "]" } : {}),
        DeclaredTransforms: [],
      };
    },

    async ListExports(ctx) {
      const exports = await engine.exportsOf(ctx.accountId);
      return { Exports: [...exports].map(([name, e]) => ({ ExportingStackId: e.stack.StackId, Name: name, Value: e.value })) };
    },
  };
}

const iamTypes = (template: ReturnType<typeof readTemplate>["template"]) => [...new Set(Object.values(template.Resources).map((r) => r.Type).filter((t) => t.startsWith("AWS::IAM::")))];

export function newStack(ctx: CallContext, deps: Pick<CloudFormationDeps, "now">, name: string): Stack {
  return {
    StackId: `arn:${ctx.partition}:cloudformation:${ctx.region}:${ctx.accountId}:stack/${name}/${randomUUID()}`,
    StackName: name,
    accountId: ctx.accountId,
    StackStatus: "REVIEW_IN_PROGRESS",
    CreationTime: deps.now(),
    Capabilities: [],
    Tags: [],
    DisableRollback: false,
    EnableTerminationProtection: false,
    templateBody: "",
    parameters: {},
    resources: {},
    outputs: [],
    imports: [],
  };
}

/** A stack with an operation under way takes no other. */
export function refuseBusy(stack: Stack, what = "updated"): void {
  if (stack.StackStatus.endsWith("_IN_PROGRESS") && stack.StackStatus !== "REVIEW_IN_PROGRESS") {
    throw validationError(`Stack:${stack.StackId} is in ${stack.StackStatus} state and can not be ${what}.`);
  }
  if (what === "updated" && (stack.StackStatus === "ROLLBACK_COMPLETE" || stack.StackStatus === "ROLLBACK_FAILED" || stack.StackStatus === "CREATE_FAILED" || stack.StackStatus === "DELETE_FAILED")) {
    throw validationError(`Stack:${stack.StackId} is in ${stack.StackStatus} state and can not be updated.`);
  }
}
