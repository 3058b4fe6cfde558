// Put/Get/DeleteResourcePolicy and ValidateResourcePolicy. Evaluation of the policy comes with IAM;
// here its grammar is checked and BlockPublicPolicy honoured.

import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type * as SM from "../../generated/secretsmanager-api.js";
import type { SecretsCore } from "../secrets-core.js";
import { checkPolicyGrammar, isPublicPolicy, publicPolicyError, validateResourcePolicy } from "../resource-policy.js";

export function policyOps(core: SecretsCore): OperationTable<SM.SecretsManagerOperations> {
  async function putResourcePolicy(ctx: CallContext, input: SM.PutResourcePolicyRequest): Promise<SM.PutResourcePolicyResponse> {
    const policy = input.ResourcePolicy;
    // The secret is found (and refused if a replica) before the policy is read, as AWS orders it:
    // a missing secret is ResourceNotFoundException whatever the text (issue 12 item 14).
    return core.update(ctx, input.SecretId, async (record) => {
      checkPolicyGrammar(policy);
      if (input.BlockPublicPolicy === true && isPublicPolicy(policy, ctx.accountId)) throw publicPolicyError();
      const result: SM.PutResourcePolicyResponse = { ARN: record.arn, Name: record.name };
      return { record: { ...record, resourcePolicy: policy, lastChangedDate: core.clock.now() }, result };
    });
  }

  async function getResourcePolicy(ctx: CallContext, input: SM.GetResourcePolicyRequest): Promise<SM.GetResourcePolicyResponse> {
    const record = await core.lookup(ctx, input.SecretId, { allowDeleted: true });
    return { ARN: record.arn, Name: record.name, ResourcePolicy: record.resourcePolicy };
  }

  async function deleteResourcePolicy(ctx: CallContext, input: SM.DeleteResourcePolicyRequest): Promise<SM.DeleteResourcePolicyResponse> {
    return core.update(ctx, input.SecretId, async (record) => {
      const result: SM.DeleteResourcePolicyResponse = { ARN: record.arn, Name: record.name };
      if (record.resourcePolicy === undefined) return { result };
      return { record: { ...record, resourcePolicy: undefined, lastChangedDate: core.clock.now() }, result };
    });
  }

  async function validate(ctx: CallContext, input: SM.ValidateResourcePolicyRequest): Promise<SM.ValidateResourcePolicyResponse> {
    if (input.SecretId !== undefined) await core.lookup(ctx, input.SecretId, { allowDeleted: true });
    return validateResourcePolicy(input.ResourcePolicy);
  }

  return {
    PutResourcePolicy: putResourcePolicy,
    GetResourcePolicy: getResourcePolicy,
    DeleteResourcePolicy: deleteResourcePolicy,
    ValidateResourcePolicy: validate,
  };
}
