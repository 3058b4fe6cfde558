// Carries out a stack operation in the background once its call answered (as CloudFormation does):
// resources made in dependency order, independent ones at once, each by its type's handler as the
// deployer; a failure rolls back (made resources deleted, changed ones changed back); an update
// changes in place what it can and replaces the rest (new one made, old one deleted at cleanup);
// DeletionPolicy/UpdateReplacePolicy Retain keep a resource. Every step is an event.

import { randomUUID } from "node:crypto";
import { parseTemplate } from "../template/parse-template.js";
import { dependencyGraph } from "../template/dependencies.js";
import { hasDynamicReference, resolveDynamicReferences } from "../template/dynamic-references.js";
import { evaluate } from "../template/intrinsics.js";
import type { Template } from "../template/template-types.js";
import { resourceTypes } from "../resources/resource-registry.js";
import type { Invoke, ResourceContext } from "../resources/resource-types.js";
import { same } from "../resources/resource-types.js";
import { resourceSchemas } from "../../generated/cloudformation-resource-schemas.js";
import { runGraph, reversed } from "./run-graph.js";
import { evaluatedProps, generatedName, stackEvaluation, type StackPlace } from "./stack-context.js";
import type { Stack, StackEvent, StackOutput, StackResource, StackStatus } from "./stack-types.js";
import type { StackRepo } from "./stack-repo.js";
import type { Logger } from "../../util/logger.js";

export interface EngineDeps {
  repo: StackRepo;
  region: string;
  partition: string;
  now(): number;
  log: Logger;
}

/** The reason a failed call gives, as CloudFormation words a handler's failure. */
function reasonOf(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code) return `Resource handler returned message: "${err.message ?? ""}" (HandlerErrorCode: ${handlerCode(err.code)})`;
  return err.message ?? String(e);
}

function handlerCode(code: string): string {
  if (/AccessDenied/.test(code)) return "AccessDenied";
  if (/NotFound|NoSuchEntity/.test(code)) return "NotFound";
  if (/AlreadyExists|EntityAlreadyExists/.test(code)) return "AlreadyExists";
  if (/Validation|InvalidParameter|InvalidRequest|MalformedPolicy/.test(code)) return "InvalidRequest";
  if (/LimitExceeded/.test(code)) return "ServiceLimitExceeded";
  return "GeneralServiceException";
}

/** Properties with their dynamic references resolved, read as the deployer; only ever in memory. */
async function withReferencesResolved(props: Record<string, unknown>, invoke: Invoke): Promise<Record<string, unknown>> {
  if (!hasDynamicReference(props)) return props;
  const read = (input: Record<string, unknown>) => invoke("secretsmanager", "GetSecretValue", input) as Promise<{ SecretString?: string }>;
  return (await resolveDynamicReferences(props, read)) as Record<string, unknown>;
}

export function makeStackEngine(deps: EngineDeps) {
  const { repo } = deps;
  // one writer per stack at a time: events are appended read-modify-write
  const queues = new Map<string, Promise<void>>();
  function save(stack: Stack, events: StackEvent[] = []): Promise<void> {
    const prev = queues.get(stack.StackId) ?? Promise.resolve();
    const snapshot = structuredClone(stack);
    const next = prev.then(() => repo.putStack(snapshot, events));
    queues.set(stack.StackId, next.catch(() => undefined));
    return next;
  }

  function event(stack: Stack, logicalId: string, type: string, status: string, reason?: string, physicalId?: string): StackEvent {
    return {
      EventId: logicalId === stack.StackName ? randomUUID() : `${logicalId}-${status}-${new Date(deps.now()).toISOString()}`,
      StackId: stack.StackId,
      StackName: stack.StackName,
      LogicalResourceId: logicalId,
      ...(physicalId !== undefined ? { PhysicalResourceId: physicalId } : {}),
      ResourceType: type,
      Timestamp: deps.now(),
      ResourceStatus: status,
      ...(reason !== undefined ? { ResourceStatusReason: reason } : {}),
    };
  }

  async function setStatus(stack: Stack, status: StackStatus, reason?: string): Promise<void> {
    stack.StackStatus = status;
    if (reason === undefined) delete stack.StackStatusReason;
    else stack.StackStatusReason = reason;
    if (status.startsWith("UPDATE") || status.startsWith("ROLLBACK")) stack.LastUpdatedTime = deps.now();
    if (status === "DELETE_COMPLETE") stack.DeletionTime = deps.now();
    await save(stack, [event(stack, stack.StackName, "AWS::CloudFormation::Stack", status, reason, stack.StackId)]);
  }

  async function resourceStatus(stack: Stack, r: StackResource, status: string, reason?: string): Promise<void> {
    r.status = status;
    r.lastUpdated = deps.now();
    if (reason === undefined) delete r.statusReason;
    else r.statusReason = reason;
    await save(stack, [event(stack, r.logicalId, r.type, status, reason, r.state?.physicalId)]);
  }

  const place = (stack: Stack): StackPlace => ({ accountId: stack.accountId, region: deps.region, partition: deps.partition, StackName: stack.StackName, StackId: stack.StackId });

  function resourceContext(stack: Stack, logicalId: string, invoke: Invoke): ResourceContext {
    const p = place(stack);
    return { invoke, stackName: stack.StackName, stackId: stack.StackId, logicalId, accountId: stack.accountId, region: deps.region, partition: deps.partition, generatedName: (max, style) => generatedName(p, logicalId, max, style) };
  }

  /** Every export of the account here, by name, with the stack that exports it. */
  async function exportsOf(accountId: string): Promise<Map<string, { value: string; stack: Stack }>> {
    const out = new Map<string, { value: string; stack: Stack }>();
    for (const s of await repo.stacks(accountId)) {
      if (s.StackStatus === "DELETE_COMPLETE") continue;
      for (const o of s.outputs) if (o.ExportName) out.set(o.ExportName, { value: o.OutputValue, stack: s });
    }
    return out;
  }

  /** The importers of each export of `stack`, other stacks only. */
  async function importersOf(stack: Stack): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const names = new Set(stack.outputs.map((o) => o.ExportName).filter((n): n is string => n !== undefined));
    for (const s of await repo.stacks(stack.accountId)) {
      if (s.StackId === stack.StackId || s.StackStatus === "DELETE_COMPLETE") continue;
      for (const name of s.imports) if (names.has(name)) out.set(name, [...(out.get(name) ?? []), s.StackName]);
    }
    return out;
  }

  /**
   * Make or change the template's resources: `previous` holds the resources as they were (empty
   * for a create). Throws the first failure after recording it; what it did stays in `stack`.
   */
  async function apply(stack: Stack, template: Template, invoke: Invoke, verb: "CREATE" | "UPDATE", replaced: Map<string, StackResource>): Promise<Set<string>> {
    const exports = await exportsOf(stack.accountId);
    const ev = stackEvaluation(template, stack.parameters, place(stack), (id) => stack.resources[id]?.state, (name) => exports.get(name)?.value);
    const graph = dependencyGraph(template, ev.active);
    const result = await runGraph(graph, async (id) => {
      const decl = template.Resources[id]!;
      const handler = resourceTypes[decl.Type]!;
      const props = evaluatedProps(template, id, ev);
      const old = stack.resources[id];
      if (old?.state && old.type === decl.Type && same(old.props, props)) return; // unchanged
      const resolved = await withReferencesResolved(props, invoke);
      const ctx = resourceContext(stack, id, invoke);
      const replace = !old?.state || old.type !== decl.Type || !handler.update || needsReplacement(decl.Type, old.props, props);
      const r: StackResource = { logicalId: id, type: decl.Type, status: "", props, lastUpdated: deps.now() };
      if (replace) {
        if (old?.state) {
          replaced.set(id, old);
          r.state = undefined;
        }
        stack.resources[id] = r;
        await resourceStatus(stack, r, `${verb}_IN_PROGRESS`, old?.state ? "Requested update requires the creation of a new physical resource; hence creating one." : undefined);
        try {
          r.state = await handler.create(ctx, resolved);
        } catch (e) {
          await resourceStatus(stack, r, `${verb}_FAILED`, reasonOf(e));
          throw e;
        }
        await resourceStatus(stack, r, `${verb}_COMPLETE`);
        return;
      }
      r.state = old.state;
      stack.resources[id] = r;
      await resourceStatus(stack, r, "UPDATE_IN_PROGRESS");
      try {
        const oldResolved = await withReferencesResolved(old.props, invoke);
        r.state = await handler.update!(ctx, resolved, { props: oldResolved, state: old.state! });
      } catch (e) {
        stack.resources[id] = { ...old, status: "UPDATE_FAILED" };
        await resourceStatus(stack, stack.resources[id]!, "UPDATE_FAILED", reasonOf(e));
        throw e;
      }
      await resourceStatus(stack, r, "UPDATE_COMPLETE");
    });
    if (result.failure) throw result.failure.error;
    stack.outputs = outputsOf(template, ev, stack);
    for (const o of stack.outputs) {
      const taken = o.ExportName ? exports.get(o.ExportName) : undefined;
      if (taken && taken.stack.StackId !== stack.StackId) throw new Error(`Export with name ${o.ExportName} is already exported by stack ${taken.stack.StackName}`);
    }
    stack.imports = importsOf(template, ev);
    return ev.active;
  }

  function outputsOf(template: Template, ev: ReturnType<typeof stackEvaluation>, stack: Stack): StackOutput[] {
    void stack;
    const out: StackOutput[] = [];
    for (const [key, o] of Object.entries(template.Outputs)) {
      if (o.Condition !== undefined && ev.conditions[o.Condition] !== true) continue;
      const value = evaluate(o.Value, ev.ctx);
      const output: StackOutput = { OutputKey: key, OutputValue: Array.isArray(value) ? value.join(",") : String(value) };
      if (o.Description !== undefined) output.Description = String(evaluate(o.Description, ev.ctx));
      if (o.Export) output.ExportName = String(evaluate(o.Export.Name, ev.ctx));
      out.push(output);
    }
    return out;
  }

  function importsOf(template: Template, ev: ReturnType<typeof stackEvaluation>): string[] {
    const names: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === "object" && v !== null) {
        for (const [k, x] of Object.entries(v)) {
          if (k === "Fn::ImportValue") names.push(String(evaluate(x, ev.ctx)));
          else walk(x);
        }
      }
    };
    for (const id of ev.active) walk(template.Resources[id]!.Properties);
    walk(template.Outputs);
    return [...new Set(names)];
  }

  function needsReplacement(type: string, oldProps: Record<string, unknown>, props: Record<string, unknown>): boolean {
    const fields = [...(resourceSchemas[type]?.createOnly ?? []), ...(resourceTypes[type]?.replaceOn ?? [])];
    return fields.some((f) => !same(oldProps[f], props[f]));
  }

  /** Delete resources (dependents first); `retain` ones are skipped. Returns the ids that failed. */
  async function deleteResources(stack: Stack, template: Template | undefined, resources: StackResource[], invoke: Invoke, opts: { retain?: (r: StackResource) => boolean; track: boolean }): Promise<string[]> {
    const ids = resources.map((r) => r.logicalId);
    const byId = new Map(resources.map((r) => [r.logicalId, r]));
    let graph: Map<string, Set<string>>;
    try {
      graph = template ? reversed(dependencyGraph(template, new Set(ids.filter((id) => Object.hasOwn(template.Resources, id)))), ids) : new Map(ids.map((id) => [id, new Set()]));
    } catch {
      graph = new Map(ids.map((id) => [id, new Set()]));
    }
    for (const id of ids) if (!graph.has(id)) graph.set(id, new Set());
    const failed: string[] = [];
    await runGraph(graph, async (id) => {
      const r = byId.get(id)!;
      if (!r.state) {
        if (opts.track) delete stack.resources[id];
        return;
      }
      if (opts.retain?.(r)) {
        await resourceStatus(stack, { ...r }, "DELETE_SKIPPED");
        if (opts.track) delete stack.resources[id];
        return;
      }
      const shown = { ...r };
      await resourceStatus(stack, shown, "DELETE_IN_PROGRESS");
      try {
        const props = await withReferencesResolved(r.props, invoke);
        await resourceTypes[r.type]!.delete(resourceContext(stack, id, invoke), props, r.state);
      } catch (e) {
        failed.push(id);
        if (opts.track) stack.resources[id] = { ...r, status: "DELETE_FAILED", statusReason: reasonOf(e) };
        await resourceStatus(stack, shown, "DELETE_FAILED", reasonOf(e));
        return;
      }
      await resourceStatus(stack, shown, "DELETE_COMPLETE");
      if (opts.track) delete stack.resources[id];
    });
    return failed;
  }

  const policyOf = (template: Template | undefined, id: string, which: "DeletionPolicy" | "UpdateReplacePolicy") => template?.Resources[id]?.[which];

  async function create(stack: Stack, invoke: Invoke): Promise<void> {
    const template = parseTemplate(stack.templateBody);
    try {
      await apply(stack, template, invoke, "CREATE", new Map());
      await setStatus(stack, "CREATE_COMPLETE");
    } catch (e) {
      const failedIds = Object.values(stack.resources).filter((r) => r.status === "CREATE_FAILED").map((r) => r.logicalId);
      const reason = failedIds.length ? `The following resource(s) failed to create: [${failedIds.join(", ")}]. ` : `${reasonOf(e)}. `;
      if (stack.DisableRollback) return setStatus(stack, "CREATE_FAILED", reason.trim());
      await setStatus(stack, "ROLLBACK_IN_PROGRESS", `${reason}Rollback requested by user.`);
      const failed = await deleteResources(stack, template, Object.values(stack.resources), invoke, { track: true });
      await setStatus(stack, failed.length ? "ROLLBACK_FAILED" : "ROLLBACK_COMPLETE", failed.length ? `The following resource(s) failed to delete: [${failed.join(", ")}]. ` : undefined);
    }
  }

  async function update(stack: Stack, next: { templateBody: string; parameters: Record<string, string> }, invoke: Invoke): Promise<void> {
    const before = structuredClone(stack);
    const oldTemplate = parseTemplate(before.templateBody);
    const template = parseTemplate(next.templateBody);
    stack.templateBody = next.templateBody;
    stack.parameters = next.parameters;
    const replaced = new Map<string, StackResource>();
    let active: Set<string>;
    try {
      active = await apply(stack, template, invoke, "UPDATE", replaced);
      const importers = await importersOf(before);
      for (const o of before.outputs) {
        const users = o.ExportName ? importers.get(o.ExportName) : undefined;
        const now = stack.outputs.find((x) => x.ExportName === o.ExportName);
        if (users && (!now || now.OutputValue !== o.OutputValue)) throw new Error(`Export ${o.ExportName} cannot be ${now ? "updated" : "deleted"} as it is in use by ${users.join(", ")}`);
      }
    } catch (e) {
      const failedIds = Object.values(stack.resources).filter((r) => r.status.endsWith("_FAILED")).map((r) => r.logicalId);
      await setStatus(stack, "UPDATE_ROLLBACK_IN_PROGRESS", failedIds.length ? `The following resource(s) failed to update: [${failedIds.join(", ")}]. ` : reasonOf(e));
      await rollbackUpdate(stack, before, oldTemplate, template, replaced, invoke);
      return;
    }
    await setStatus(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
    // resources the new template no longer has, or whose Condition no longer holds
    const gone = Object.values(before.resources).filter((r) => !active.has(r.logicalId));
    for (const r of gone) delete stack.resources[r.logicalId];
    // replaced resources go with UpdateReplacePolicy, removed ones with DeletionPolicy
    await deleteResources(stack, undefined, [...replaced.values()], invoke, { track: false, retain: (r) => policyOf(oldTemplate, r.logicalId, "UpdateReplacePolicy") === "Retain" });
    await deleteResources(stack, oldTemplate, gone, invoke, { track: false, retain: (r) => policyOf(oldTemplate, r.logicalId, "DeletionPolicy") === "Retain" });
    await setStatus(stack, "UPDATE_COMPLETE");
  }

  async function rollbackUpdate(stack: Stack, before: Stack, oldTemplate: Template, template: Template, replaced: Map<string, StackResource>, invoke: Invoke) {
    // resources made by the update (new ones and replacements) are deleted; changed ones changed back
    const made = Object.values(stack.resources).filter((r) => r.state && (!before.resources[r.logicalId] || replaced.has(r.logicalId)));
    const changed = Object.values(stack.resources).filter((r) => before.resources[r.logicalId]?.state && !replaced.has(r.logicalId) && !same(r.props, before.resources[r.logicalId]!.props));
    let failed = false;
    for (const r of changed) {
      const old = before.resources[r.logicalId]!;
      await resourceStatus(stack, r, "UPDATE_IN_PROGRESS");
      try {
        await resourceTypes[r.type]!.update!(resourceContext(stack, r.logicalId, invoke), await withReferencesResolved(old.props, invoke), { props: await withReferencesResolved(r.props, invoke), state: r.state! });
        await resourceStatus(stack, { ...old }, "UPDATE_COMPLETE");
      } catch (e) {
        failed = true;
        await resourceStatus(stack, r, "UPDATE_FAILED", reasonOf(e));
      }
    }
    stack.templateBody = before.templateBody;
    stack.parameters = before.parameters;
    stack.outputs = before.outputs;
    stack.imports = before.imports;
    if (failed) return setStatus(stack, "UPDATE_ROLLBACK_FAILED");
    await setStatus(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS");
    await deleteResources(stack, template, made, invoke, { track: false });
    stack.resources = before.resources;
    await setStatus(stack, "UPDATE_ROLLBACK_COMPLETE");
  }

  /** a deleted stack's change sets go with it */
  async function deleteChangeSetsOf(stack: Stack): Promise<void> {
    for (const cs of await repo.changeSets(stack.accountId)) if (cs.StackId === stack.StackId) await repo.deleteChangeSet(cs);
  }

  /** a stack DeleteStack has put in DELETE_IN_PROGRESS (`begin`) */
  async function remove(stack: Stack, invoke: Invoke): Promise<void> {
    // a stack in REVIEW_IN_PROGRESS (a CREATE change set never executed) has no template
    const template = stack.templateBody ? parseTemplate(stack.templateBody) : undefined;
    const importers = await importersOf(stack);
    for (const [name, users] of importers) {
      return setStatus(stack, "DELETE_FAILED", `Delete canceled. Cannot delete export ${name} as it is in use by ${users.join(", ")}.`);
    }
    const failed = await deleteResources(stack, template, Object.values(stack.resources), invoke, { track: true, retain: (r) => policyOf(template, r.logicalId, "DeletionPolicy") === "Retain" });
    await deleteChangeSetsOf(stack);
    if (failed.length) return setStatus(stack, "DELETE_FAILED", `The following resource(s) failed to delete: [${failed.join(", ")}]. `);
    stack.outputs = [];
    stack.imports = [];
    await setStatus(stack, "DELETE_COMPLETE");
  }

  /** Runs an operation in the background; a failure the operation did not record is logged, never thrown. */
  function start(what: string, stack: Stack, run: () => Promise<void>): void {
    run().catch(async (e: unknown) => {
      deps.log.error("a stack operation failed unexpectedly", { stack: stack.StackId, what, error: e instanceof Error ? e.message : String(e) });
      await setStatus(stack, what === "delete" ? "DELETE_FAILED" : what === "create" ? "CREATE_FAILED" : "UPDATE_ROLLBACK_FAILED", reasonOf(e)).catch(() => undefined);
    });
  }

  /** The event a new operation starts with, and the stack saved with it. */
  async function begin(stack: Stack, status: StackStatus): Promise<void> {
    stack.StackStatus = status;
    delete stack.StackStatusReason;
    await save(stack, [event(stack, stack.StackName, "AWS::CloudFormation::Stack", status, "User Initiated", stack.StackId)]);
  }

  /** On start: a stack left in progress by a process that stopped is marked failed, never left stuck. */
  async function recoverInterrupted(): Promise<number> {
    const stuck: Partial<Record<StackStatus, StackStatus>> = {
      CREATE_IN_PROGRESS: "CREATE_FAILED",
      ROLLBACK_IN_PROGRESS: "ROLLBACK_FAILED",
      DELETE_IN_PROGRESS: "DELETE_FAILED",
      UPDATE_IN_PROGRESS: "UPDATE_ROLLBACK_FAILED",
      UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: "UPDATE_COMPLETE",
      UPDATE_ROLLBACK_IN_PROGRESS: "UPDATE_ROLLBACK_FAILED",
      UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: "UPDATE_ROLLBACK_COMPLETE",
    };
    let n = 0;
    for (const s of await repo.stacks()) {
      const to = stuck[s.StackStatus];
      if (!to) continue;
      n++;
      await setStatus(s, to, to.endsWith("FAILED") ? "Meridian stopped while this operation was in progress; the stack's resources are as the events show." : undefined);
    }
    return n;
  }

  return { create, update, remove, start, begin, save, exportsOf, recoverInterrupted };
}

export type StackEngine = ReturnType<typeof makeStackEngine>;
