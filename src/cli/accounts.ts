// `meridian accounts create`: asks a running Meridian for a new account (POST /_meridian/accounts,
// SigV4-signed for "iam" by an account's root user) and prints its id and root credentials.

import { parseArgs } from "node:util";
import { signJsonPost } from "../util/sign-request.js";

export const ACCOUNTS_USAGE = `Usage: meridian accounts create [options]

Creates an account in every partition of a running Meridian and prints its root credentials (once).
Signed by the root user of an existing account (the admin key Meridian printed at first start).

Options (environment variable in brackets):
  --endpoint <url>            the running Meridian (MERIDIAN_ENDPOINT, default http://127.0.0.1:4566)
  --access-key-id <id>        a root access key (AWS_ACCESS_KEY_ID)
  --secret-access-key <key>   its secret (AWS_SECRET_ACCESS_KEY)
  --region <name>             the Region to sign for, any of the partition's (AWS_REGION, default us-east-1)
`;

export interface NewAccount {
  AccountId: string;
  AccessKeyId: string;
  SecretAccessKey: string;
}

export async function requestAccount(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string): Promise<NewAccount> {
  const url = new URL("/_meridian/accounts", endpoint);
  const body = "{}";
  const headers = await signJsonPost(url, body, { region, service: "iam" }, credentials);
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  if (!response.ok) {
    let reason = text;
    try {
      const error = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
      // The first line only: a signature mismatch goes on with the canonical request.
      reason = `${error.__type ?? response.status}: ${(error.message ?? error.Message ?? "").split("\n")[0]}`;
    } catch {
      // not JSON: the body as it came
    }
    throw new Error(`${url.origin} refused to create an account (${reason})`);
  }
  return JSON.parse(text) as NewAccount;
}

/** `meridian accounts <subcommand>`; returns what to print. */
export async function accounts(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") return ACCOUNTS_USAGE;
  if (sub !== "create") throw new Error(`unknown accounts command '${sub}' (try meridian accounts --help)`);
  const { values } = parseArgs({
    args: rest,
    options: {
      endpoint: { type: "string" },
      "access-key-id": { type: "string" },
      "secret-access-key": { type: "string" },
      region: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return ACCOUNTS_USAGE;
  const accessKeyId = values["access-key-id"] ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = values["secret-access-key"] ?? env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error("accounts create needs a root access key: --access-key-id and --secret-access-key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  // A session token only when the key is the one it belongs to.
  const sessionToken = values["access-key-id"] === undefined ? env.AWS_SESSION_TOKEN || undefined : undefined;
  const endpoint = values.endpoint ?? env.MERIDIAN_ENDPOINT ?? "http://127.0.0.1:4566";
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const created = await requestAccount(endpoint, { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }, region);
  return [
    `Account ${created.AccountId} created. Its root user's access key (the secret is shown this once):`,
    `  export AWS_ACCESS_KEY_ID=${created.AccessKeyId}`,
    `  export AWS_SECRET_ACCESS_KEY=${created.SecretAccessKey}`,
    "",
  ].join("\n");
}
