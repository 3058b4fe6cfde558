// ARN building and parsing (arn:partition:service:region:account:resource).

export interface Arn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export function parseArn(text: string): Arn | undefined {
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition, service, region, accountId, ...rest] = parts;
  return { partition, service, region, accountId, resource: rest.join(":") };
}

export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.accountId}:${arn.resource}`;
}
