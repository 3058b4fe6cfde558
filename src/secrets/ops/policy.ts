// Put/Get/DeleteResourcePolicy and ValidateResourcePolicy. Evaluation of the policy comes with IAM;
// here its grammar is checked and BlockPublicPolicy honoured.

import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { SecretsCore } from "../secrets-core.js";
import { checkPolicyGrammar, isPublicPolicy, publicPolicyError, validateResourcePolicy } from "../resource-policy.js";

export function policyOps(core: SecretsCore): OperationTable {
  async function putResourcePolicy(ctx: CallContext, input: any) {
    const policy: string = input.ResourcePolicy;
    checkPolicyGrammar(policy);
    if (input.BlockPublicPolicy === true && isPublicPolicy(policy, ctx.accountId)) {
      throw publicPolicyError();
    }
    return core.update(ctx, input.SecretId, async (record) => ({
      record: { ...record, resourcePolicy: policy, lastChangedDate: core.clock.now() },
      result: { ARN: record.arn, Name: record.name },
    }));
  }

  async function getResourcePolicy(ctx: CallContext, input: any) {
    const record = await core.lookup(ctx, input.SecretId, { allowDeleted: true });
    return { ARN: record.arn, Name: record.name, ResourcePolicy: record.resourcePolicy };
  }

  async function deleteResourcePolicy(ctx: CallContext, input: any) {
    return core.update(ctx, input.SecretId, async (record) => {
      const result = { ARN: record.arn, Name: record.name };
      if (record.resourcePolicy === undefined) return { result };
      return { record: { ...record, resourcePolicy: undefined, lastChangedDate: core.clock.now() }, result };
    });
  }

  async function validate(ctx: CallContext, input: any) {
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
