// GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. A key has one policy, named "default"; evaluating it
// comes with the identity issue, here its grammar is checked.

import { ServiceError } from "../../edge/service-error.js";
import type { CallContext, OperationTable } from "../../region/call-context.js";
import { defaultKeyPolicy } from "./render.js";
import { customerKey, notPendingDeletion } from "./keys.js";
import type { KmsDeps } from "./kms-deps.js";

const malformed = (message: string) => new ServiceError("MalformedPolicyDocumentException", message);

export function checkKeyPolicy(policy: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw malformed("The new key policy will not allow you to update the key policy in the future.");
  }
  const statements = (doc as { Statement?: unknown })?.Statement;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc) || statements === undefined) {
    throw malformed("The new key policy will not allow you to update the key policy in the future.");
  }
  for (const st of Array.isArray(statements) ? statements : [statements]) {
    const s = st as Record<string, unknown>;
    if (typeof s !== "object" || s === null || (s.Effect !== "Allow" && s.Effect !== "Deny")) {
      throw malformed("Policy contains a statement with one or more invalid principals.");
    }
  }
}

function policyName(input: any): string {
  const name = input.PolicyName ?? "default";
  if (name !== "default") throw new ServiceError("NotFoundException", "No such policy exists");
  return name;
}

export function policyOps({ keys }: KmsDeps): OperationTable {
  return {
    async GetKeyPolicy(ctx: CallContext, input: any) {
      const key = await keys.resolveKey(ctx.accountId, input.KeyId);
      return { Policy: key.policy ?? defaultKeyPolicy(ctx.partition, key.accountId), PolicyName: policyName(input) };
    },
    async PutKeyPolicy(ctx: CallContext, input: any) {
      policyName(input);
      const key = notPendingDeletion(customerKey(await keys.resolveKey(ctx.accountId, input.KeyId)));
      checkKeyPolicy(input.Policy);
      await keys.putKey({ ...key, policy: input.Policy });
      return {};
    },
    async ListKeyPolicies(ctx: CallContext, input: any) {
      await keys.resolveKey(ctx.accountId, input.KeyId);
      return { PolicyNames: ["default"], Truncated: false };
    },
  };
}
