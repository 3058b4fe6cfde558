// README.md's shell blocks, run exactly as written against a real Meridian, so the README stays true.
//
// The convention (a README author's contract; markers in test/support/readme-blocks.ts):
// - Every ```sh block runs, in README order, in ONE bash session under `set -eo pipefail`, as if a
//   newcomer typed them one after another in one terminal: variables, exports and the working
//   directory of a block carry into the next, and a block passes when every command in it succeeds
//   (a command allowed to fail says `|| true`). A failed block ends the session; the blocks after it
//   fail as not reached.
// - The session starts where the README's first block leaves a newcomer: Meridian running with its
//   defaults on http://127.0.0.1:4566 (so this test needs that port: it is the one test that does
//   not listen on port 0, and it fails at once if the port is taken), in a fresh data directory, and
//   the `export …` lines it printed at first start pasted into the shell. The data directory reaches
//   Meridian and the session alike through MERIDIAN_DATA_DIR, as ./.meridian would when both run in
//   the checkout. HOME is an empty directory; no variable of this process gets in but PATH.
// - The README's blocks call the installed `meridian` (the README says to `npm link` it), never
//   `npx meridian`, which outside the checkout would fetch whatever the registry calls meridian.
//   Here `meridian` runs this checkout's dist/: the session works in an empty directory (a block may
//   write files there, never into the checkout) with `meridian` linked into a private npm prefix, as
//   after `npm link`. npm runs offline, so nothing can be fetched from the registry.
// - A block marked `serve` starts a Meridian in the foreground: it runs alone, in a fresh data
//   directory on a free port (MERIDIAN_PORT=0), passes once it prints "listening on", and is stopped.
//   SoftHSM gets a private token directory (SOFTHSM2_CONF).
// - A block marked `skip — why` is not run; the skips are listed. A block that cannot run here and is
//   not marked fails: a foreground server blocks the session until the timeout names it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliPath, waitForExit } from "../support/meridian.js";
import { awsCliMissing } from "../support/aws-cli.js";
import { readmeBlocks, type ReadmeBlock } from "../support/readme-blocks.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const PORT = 4566;
const SESSION_TIMEOUT_MS = 180_000; // two PostgreSQL nodes start and stop in one block (issue 14)
const SERVE_TIMEOUT_MS = 30_000;

/** What some blocks must visibly print, found by a piece of their text (a README change that drops the piece fails). */
const EXPECTED: { block: string; output: RegExp }[] = [
  { block: "get-secret-value --secret-id demo", output: /"SecretString": "s3cr3t"/ },
  { block: "aws sts assume-role", output: /assumed-role\/deployer\/ci/ },
  { block: "meridian accounts create", output: /Account \d{12} created/ },
  { block: "stop-replication-to-replica", output: /secret:app\/db-/ },
];

/** A command on PATH, or an absolute path that exists. */
function present(command: string): boolean {
  if (isAbsolute(command)) return existsSync(command);
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || ".", command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** bash in its own process group, so a timeout ends what the blocks started too. */
function bash(script: string, env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number, until?: RegExp): Promise<Run> {
  const child = spawn("bash", ["--noprofile", "--norc", "-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const run: Run = { code: null, stdout: "", stderr: "", timedOut: false };
  const stopGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  return new Promise((resolve) => {
    const timer = setTimeout(() => ((run.timedOut = true), stopGroup("SIGKILL")), timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      run.stdout += chunk.toString();
      // A foreground server: once it says so, stop it (SIGTERM: it closes its stores and exits).
      if (until?.test(run.stdout)) stopGroup("SIGTERM");
    });
    child.stderr!.on("data", (chunk: Buffer) => (run.stderr += chunk.toString()));
    child.once("close", (code) => {
      clearTimeout(timer);
      stopGroup("SIGKILL");
      resolve({ ...run, code });
    });
  });
}

const marker = (index: number, what: "start" | "ok") => `@@readme-test block ${index} ${what}`;

/** Each block's share of the session's output, between its markers. */
function share(output: string, index: number): string {
  const start = output.indexOf(marker(index, "start"));
  if (start < 0) return "";
  const rest = output.slice(start + marker(index, "start").length);
  const end = rest.search(/@@readme-test block \d+ /);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

function title(block: ReadmeBlock): string {
  const first = block.code.split("\n").find((l) => l.trim() && !l.trim().startsWith("#")) ?? "";
  return `block ${block.index} (README.md line ${block.line}): ${first.length > 60 ? first.slice(0, 57) + "..." : first}`;
}

/** Meridian as `npm start` runs it, its first-start banner once it is complete. */
async function startMeridian(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [cliPath, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Meridian did not start within 30 s:\n${output}`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (/export AWS_SECRET_ACCESS_KEY=\S+\n/.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`Meridian exited with ${code}:\n${output}`))));
  });
  return { child, banner };
}

const blocks = readmeBlocks(readFileSync(join(repoRoot, "README.md"), "utf8"));

test("README.md: every block calls the installed meridian, never npx meridian", () => {
  const npx = blocks.filter((b) => /\bnpx\s+meridian\b/.test(b.code)).map(title);
  assert.deepEqual(npx, [], "the README says to install `meridian` (npm link): its blocks call it as `meridian`");
  assert.ok(blocks.some((b) => /^npm install && npm link\b/m.test(b.code)), "the first block says how `meridian` gets installed");
});

test("README.md: every shell block runs as written", { skip: awsCliMissing(), timeout: SESSION_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(await portFree(PORT), `port ${PORT} on 127.0.0.1 is taken: the README's blocks address Meridian at http://127.0.0.1:${PORT}, so this test starts it there (another Meridian or emulator running?)`);
  const root = mkdtempSync(join(tmpdir(), "meridian-readme-"));
  const home = join(root, "home");
  const work = join(root, "work");
  const prefix = join(root, "npm-prefix");
  for (const dir of [home, work, join(prefix, "bin"), join(root, "softhsm")]) mkdirSync(dir, { recursive: true });
  // What `npm link` puts in the prefix, minus its chmod of dist/src/cli/main.js (`npx tsc` alone leaves it 0644).
  writeFileSync(join(prefix, "bin", "meridian"), `#!/bin/sh\nexec '${process.execPath}' '${cliPath}' "$@"\n`, { mode: 0o755 });
  writeFileSync(join(root, "softhsm2.conf"), `directories.tokendir = ${join(root, "softhsm")}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = (dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: `${join(prefix, "bin")}${delimiter}${process.env.PATH ?? ""}`, // `meridian`, as npm link makes it
    ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
    HOME: home,
    MERIDIAN_DATA_DIR: dataDir,
    npm_config_prefix: prefix,
    npm_config_offline: "true",
    npm_config_update_notifier: "false",
    SOFTHSM2_CONF: join(root, "softhsm2.conf"),
    ...extra,
  });
  const meridian = await startMeridian(env(join(root, "data"))).catch((e) => {
    rmSync(root, { recursive: true, force: true });
    throw e;
  });
  try {
    const skipped = blocks.filter((b) => b.skip);
    t.diagnostic(`${blocks.length} shell blocks, ${skipped.length} skipped by their README marker:`);
    for (const b of skipped) t.diagnostic(`  ${title(b)} — ${b.skip}`);
    const missing = (b: ReadmeBlock) => b.needs.filter((c) => !present(c));
    for (const b of blocks.filter((b) => !b.skip && missing(b).length)) t.diagnostic(`  skipped here: ${title(b)} — ${missing(b).join(", ")} missing`);

    // The export lines the first start printed, pasted as a user would.
    const pasted = meridian.banner.split("\n").filter((l) => /^\s*export [A-Z_][A-Z0-9_]*=\S+$/.test(l)).map((l) => l.trim());
    for (const name of ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
      assert.ok(pasted.some((l) => l.startsWith(`export ${name}=`)), `the first-start banner has no 'export ${name}=…' line to paste:\n${meridian.banner}`);
    }
    const inSession = blocks.filter((b) => !b.skip && !b.serve && !missing(b).length);
    const script = ["set -eo pipefail", "# pasted from Meridian's first start", ...pasted];
    for (const b of inSession) {
      const file = join(root, `block-${b.index}.sh`);
      writeFileSync(file, b.code);
      // Markers on both streams, each on its own line, so each block's output can be told apart.
      script.push(`printf '\\n${marker(b.index, "start")}\\n'; printf '\\n${marker(b.index, "start")}\\n' >&2`, `source '${file}'`);
      script.push(`printf '\\n${marker(b.index, "ok")}\\n'; printf '\\n${marker(b.index, "ok")}\\n' >&2`);
    }
    const session = await bash(script.join("\n") + "\n", env(join(root, "data")), work, SESSION_TIMEOUT_MS);

    for (const expected of EXPECTED) {
      assert.ok(inSession.some((b) => b.code.includes(expected.block)), `no README block run here contains '${expected.block}' any more: update EXPECTED in this test`);
    }
    for (const b of blocks) {
      const skip = b.skip ?? (missing(b).length ? `${missing(b).join(", ")} missing` : undefined);
      await t.test(title(b), { skip }, async () => {
        if (b.serve) {
          const dataDir = join(root, `data-block-${b.index}`);
          const run = await bash(`set -eo pipefail\n${b.code}`, env(dataDir, { MERIDIAN_PORT: "0" }), work, SERVE_TIMEOUT_MS, /listening on http/);
          assert.match(run.stdout, /listening on http/, `the block did not start Meridian (exit ${run.code}${run.timedOut ? ", timed out" : ""}):\n${run.stdout}\n${run.stderr}`);
          return;
        }
        const out = share(session.stdout, b.index);
        const err = share(session.stderr, b.index);
        const shown = `--- stdout\n${out}\n--- stderr\n${err}`;
        if (!session.stdout.includes(marker(b.index, "start"))) assert.fail("not reached: an earlier block failed");
        if (!session.stdout.includes(marker(b.index, "ok"))) {
          assert.fail(
            session.timedOut
              ? `did not finish within ${SESSION_TIMEOUT_MS / 1000} s (a server in the foreground? mark it <!-- readme-test: serve -->)\n${shown}`
              : `a command failed (the shell exited with ${session.code})\n${shown}`,
          );
        }
        for (const expected of EXPECTED.filter((e) => b.code.includes(e.block))) assert.match(out, expected.output, shown);
      });
    }
  } finally {
    meridian.child.kill("SIGTERM");
    await waitForExit(meridian.child);
    rmSync(root, { recursive: true, force: true });
  }
});
