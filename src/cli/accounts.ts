// `meridian accounts create|list`: asks a running Meridian to create an account (POST
// /_meridian/accounts) or to list them (GET), SigV4-signed for "iam" by a principal of the operator
// account (the admin key Meridian printed at first start, or an IAM user allowed meridian:*).
// Listing asks the server rather than reading the data directory: it works against any deployment
// (a remote or PostgreSQL-backed one too), is authorized like creating, and is audited.

import { parseArgs } from "node:util";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { Sha256, type SigningCredentials } from "../util/sign-request.js";
import { endpointOf, reach } from "./endpoint.js";

const ACCOUNTS_USAGE = `Usage: meridian accounts create|list [options]

  create   Creates an account in every partition of a running Meridian and prints its root
           credentials (once).
  list     Lists the accounts (id, creation time; the operator account marked).

Only the operator account may: the account Meridian bootstraps (serve --account-id), through its
root user (the admin key Meridian printed at first start) or an IAM principal whose policies allow
meridian:CreateAccount / meridian:ListAccounts. Every call is in the audit trail.

Options (environment variable in brackets):
  --endpoint <url>            the running Meridian (MERIDIAN_ENDPOINT, else AWS_ENDPOINT_URL, default http://127.0.0.1:4566)
  --access-key-id <id>        an access key of the operator account (AWS_ACCESS_KEY_ID)
  --secret-access-key <key>   its secret (AWS_SECRET_ACCESS_KEY)
  --region <name>             the Region to sign for, any of the partition's (AWS_REGION, default us-east-1)
  --json                      list: the answer as JSON
`;

export interface NewAccount {
  AccountId: string;
  AccessKeyId: string;
  SecretAccessKey: string;
}

interface ListedAccount {
  AccountId: string;
  /** epoch seconds */
  CreateDate: number;
  Operator: boolean;
}

type Credentials = SigningCredentials;

/** A signed call to the accounts endpoint; its JSON answer, or an error naming the refusal. */
async function call(method: "GET" | "POST", endpoint: string, credentials: Credentials, region: string, doing: string): Promise<unknown> {
  const url = new URL("/_meridian/accounts", endpoint);
  const body = method === "POST" ? "{}" : undefined;
  const request = new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body,
  });
  const signer = new SignatureV4({ credentials, region, service: "iam", sha256: Sha256 });
  const headers = (await signer.sign(request)).headers as Record<string, string>;
  const response = await reach(url, { method, headers, body });
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
    throw new Error(`${url.origin} refused to ${doing} (${reason})`);
  }
  return JSON.parse(text);
}

export async function requestAccount(endpoint: string, credentials: Credentials, region: string): Promise<NewAccount> {
  return (await call("POST", endpoint, credentials, region, "create an account")) as NewAccount;
}

async function listAccounts(endpoint: string, credentials: Credentials, region: string): Promise<ListedAccount[]> {
  return ((await call("GET", endpoint, credentials, region, "list accounts")) as { Accounts: ListedAccount[] }).Accounts;
}

/** `meridian accounts <subcommand>`; returns what to print. */
export async function accounts(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") return ACCOUNTS_USAGE;
  if (sub !== "create" && sub !== "list") throw new Error(`unknown accounts command '${sub}' (try meridian accounts --help)`);
  const { values } = parseArgs({
    args: rest,
    options: {
      endpoint: { type: "string" },
      "access-key-id": { type: "string" },
      "secret-access-key": { type: "string" },
      region: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return ACCOUNTS_USAGE;
  const accessKeyId = values["access-key-id"] ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = values["secret-access-key"] ?? env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(`accounts ${sub} needs an access key of the operator account: --access-key-id and --secret-access-key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`);
  }
  // A session token only when the key is the one it belongs to.
  const sessionToken = values["access-key-id"] === undefined ? env.AWS_SESSION_TOKEN || undefined : undefined;
  const endpoint = endpointOf(values.endpoint, env);
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  if (sub === "list") {
    const listed = await listAccounts(endpoint, credentials, region);
    return values.json ? JSON.stringify({ Accounts: listed }, null, 2) + "\n" : table(listed);
  }
  const created = await requestAccount(endpoint, credentials, region);
  return [
    `Account ${created.AccountId} created. Its root user's access key (the secret is shown this once):`,
    `  export AWS_ACCESS_KEY_ID=${created.AccessKeyId}`,
    `  export AWS_SECRET_ACCESS_KEY=${created.SecretAccessKey}`,
    "",
  ].join("\n");
}

function table(listed: ListedAccount[]): string {
  const rows = listed.map((a) => [a.AccountId, new Date(a.CreateDate * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"), a.Operator ? "operator" : ""]);
  return [["ACCOUNT ID", "CREATED", ""], ...rows].map((r) => `${r[0]!.padEnd(12)}  ${r[1]!.padEnd(20)}  ${r[2]}`.trimEnd()).join("\n") + "\n";
}
