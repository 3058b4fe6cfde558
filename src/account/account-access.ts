// The Account API's calls as the policy engine sees them: account:<Operation> on the account
// (arn:<partition>:account::<id>:account), with account:TargetRegion for the Region operations.

import type { AccessDescriber } from "../contract/access-request.js";

export const describeAccountAccess: AccessDescriber = async (ctx, operation, input: { RegionName?: string }) => [
  {
    action: `account:${operation}`,
    resource: `arn:${ctx.partition}:account::${ctx.accountId}:account`,
    resourceAccount: ctx.accountId,
    conditions: input?.RegionName === undefined ? {} : { "account:TargetRegion": input.RegionName },
  },
];
