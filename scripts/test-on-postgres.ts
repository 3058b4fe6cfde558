// `npm test`'s second pass (issue 14 item 5: the same behaviour on both stores). The end-to-end
// and parity suites whose servers take their store from test/support/meridian.ts (`startMeridian`
// in-process, `storeArgs` for `meridian serve` spawned: the workers suite) run again with every
// Region's store in a PostgreSQL database of their own (MERIDIAN_TEST_STORE=postgres),
// on the PostgreSQL at MERIDIAN_TEST_POSTGRES_URL (.ci/run sets it; without it the pass says so and
// is skipped). Other suites that spawn `meridian serve` choose their store on its command line, and
// those below are about SQLite's own files and so are not run twice.
// Usage: node dist/scripts/test-on-postgres.js [test file …]   (default: every such suite)

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Suites of the SQLite store's own files and mechanisms, each with why it does not apply to PostgreSQL. */
export const SQLITE_ONLY: Readonly<Record<string, string>> = {
  "audit-atomicity.test.js": "makes the audit row's write fail by changing the SQLite file's tables",
  "backup-restore.test.js": "meridian backup and restore copy SQLite files; PostgreSQL is backed up with pg_dump",
  "damaged-store.test.js": "damages SQLite files and pages",
  "full-disk.test.js": "fills the file system under the SQLite files",
  "group-commit.test.js": "counts SQLite's WAL syncs",
  "kms-at-rest.test.js": "searches the data directory's SQLite files for key material",
  "replication-no-plaintext.test.js": "searches the SQLite files and WAL for plaintext",
  "tampered-value.test.js": "edits a stored value in the SQLite file",
};

const distTest = join(dirname(fileURLToPath(import.meta.url)), "..", "test");

/** The compiled suites that start Meridian in-process, but for those about SQLite's own files. */
export function suitesOnPostgres(): string[] {
  return ["e2e", "parity"].flatMap((folder) =>
    readdirSync(join(distTest, folder))
      .filter((f) => f.endsWith(".test.js") && !(f in SQLITE_ONLY))
      .map((f) => join(distTest, folder, f))
      .filter((file) => TAKES_TEST_STORE.test(readFileSync(file, "utf8"))),
  );
}

/** a suite that takes its servers' store from test/support/meridian.ts: its in-process server, or storeArgs for a spawned one */
const TAKES_TEST_STORE = /import\s*\{[^}]*\b(startMeridian|storeArgs)\b[^}]*\}\s*from\s*"\.\.\/support\/meridian\.js"/;

function main(): number {
  if (!process.env.MERIDIAN_TEST_POSTGRES_URL) {
    console.log("# the suites on PostgreSQL: skipped, MERIDIAN_TEST_POSTGRES_URL is unset (e.g. postgres://postgres@127.0.0.1:5432/test; .ci/run sets it)");
    return 0;
  }
  const files = process.argv.length > 2 ? process.argv.slice(2) : suitesOnPostgres();
  console.log(`# the suites on PostgreSQL: ${files.length} files (${files.map((f) => basename(f)).join(", ")})`);
  const run = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...files], {
    stdio: "inherit",
    env: { ...process.env, MERIDIAN_TEST_STORE: "postgres" },
  });
  return run.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
