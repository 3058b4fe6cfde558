// boto3 against Meridian: test/python/boto3_smoke.py runs the create/read/put/list/describe/delete
// flow and a not-found error, with the endpoint and credentials in its environment only. Skips
// when python3 or boto3 is missing.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { emptyAwsHome, runProgram, type AwsHome } from "../support/aws-cli.js";

const REGION = "ap-southeast-2";
// dist/test/e2e → the repository root; the script is not compiled, so it stays under test/python.
const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test", "python", "boto3_smoke.py");

const python = (args: string[], env: NodeJS.ProcessEnv) => runProgram("python3", args, env);

const skip = await python(["-c", "import boto3"], process.env).then(
  (r) => (r.code === 0 ? undefined : `boto3 is not installed for python3: ${r.stderr.trim().split("\n").pop()}`),
  (e: Error) => `python3 is not on PATH (${e.message})`,
);

let m: TestServer;
let home: AwsHome;
before(async () => {
  if (skip) return;
  m = await startMeridian({ regions: [REGION] });
  home = emptyAwsHome(m.url, REGION);
});
after(async () => {
  if (skip) return;
  await m.stop();
  home.remove();
});

test("boto3: create, read, put, list, describe, delete, and a not-found error", { skip }, async () => {
  const r = await python([script], { ...home.env, MERIDIAN_ACCOUNT_ID: ACCOUNT_ID });
  assert.equal(r.code, 0, `boto3_smoke.py exited with ${r.code}:\n${r.stderr}`);
  assert.match(r.stdout, /boto3 smoke: ok/);
});
