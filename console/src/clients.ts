// The AWS SDK clients the console calls Meridian with: every action is an ordinary SigV4 request
// from the browser, signed with the session's credentials, to this very origin; the Region of a
// client is the credential scope, which is how Meridian routes it.

import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { KMSClient } from "@aws-sdk/client-kms";
import { AccountClient } from "@aws-sdk/client-account";
import type { Session } from "./session";

export interface Clients {
  region: string;
  secrets: SecretsManagerClient;
  kms: KMSClient;
  /** the Account API, a global service: signed for the partition's home Region */
  account: AccountClient;
  /** Secrets Manager in another Region (a replica's) */
  secretsIn(region: string): SecretsManagerClient;
  kmsIn(region: string): KMSClient;
}

export function makeClients(session: Session, region: string): Clients {
  const c = session.credentials;
  const config = (r: string) => ({
    region: r,
    endpoint: window.location.origin,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiration) },
    maxAttempts: 2,
  });
  const secrets = new Map<string, SecretsManagerClient>();
  const kms = new Map<string, KMSClient>();
  const secretsIn = (r: string) => secrets.get(r) ?? secrets.set(r, new SecretsManagerClient(config(r))).get(r)!;
  const kmsIn = (r: string) => kms.get(r) ?? kms.set(r, new KMSClient(config(r))).get(r)!;
  return {
    region,
    secrets: secretsIn(region),
    kms: kmsIn(region),
    account: new AccountClient(config(session.homeRegion)),
    secretsIn,
    kmsIn,
  };
}
