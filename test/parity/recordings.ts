// Where the parity suites find AWS's recordings (../shared/reference/aws-recorded/, beside the
// checkout), and what a missing one means: skipped on a developer's machine without shared/, a
// failure in CI, where shared/ is always laid beside the clone and a suite that silently skipped
// would pass having compared nothing.

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// dist/test/parity → the repository root, then its sibling shared/.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const RECORDINGS_DIR = join(repoRoot, "..", "shared", "reference", "aws-recorded");

/** CI sets CI (to "true" on the usual runners); "false" or "0" say it is not one. */
export const inCi = (env: NodeJS.ProcessEnv = process.env) => env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";

/** What a suite whose recording at `path` is missing does: skip, or fail with the reason. */
export function whenMissing(path: string, env: NodeJS.ProcessEnv = process.env): { skip: string } | { fail: string } {
  const reason = `reference snapshot not found at ${path}`;
  if (!inCi(env)) return { skip: reason };
  return { fail: `${reason}: in CI the parity suites must compare with AWS's recordings (is shared/ laid beside the checkout?)` };
}

/** Stands in for a suite whose recording is missing: one test, skipped or failing (see whenMissing). */
export function missingRecording(suite: string, path: string): void {
  const verdict = whenMissing(path);
  if ("skip" in verdict) test(suite, { skip: verdict.skip }, () => {});
  else test(suite, () => assert.fail(verdict.fail));
}
