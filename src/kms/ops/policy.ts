// GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. A key has one policy, named "default"; its grammar
// and the lockout safety check are in key-policies.ts.

import { ServiceError } from "../../contract/service-error.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import { checkKeyPolicy, defaultKeyPolicy } from "../key-policies.js";
import { callerKey, customerKey } from "./key-access.js";
import type { KmsDeps } from "./kms-deps.js";

function policyName(input: any): string {
  const name = input.PolicyName ?? "default";
  if (name !== "default") throw new ServiceError("NotFoundException", "No such policy exists");
  return name;
}

export function policyOps({ keys }: KmsDeps): OperationTable {
  return {
    async GetKeyPolicy(ctx: CallContext, input: any) {
      const key = await callerKey(keys, ctx, input.KeyId, "GetKeyPolicy");
      return { Policy: key.policy ?? defaultKeyPolicy(ctx.partition, key.accountId), PolicyName: policyName(input) };
    },
    // Every key state allows PutKeyPolicy, PendingDeletion included.
    async PutKeyPolicy(ctx: CallContext, input: any) {
      const key = await customerKey(keys, ctx, input.KeyId, "PutKeyPolicy");
      policyName(input);
      checkKeyPolicy(input.Policy, ctx, input.BypassPolicyLockoutSafetyCheck === true);
      await keys.putKey({ ...key, policy: input.Policy });
      return {};
    },
    async ListKeyPolicies(ctx: CallContext, input: any) {
      await callerKey(keys, ctx, input.KeyId, "ListKeyPolicies");
      return { PolicyNames: ["default"], Truncated: false };
    },
  };
}
