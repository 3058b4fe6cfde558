// What the authorization end-to-end tests share: IAM users made through the IAM API with an inline
// policy and an access key, and clients signed as them.

import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function iamClient(m: TestServer, credentials: Credentials): IAMClient {
  return new IAMClient({ endpoint: m.url, region: "us-east-1", credentials, maxAttempts: 1 });
}

export function secretsAs(m: TestServer, credentials: Credentials, region = "us-east-1"): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint: m.url, region, credentials, maxAttempts: 1 });
}

/** A user of the account `admin` belongs to, with one inline policy (when given) and an access key. */
export async function makeUser(iam: IAMClient, name: string, policy?: object): Promise<Credentials & { arn: string }> {
  const user = await iam.send(new CreateUserCommand({ UserName: name }));
  if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(policy) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!, arn: user.User!.Arn! };
}

export const allow = (action: string | string[], resource: string | string[] = "*", condition?: object) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) }],
});
