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

// One builder per resource kind Meridian names, so the ARN layouts are written once. IAM, STS and
// account ARNs are global: their region field is empty.

export const iamArn = (partition: string, accountId: string, resource: string) =>
  formatArn({ partition, service: "iam", region: "", accountId, resource });

/** the account's root principal */
export const rootArn = (partition: string, accountId: string) => iamArn(partition, accountId, "root");

export const assumedRoleArn = (partition: string, accountId: string, roleName: string, sessionName: string) =>
  formatArn({ partition, service: "sts", region: "", accountId, resource: `assumed-role/${roleName}/${sessionName}` });

export const accountArn = (partition: string, accountId: string) =>
  formatArn({ partition, service: "account", region: "", accountId, resource: "account" });

/** `name` as stored: for a secret's own ARN, the name followed by its random suffix */
export const secretArn = (partition: string, region: string, accountId: string, name: string) =>
  formatArn({ partition, service: "secretsmanager", region, accountId, resource: `secret:${name}` });

/** `resource` is `key/<id>` or an alias name (`alias/...`) */
export const kmsArn = (partition: string, region: string, accountId: string, resource: string) =>
  formatArn({ partition, service: "kms", region, accountId, resource });
