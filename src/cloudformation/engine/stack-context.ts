// What a template's intrinsics see of a stack: parameter values, pseudo parameters, conditions,
// the values of resources already made, and the Region's exports. Also which resources are
// active (their Condition holds) and what a resource's Ref and Fn::GetAtt give.

import { randomBytes } from "node:crypto";
import { evaluate, evaluateConditions, NO_VALUE, type EvalContext } from "../template/intrinsics.js";
import { typedValue } from "../template/parameters.js";
import { formatError, validationError } from "../template/template-errors.js";
import type { Template } from "../template/template-types.js";
import { resourceSchemas } from "../../generated/cloudformation-resource-schemas.js";
import type { ResourceState } from "../resources/resource-types.js";

export interface StackPlace {
  accountId: string;
  region: string;
  partition: string;
  StackName: string;
  StackId: string;
}

export interface Evaluation {
  conditions: Record<string, boolean>;
  active: Set<string>;
  ctx: EvalContext;
}

function pseudoParameters(p: StackPlace): Record<string, unknown> {
  return {
    "AWS::AccountId": p.accountId,
    "AWS::Region": p.region,
    "AWS::StackName": p.StackName,
    "AWS::StackId": p.StackId,
    "AWS::Partition": p.partition,
    "AWS::URLSuffix": p.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
    "AWS::NotificationARNs": [],
  };
}

/** `states` are the resources made so far; `exports` the Region's exports by name. */
export function stackEvaluation(template: Template, values: Record<string, string>, place: StackPlace, states: (id: string) => ResourceState | undefined, exports: (name: string) => string | undefined): Evaluation {
  const params: Record<string, unknown> = { ...pseudoParameters(place) };
  for (const [name, decl] of Object.entries(template.Parameters)) if (values[name] !== undefined) params[name] = typedValue(decl, values[name]);
  const base = {
    params,
    mappings: template.Mappings,
    region: place.region,
    ref(id: string) {
      if (!Object.hasOwn(template.Resources, id)) throw formatError(`Unresolved resource dependencies [${id}] in the Resources block of the template`);
      const s = states(id);
      if (!s) throw validationError(`Resource ${id} is not available`);
      return s.physicalId;
    },
    getAtt(id: string, attribute: string) {
      const r = template.Resources[id];
      if (!r) throw formatError(`Template error: instance of Fn::GetAtt references undefined resource ${id}`);
      const schema = resourceSchemas[r.Type];
      if (schema && !schema.readOnly.includes(attribute)) throw formatError(`Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`);
      const s = states(id);
      if (!s) throw validationError(`Resource ${id} is not available`);
      return s.attributes[attribute];
    },
    importValue(name: string) {
      const v = exports(name);
      if (v === undefined) throw validationError(`No export named ${name} found. Rollback requested by user.`);
      return v;
    },
  };
  const conditions = evaluateConditions(template, base);
  const active = new Set(Object.entries(template.Resources).filter(([, r]) => r.Condition === undefined || conditions[r.Condition] === true).map(([id]) => id));
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Condition !== undefined && conditions[r.Condition] === undefined) throw formatError(`Unresolved condition dependencies [${r.Condition}] in the Resources block of the template (${id})`);
  }
  return { conditions, active, ctx: { ...base, conditions } };
}

/** A resource's properties with intrinsics evaluated (dynamic references left for later). */
export function evaluatedProps(template: Template, id: string, ev: Evaluation): Record<string, unknown> {
  const v = evaluate(template.Resources[id]!.Properties ?? {}, ev.ctx);
  return v === NO_VALUE ? {} : (v as Record<string, unknown>);
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function random(chars: string, n: number): string {
  return [...randomBytes(n)].map((b) => chars[b % chars.length]).join("");
}

/**
 * A physical name as CloudFormation makes them: `stack-LogicalId-RANDOM` (IAM and most types) or
 * `LogicalId-random` (secrets), cut to fit `maxLength`.
 */
export function generatedName(place: StackPlace, logicalId: string, maxLength: number, style: "stack" | "logical" = "stack"): string {
  if (style === "logical") return `${logicalId.slice(0, maxLength - 13)}-${random(MIXED, 12)}`;
  const suffix = random(ALNUM, 13);
  const head = `${place.StackName}-${logicalId}`.slice(0, Math.max(1, maxLength - suffix.length - 1));
  return `${head}-${suffix}`;
}
