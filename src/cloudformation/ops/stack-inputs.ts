// What CreateStack, UpdateStack, CreateChangeSet and ValidateTemplate share: the template read
// and checked (every resource type known, dependencies resolvable, capabilities acknowledged) and
// the parameter values resolved.

import { ServiceError } from "../../contract/service-error.js";
import { parseTemplate } from "../template/parse-template.js";
import { checkOutputs, dependencyGraph } from "../template/dependencies.js";
import { resolveParameters, type GivenParameter } from "../template/parameters.js";
import { formatError, validationError } from "../template/template-errors.js";
import type { Template } from "../template/template-types.js";
import { resourceTypes } from "../resources/resource-registry.js";

const MAX_BODY = 51_200;

export function readTemplate(body: string | undefined, url: string | undefined): { template: Template; body: string } {
  if (url !== undefined) throw validationError("TemplateURL is not supported by Meridian: pass the template in TemplateBody.");
  if (body === undefined) throw validationError("Either Template URL or Template Body must be specified.");
  if (Buffer.byteLength(body) > MAX_BODY) throw validationError(`1 validation error detected: Value '[...]' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${MAX_BODY}`);
  const template = parseTemplate(body);
  const unknown = [...new Set(Object.values(template.Resources).map((r) => r.Type))].filter((t) => !Object.hasOwn(resourceTypes, t));
  if (unknown.length) throw formatError(`Unrecognized resource types: [${unknown.join(", ")}]`);
  dependencyGraph(template, new Set(Object.keys(template.Resources)));
  checkOutputs(template);
  return { template, body };
}

/** The capability the template needs: CAPABILITY_NAMED_IAM when an IAM resource is named, else CAPABILITY_IAM when there is one. */
export function requiredCapability(template: Template): string | undefined {
  let need: string | undefined;
  for (const r of Object.values(template.Resources)) {
    const iam = resourceTypes[r.Type]?.iam;
    if (!iam) continue;
    if (iam.nameProperty && r.Properties?.[iam.nameProperty] !== undefined) return "CAPABILITY_NAMED_IAM";
    need = "CAPABILITY_IAM";
  }
  return need;
}

export function checkCapabilities(template: Template, given: string[] = []): void {
  const need = requiredCapability(template);
  if (!need || given.includes(need) || (need === "CAPABILITY_IAM" && given.includes("CAPABILITY_NAMED_IAM"))) return;
  throw new ServiceError("InsufficientCapabilitiesException", `Requires capabilities : [${need}]`, 400);
}

export function stackParameters(template: Template, given: GivenParameter[] | undefined, previous?: Record<string, string>): Record<string, string> {
  return resolveParameters(template, given ?? [], previous);
}

const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;

export function checkStackName(name: string): void {
  if (!STACK_NAME.test(name) || name.length > 128) {
    throw validationError(`1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
  }
}
