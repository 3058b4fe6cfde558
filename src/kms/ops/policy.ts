// GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. A key has one policy, named "default"; its grammar
// and the lockout safety check are in key-policies.ts.

import type { OperationTable } from "../../contract/call-context.js";
import type { GetKeyPolicyResponse, KmsOperations, ListKeyPoliciesResponse } from "../../generated/kms-api.js";
import { kmsError } from "../kms-errors.js";
import { checkKeyPolicy, defaultKeyPolicy } from "../key-policies.js";
import { callerKey, customerKey } from "./key-access.js";
import type { KmsDeps } from "./kms-deps.js";

function policyName(input: { PolicyName?: string }): string {
  const name = input.PolicyName ?? "default";
  if (name !== "default") throw kmsError("NotFoundException", "No such policy exists");
  return name;
}

export function policyOps({ keys }: KmsDeps): OperationTable<KmsOperations> {
  return {
    async GetKeyPolicy(ctx, input): Promise<GetKeyPolicyResponse> {
      const key = await callerKey(keys, ctx, input.KeyId, "GetKeyPolicy");
      return { Policy: key.policy ?? defaultKeyPolicy(ctx.partition, key.accountId), PolicyName: policyName(input) };
    },
    // Every key state allows PutKeyPolicy, PendingDeletion included.
    async PutKeyPolicy(ctx, input) {
      const key = await customerKey(keys, ctx, input.KeyId, "PutKeyPolicy");
      policyName(input);
      checkKeyPolicy(input.Policy, ctx, input.BypassPolicyLockoutSafetyCheck === true);
      await keys.putKey({ ...key, policy: input.Policy });
      return {};
    },
    async ListKeyPolicies(ctx, input): Promise<ListKeyPoliciesResponse> {
      await callerKey(keys, ctx, input.KeyId, "ListKeyPolicies");
      return { PolicyNames: ["default"], Truncated: false };
    },
  };
}
