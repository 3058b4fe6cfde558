// Change sets: what `aws cloudformation deploy` uses. CreateChangeSet works out the changes at once
// (Add, Modify with Replacement True or False per the resource schemas, Remove) and is complete
// when it answers; a CREATE change set makes the stack in REVIEW_IN_PROGRESS; ExecuteChangeSet
// runs the create or update as CreateStack and UpdateStack do.

import { randomUUID } from "node:crypto";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import { ServiceError } from "../../contract/service-error.js";
import type { CloudFormationOperations } from "../../generated/cloudformation-api.js";
import type * as Api from "../../generated/cloudformation-api.js";
import { resourceSchemas } from "../../generated/cloudformation-resource-schemas.js";
import { validationError } from "../template/template-errors.js";
import { referencedNames } from "../template/dependencies.js";
import type { Template } from "../template/template-types.js";
import { parseTemplate } from "../template/parse-template.js";
import { resourceTypes } from "../resources/resource-registry.js";
import type { ChangeSet, ResourceChange, Stack } from "../engine/stack-types.js";
import { checkCapabilities, checkStackName, readTemplate, stackParameters } from "./stack-inputs.js";
import { invokeOf, newStack, notFound, refuseBusy } from "./stack-ops.js";
import { renderParameters } from "./render.js";
import type { CloudFormationDeps } from "./cloudformation-deps.js";

const NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set.";

/** What changes from the stack's template and values to the new ones, resource by resource. */
function changesOf(stack: Stack, template: Template, parameters: Record<string, string>): ResourceChange[] {
  const old = stack.templateBody ? parseTemplate(stack.templateBody) : undefined;
  const changedParams = new Set(Object.keys(parameters).filter((k) => parameters[k] !== stack.parameters[k]));
  const out: ResourceChange[] = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    const before = old?.Resources[id];
    const existing = stack.resources[id]?.state?.physicalId;
    if (!before || !existing) {
      out.push({ Action: "Add", LogicalResourceId: id, ResourceType: r.Type });
      continue;
    }
    const props = r.Properties ?? {};
    const oldProps = before.Properties ?? {};
    const touched = (name: string) => JSON.stringify(props[name]) !== JSON.stringify(oldProps[name]) || [...referencedNames(props[name])].some((n) => changedParams.has(n));
    const names = new Set([...Object.keys(props), ...Object.keys(oldProps)]);
    const changed = [...names].filter(touched);
    if (!changed.length && before.Type === r.Type) continue;
    const replacing = before.Type !== r.Type || !resourceTypes[r.Type]?.update || changed.some((n) => (resourceSchemas[r.Type]?.createOnly ?? []).includes(n) || (resourceTypes[r.Type]?.replaceOn ?? []).includes(n));
    out.push({ Action: "Modify", LogicalResourceId: id, PhysicalResourceId: existing, ResourceType: r.Type, Replacement: replacing ? "True" : "False" });
  }
  for (const [id, r] of Object.entries(stack.resources)) {
    if (!template.Resources[id] && r.state) out.push({ Action: "Remove", LogicalResourceId: id, PhysicalResourceId: r.state.physicalId, ResourceType: r.type });
  }
  return out;
}

export function changeSetOperations(deps: CloudFormationDeps): OperationTable<CloudFormationOperations> {
  const { repo, engine } = deps;

  async function find(ctx: CallContext, name: string, stackName: string | undefined): Promise<ChangeSet> {
    const all = await repo.changeSets(ctx.accountId);
    const cs = name.startsWith("arn:") ? all.find((c) => c.ChangeSetId === name) : all.find((c) => c.ChangeSetName === name && (c.StackName === stackName || c.StackId === stackName));
    if (!cs) throw new ServiceError("ChangeSetNotFoundException", `ChangeSet [${name}] does not exist`, 404);
    return cs;
  }

  return {
    async CreateChangeSet(ctx, input) {
      checkStackName(input.StackName);
      const type = input.ChangeSetType ?? "UPDATE";
      if (type === "IMPORT") throw validationError("Resource import is not supported by Meridian.");
      let stack = await repo.findStack(ctx.accountId, input.StackName);
      if (type === "CREATE" && stack && stack.StackStatus !== "REVIEW_IN_PROGRESS") {
        throw new ServiceError("AlreadyExistsException", `Stack [${input.StackName}] already exists and cannot be created again with the changeSet [${input.ChangeSetName}].`, 400);
      }
      if (type === "UPDATE" && (!stack || stack.StackStatus === "REVIEW_IN_PROGRESS")) throw validationError(`Stack [${input.StackName}] does not exist`);
      if (stack && type === "UPDATE") refuseBusy(stack);
      const body = input.UsePreviousTemplate ? stack?.templateBody : input.TemplateBody;
      const { template } = readTemplate(body, input.UsePreviousTemplate ? undefined : input.TemplateURL);
      checkCapabilities(template, input.Capabilities);
      const parameters = stackParameters(template, input.Parameters, stack?.parameters);
      if (!stack) {
        stack = newStack(ctx, deps, input.StackName);
        await engine.begin(stack, "REVIEW_IN_PROGRESS");
      }
      const changes = changesOf(stack, template, parameters);
      const cs: ChangeSet = {
        ChangeSetId: `arn:${ctx.partition}:cloudformation:${ctx.region}:${ctx.accountId}:changeSet/${input.ChangeSetName}/${randomUUID()}`,
        ChangeSetName: input.ChangeSetName,
        StackId: stack.StackId,
        StackName: stack.StackName,
        accountId: ctx.accountId,
        ChangeSetType: type,
        Status: changes.length ? "CREATE_COMPLETE" : "FAILED",
        ...(changes.length ? {} : { StatusReason: NO_CHANGES }),
        ExecutionStatus: changes.length ? "AVAILABLE" : "UNAVAILABLE",
        CreationTime: deps.now(),
        ...(input.Description !== undefined ? { Description: input.Description } : {}),
        Capabilities: input.Capabilities ?? [],
        Tags: input.Tags ?? [],
        ...(input.RoleARN !== undefined ? { RoleARN: input.RoleARN } : {}),
        templateBody: body!,
        parameters,
        changes,
      };
      await repo.putChangeSet(cs);
      return { Id: cs.ChangeSetId, StackId: cs.StackId };
    },

    async DescribeChangeSet(ctx, input) {
      const cs = await find(ctx, input.ChangeSetName, input.StackName);
      return {
        ChangeSetName: cs.ChangeSetName,
        ChangeSetId: cs.ChangeSetId,
        StackId: cs.StackId,
        StackName: cs.StackName,
        ...(cs.Description !== undefined ? { Description: cs.Description } : {}),
        Parameters: renderParameters(cs.templateBody, cs.parameters),
        CreationTime: new Date(cs.CreationTime),
        ExecutionStatus: cs.ExecutionStatus,
        Status: cs.Status,
        ...(cs.StatusReason !== undefined ? { StatusReason: cs.StatusReason } : {}),
        NotificationARNs: [],
        Capabilities: cs.Capabilities as Api.Capability[],
        Tags: cs.Tags,
        Changes: cs.changes.map((c) => ({ Type: "Resource", ResourceChange: { ...c, Scope: [], Details: [] } })),
        IncludeNestedStacks: false,
      };
    },

    async ExecuteChangeSet(ctx, input) {
      const cs = await find(ctx, input.ChangeSetName, input.StackName);
      if (cs.ExecutionStatus !== "AVAILABLE") {
        throw new ServiceError("InvalidChangeSetStatus", `ChangeSet [${cs.ChangeSetId}] cannot be executed in its current status of [${cs.Status}]`, 400);
      }
      const stack = await repo.findStack(ctx.accountId, cs.StackId);
      if (!stack) throw notFound(cs.StackName);
      refuseBusy(stack);
      const invoke = await invokeOf(ctx, cs.RoleARN ?? stack.RoleARN);
      cs.ExecutionStatus = "EXECUTE_COMPLETE";
      await repo.putChangeSet(cs);
      stack.Capabilities = cs.Capabilities;
      stack.Tags = cs.Tags;
      if (cs.RoleARN !== undefined) stack.RoleARN = cs.RoleARN;
      const description = parseTemplate(cs.templateBody).Description;
      if (description !== undefined) stack.Description = description;
      if (cs.ChangeSetType === "CREATE") {
        stack.templateBody = cs.templateBody;
        stack.parameters = cs.parameters;
        stack.DisableRollback = input.DisableRollback === true;
        await engine.begin(stack, "CREATE_IN_PROGRESS");
        engine.start("create", stack, () => engine.create(stack, invoke));
      } else {
        await engine.begin(stack, "UPDATE_IN_PROGRESS");
        engine.start("update", stack, () => engine.update(stack, { templateBody: cs.templateBody, parameters: cs.parameters }, invoke));
      }
      return {};
    },

    async DeleteChangeSet(ctx, input) {
      await repo.deleteChangeSet(await find(ctx, input.ChangeSetName, input.StackName));
      return {};
    },

    async ListChangeSets(ctx, input) {
      const stack = await repo.findStack(ctx.accountId, input.StackName);
      if (!stack) throw notFound(input.StackName);
      const sets = (await repo.changeSets(ctx.accountId)).filter((c) => c.StackId === stack.StackId);
      return {
        Summaries: sets.map((c) => ({
          StackId: c.StackId,
          StackName: c.StackName,
          ChangeSetId: c.ChangeSetId,
          ChangeSetName: c.ChangeSetName,
          ExecutionStatus: c.ExecutionStatus,
          Status: c.Status,
          ...(c.StatusReason !== undefined ? { StatusReason: c.StatusReason } : {}),
          CreationTime: new Date(c.CreationTime),
          ...(c.Description !== undefined ? { Description: c.Description } : {}),
        })),
      };
    },
  };
}
