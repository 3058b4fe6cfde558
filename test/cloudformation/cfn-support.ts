// Driving stacks through @aws-sdk/client-cloudformation: a client per Region and waiting for a
// stack to settle (polling DescribeStacks, as the SDK's waiters do, without their 30 s delay).

import { CloudFormationClient, DescribeStacksCommand, DescribeStackEventsCommand, type Stack } from "@aws-sdk/client-cloudformation";
import { ADMIN } from "../support/meridian.js";

export function cfnClient(url: string, region = "us-east-1", credentials = ADMIN): CloudFormationClient {
  return new CloudFormationClient({ endpoint: url, region, credentials, maxAttempts: 1 });
}

/** The stack once its status no longer ends in _IN_PROGRESS. */
export async function settled(cfn: CloudFormationClient, stackName: string): Promise<Stack> {
  for (let i = 0; i < 600; i++) {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks![0]!;
    if (!s.StackStatus!.endsWith("_IN_PROGRESS")) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stack ${stackName} did not settle`);
}

export const outputOf = (s: Stack, key: string) => s.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;

export async function eventsOf(cfn: CloudFormationClient, stackName: string) {
  return (await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }))).StackEvents ?? [];
}
