// Running the unchanged AWS tools (the `aws` CLI, or a boto3 script) against a test server as a
// user would: endpoint and credentials from the environment only, under an empty home.

import { execFile } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ADMIN } from "./meridian.js";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `file` and collect its exit code and output. Asynchronous on purpose: the server runs in this
 * process and must keep answering meanwhile. Rejects only when it cannot start.
 */
export function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

export const run = (args: string[], env: NodeJS.ProcessEnv): Promise<Run> => runProgram("aws", args, env);

/** The reason to skip, or undefined when an executable `aws` is on PATH. */
export function awsCliMissing(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    try {
      accessSync(join(dir || ".", "aws"), constants.X_OK);
      return undefined;
    } catch {
      // not in this directory
    }
  }
  return "the aws CLI is not on PATH";
}

export interface AwsHome {
  dir: string;
  /** the whole environment of the tool: no variable of this process gets in but PATH (and PYENV_ROOT) */
  env: NodeJS.ProcessEnv;
  remove(): void;
}

/** An empty home, so that no config or credentials file of the machine's user gets in the way. */
export function emptyAwsHome(endpoint: string, region: string): AwsHome {
  const dir = mkdtempSync(join(tmpdir(), "meridian-aws-home-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
    AWS_CONFIG_FILE: join(dir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
  };
  return { dir, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
