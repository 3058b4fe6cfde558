// What the backup and restore tests share: `meridian backup` and `meridian restore` run as an
// operator runs them (the CLI in a child process, so a server in this process goes on serving
// meanwhile), and every secret of a Region read back whole through the API.

import { spawn } from "node:child_process";
import {
  DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, ListSecretsCommand, type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { cliPath, testEnv } from "../support/meridian.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `meridian <args>` with the test servers' environment (root key, admin key), plus `env`. */
export function meridianCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...testEnv(), ...env } as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  const run: CliRun = { code: null, stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (run.stderr += chunk.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ ...run, code })));
}

export interface SecretState {
  name: string;
  arn: string;
  description?: string;
  tags: string[];
  primaryRegion?: string;
  replicas: string[];
  deleted: boolean;
  /** by version id: its labels, and its value (string, or binary as base64; none for a deleted secret) */
  versions: Record<string, { stages: string[]; value?: string }>;
}

/** Every secret of the client's Region (those scheduled for deletion too), sorted by name. */
export async function readEverything(sm: SecretsManagerClient): Promise<SecretState[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true, NextToken, MaxResults: 100 }));
    names.push(...(page.SecretList ?? []).map((s) => s.Name!));
    NextToken = page.NextToken;
  } while (NextToken);
  const out: SecretState[] = [];
  for (const name of names.sort()) {
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    const deleted = d.DeletedDate !== undefined;
    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    const versions: SecretState["versions"] = {};
    for (const v of listed.Versions ?? []) {
      let value: string | undefined;
      if (!deleted) {
        const got = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: v.VersionId }));
        value = got.SecretString ?? Buffer.from(got.SecretBinary!).toString("base64");
      }
      versions[v.VersionId!] = { stages: [...(v.VersionStages ?? [])].sort(), value };
    }
    out.push({
      name,
      arn: d.ARN!,
      description: d.Description,
      tags: (d.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort(),
      primaryRegion: d.PrimaryRegion,
      replicas: (d.ReplicationStatus ?? []).map((s) => s.Region!).sort(),
      deleted,
      versions,
    });
  }
  return out;
}
