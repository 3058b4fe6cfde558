// Which resources a resource needs before it can be made: those its properties name (Ref,
// Fn::GetAtt, Fn::Sub variables) and those in its DependsOn. Names that are neither a resource,
// a parameter nor a pseudo parameter are the template's error, as CloudFormation reports it.

import { formatError } from "./template-errors.js";
import { intrinsicOf, subVariables } from "./intrinsics.js";
import type { Template } from "./template-types.js";

const PSEUDO_PARAMETERS = ["AWS::AccountId", "AWS::Region", "AWS::StackName", "AWS::StackId", "AWS::Partition", "AWS::URLSuffix", "AWS::NoValue", "AWS::NotificationARNs"];

/** Every name a value refers to (resources or parameters), in the order met. */
export function referencedNames(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedNames(v, out);
    return out;
  }
  const fn = intrinsicOf(value);
  if (fn) {
    const [name, arg] = fn;
    if (name === "Ref" && typeof arg === "string") out.add(arg);
    else if (name === "Fn::GetAtt") {
      const target = typeof arg === "string" ? arg.split(".")[0] : Array.isArray(arg) ? arg[0] : undefined;
      if (typeof target === "string") out.add(target);
    } else if (name === "Fn::Sub") {
      const [text, variables] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
      const local = typeof variables === "object" && variables !== null ? Object.keys(variables) : [];
      if (typeof text === "string") for (const v of subVariables(text)) if (!local.includes(v)) out.add(v.split(".")[0]!);
      referencedNames(variables, out);
    } else referencedNames(arg, out);
    return out;
  }
  if (typeof value === "object" && value !== null) for (const v of Object.values(value)) referencedNames(v, out);
  return out;
}

/** Each resource's dependencies among `active` (those whose Condition holds). */
export function dependencyGraph(template: Template, active: ReadonlySet<string>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const id of active) {
    const r = template.Resources[id]!;
    const deps = new Set<string>();
    for (const name of referencedNames(r.Properties ?? {})) {
      if (Object.hasOwn(template.Resources, name)) {
        if (active.has(name)) deps.add(name);
      } else if (!Object.hasOwn(template.Parameters, name) && !PSEUDO_PARAMETERS.includes(name)) {
        throw formatError(`Unresolved resource dependencies [${name}] in the Resources block of the template`);
      }
    }
    for (const name of r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn]) {
      if (!Object.hasOwn(template.Resources, name)) throw formatError(`Unresolved resource dependencies [${name}] in the Resources block of the template`);
      if (active.has(name)) deps.add(name);
    }
    graph.set(id, deps);
  }
  refuseCycles(graph);
  return graph;
}

function refuseCycles(graph: Map<string, Set<string>>): void {
  const done = new Set<string>();
  const onPath = new Set<string>();
  const visit = (id: string): void => {
    if (done.has(id)) return;
    if (onPath.has(id)) throw formatError(`Circular dependency between resources: [${[...onPath].sort().join(", ")}]`);
    onPath.add(id);
    for (const d of graph.get(id) ?? []) visit(d);
    onPath.delete(id);
    done.add(id);
  };
  for (const id of graph.keys()) visit(id);
}

/** Output names referring to resources that do not exist are the template's error too. */
export function checkOutputs(template: Template): void {
  for (const [name, o] of Object.entries(template.Outputs)) {
    for (const ref of referencedNames(o.Value)) {
      if (!Object.hasOwn(template.Resources, ref) && !Object.hasOwn(template.Parameters, ref) && !PSEUDO_PARAMETERS.includes(ref)) {
        throw formatError(`Unresolved resource dependencies [${ref}] in the Outputs block of the template`);
      }
    }
    void name;
  }
}
