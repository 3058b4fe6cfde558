// What the IAM and STS end-to-end tests share: SDK clients for a test server as any credentials,
// policy documents, and signing at a test's hand-moved clock.

import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { BuildHandlerOptions, BuildMiddleware } from "@smithy/types";
import type { TestServer } from "../support/meridian.js";
import type { Clock } from "../../src/util/clock.js";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const opened: { destroy(): void }[] = [];

/** Clients made here are destroyed by destroyClients() (call it before stopping the server). */
export function destroyClients(): void {
  for (const c of opened.splice(0)) c.destroy();
}

export function iamAs(m: TestServer, credentials: Credentials): IAMClient {
  const c = new IAMClient({ endpoint: m.url, region: "us-east-1", credentials, maxAttempts: 1 });
  opened.push(c);
  return c;
}

export function stsAs(m: TestServer, credentials: Credentials, region = "us-east-1"): STSClient {
  const c = new STSClient({ endpoint: m.url, region, credentials, maxAttempts: 1 });
  opened.push(c);
  return c;
}

export function secretsAs(m: TestServer, credentials: Credentials, region = "us-east-1"): SecretsManagerClient {
  const c = new SecretsManagerClient({ endpoint: m.url, region, credentials, maxAttempts: 1 });
  opened.push(c);
  return c;
}

/** Temporary credentials as STS returns them, for a client. */
export function sessionCredentials(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials {
  return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
}

export const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
export const allow = (action: string | string[], resource: string | string[] = "*") => ({ Effect: "Allow", Action: action, Resource: resource });
export const deny = (action: string | string[], resource: string | string[] = "*") => ({ Effect: "Deny", Action: action, Resource: resource });
/** A trust policy letting these AWS principals (ARNs or account ids) assume the role. */
export const trust = (...principals: string[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principals }, Action: "sts:AssumeRole" }] });

/** What atClock needs of an SDK client, whichever service it is for. */
interface ClockedClient {
  middlewareStack: { add(mw: BuildMiddleware<object, object>, opts: BuildHandlerOptions): void };
  config: { systemClockOffset?: number };
}

/** Signs every request at the test's clock (the SDK corrects its clock only from a previous answer). */
export function atClock<C extends ClockedClient>(client: C, clock: Clock): C {
  client.middlewareStack.add(
    (next) => (args) => {
      client.config.systemClockOffset = clock.now() - Date.now();
      return next(args);
    },
    { step: "build", name: "signAtTestClock" },
  );
  return client;
}
