// What the test databases share: database servers refuse to run as root, so under root each runs
// as its own OS user (postgres, mysql) on a temporary directory that user owns.

import { execFile, execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/** A fresh temporary directory, owned by `osUser` when we are root. */
export function serviceTempDir(prefix: string, osUser: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (isRoot) chownTo(dir, osUser);
  return dir;
}

export function chownTo(path: string, osUser: string): void {
  if (!isRoot) return;
  const uid = Number(execFileSync("id", ["-u", osUser], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", osUser], { encoding: "utf8" }).trim());
  chownSync(path, uid, gid);
}

/** The command line that runs `command` as `osUser` (itself when not root). */
export function asServiceUser(osUser: string, command: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", osUser, "--", command, ...args]] : [command, args];
}

/** Runs `command` as `osUser` to completion; rejects with its output when it fails. */
export async function runAs(osUser: string, command: string, args: string[]): Promise<void> {
  const [file, argv] = asServiceUser(osUser, command, args);
  try {
    await run(file, argv, { timeout: 60_000 });
  } catch (e) {
    const { stdout = "", stderr = "" } = e as { stdout?: string; stderr?: string };
    throw new Error(`${command} failed: ${(e as Error).message}\n${stdout}${stderr}`, { cause: e });
  }
}

/** The first of `candidates` (directories) holding all of `programs`, if any. */
export function findBinDir(candidates: string[], programs: string[]): string | undefined {
  return candidates.find((dir) => programs.every((p) => isFile(join(dir, p))));
}

export function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir).map((d) => join(dir, d));
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
