// boto3 against Meridian: test/python/boto3_smoke.py runs the create/read/put/list/describe/delete
// flow and a not-found error, with the endpoint and credentials in its environment only. Skips
// when python3 or boto3 is missing.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";

const REGION = "ap-southeast-2";
// dist/test/e2e → the repository root; the script is not compiled, so it stays under test/python.
const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test", "python", "boto3_smoke.py");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// Asynchronous on purpose: the server runs in this process and must keep answering meanwhile.
function python(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile("python3", args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

const skip = await python(["-c", "import boto3"], process.env).then(
  (r) => (r.code === 0 ? undefined : `boto3 is not installed for python3: ${r.stderr.trim().split("\n").pop()}`),
  (e: Error) => `python3 is not on PATH (${e.message})`,
);

let m: TestServer;
let home: string;
before(async () => {
  if (skip) return;
  m = await startMeridian({ regions: [REGION] });
  home = mkdtempSync(join(tmpdir(), "meridian-boto3-"));
});
after(async () => {
  if (skip) return;
  await m.stop();
  rmSync(home, { recursive: true, force: true });
});

test("boto3: create, read, put, list, describe, delete, and a not-found error", { skip }, async () => {
  const r = await python([script], {
    PATH: process.env.PATH,
    HOME: home, // no config or credentials file of the machine's user gets in the way
    AWS_CONFIG_FILE: join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
    AWS_ENDPOINT_URL: m.url,
    AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    AWS_DEFAULT_REGION: REGION,
    AWS_EC2_METADATA_DISABLED: "true",
    MERIDIAN_ACCOUNT_ID: ACCOUNT_ID,
  });
  assert.equal(r.code, 0, `boto3_smoke.py exited with ${r.code}:\n${r.stderr}`);
  assert.match(r.stdout, /boto3 smoke: ok/);
});
