// The Account API's calls as the policy engine sees them: account:<Operation> on the account
// (arn:<partition>:account::<id>:account), with account:TargetRegion for the Region operations.

import type { AccessDescriber } from "../contract/access-request.js";
import { accountArn } from "../util/arn.js";

export const describeAccountAccess: AccessDescriber = async (ctx, operation, input: { RegionName?: string }) => [
  {
    action: `account:${operation}`,
    resource: accountArn(ctx.partition, ctx.accountId),
    resourceAccount: ctx.accountId,
    conditions: input?.RegionName === undefined ? {} : { "account:TargetRegion": input.RegionName },
  },
];
