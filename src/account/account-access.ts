// The Account API's calls as the policy engine sees them: account:<Operation> on the account
// (arn:<partition>:account::<id>:account), with account:TargetRegion for the Region operations.

import { describing, type AccessDescriber, type RequestMembers } from "../contract/access-request.js";
import type { AccountOperations } from "../generated/account-api.js";
import { accountArn } from "../util/arn.js";

export const describeAccountAccess: AccessDescriber = describing<RequestMembers<AccountOperations>>(async (ctx, operation, input) => [
  {
    action: `account:${operation}`,
    resource: accountArn(ctx.partition, ctx.accountId),
    resourceAccount: ctx.accountId,
    conditions: input.RegionName === undefined ? {} : { "account:TargetRegion": input.RegionName },
  },
]);
