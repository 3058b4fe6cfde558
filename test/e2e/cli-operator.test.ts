// Issue 12 item 11: the operator's command line — a version, --help on every command, and the
// commands that talk to a running Meridian find it from --endpoint, MERIDIAN_ENDPOINT or
// AWS_ENDPOINT_URL and say which URL they could not reach.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cliPath } from "../support/meridian.js";
import { freePort } from "../support/multiprocess.js";

function meridian(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/ENDPOINT/.test(k)));
  return new Promise((resolve) =>
    execFile(process.execPath, [cliPath, ...args], { env: { ...clean, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

test("meridian --version prints the package's version", async () => {
  const { version } = JSON.parse(readFileSync(join(cliPath, "..", "..", "..", "..", "package.json"), "utf8")) as { version: string };
  for (const flag of ["--version", "-v"]) assert.equal((await meridian([flag])).stdout, `meridian ${version}\n`);
});

test("every command answers --help with its usage and exit 0", async () => {
  for (const args of [["--help"], ["serve", "--help"], ["status", "--help"], ["accounts", "--help"], ["audit", "--help"], ["audit", "verify", "--help"], ["admin", "--help"], ["admin", "reset-key", "--help"]]) {
    const out = await meridian(args);
    assert.equal(out.code, 0, `${args.join(" ")}: ${out.stderr}`);
    assert.match(out.stdout, /^Usage: meridian/, args.join(" "));
  }
});

test("status and accounts name the URL they could not reach, wherever it came from", async () => {
  const port = await freePort(); // free, so nothing listens there
  const url = `http://127.0.0.1:${port}`;
  const cases: Array<[string[], Record<string, string>]> = [
    [["status", "--endpoint", url], {}],
    [["status"], { MERIDIAN_ENDPOINT: url }],
    [["status"], { AWS_ENDPOINT_URL: url }],
    [["accounts", "list"], { AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE12", AWS_SECRET_ACCESS_KEY: "x".repeat(40) }],
  ];
  for (const [args, env] of cases) {
    const out = await meridian(args, env);
    assert.equal(out.code, 2, `${args.join(" ")} ${JSON.stringify(env)}`);
    assert.match(out.stderr, new RegExp(`^meridian: cannot reach Meridian at ${url} \\(ECONNREFUSED\\)`), out.stderr);
  }
});
