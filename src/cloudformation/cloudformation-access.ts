// CloudFormation's calls as the policy engine sees them: cloudformation:<Operation> on the stack
// (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/*), or "*" for those on no stack.
// The resources a stack makes are decided one by one, as the deployer's own calls (DESIGN §10).

import { describing, type AccessDescriber } from "../contract/access-request.js";

interface Members {
  StackName?: string;
}

export const describeCloudFormationAccess: AccessDescriber = describing<Members>(async (ctx, operation, input) => {
  const name = input.StackName;
  const resource = name === undefined ? "*" : name.startsWith("arn:") ? name : `arn:${ctx.partition}:cloudformation:${ctx.region}:${ctx.accountId}:stack/${name}/*`;
  return [{ action: `cloudformation:${operation}`, resource, resourceAccount: ctx.accountId }];
});
