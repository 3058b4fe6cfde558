// A PostgreSQL cluster of a test's own: initdb on a temporary directory with scram-sha-256
// password authentication (so a wrong password really fails), on 127.0.0.1 and a free port.
// stop() and start() take it down and up again (a database that is away); close() removes it.

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./multiprocess.js";
import { chownTo, findBinDir, runAs, serviceTempDir, subdirs } from "./database-process.js";

const OS_USER = "postgres";
const BIN_DIR = findBinDir(
  subdirs("/usr/lib/postgresql")
    .sort()
    .reverse()
    .map((d) => join(d, "bin")),
  ["initdb", "pg_ctl", "postgres"],
);

/** Why PostgreSQL tests cannot run here (for `skip`), or false when they can. */
export const postgresMissing: string | false = BIN_DIR ? false : "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)";

export interface PostgresServer {
  host: string;
  port: number;
  superuser: { username: string; password: string };
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  if (!BIN_DIR) throw new Error(String(postgresMissing));
  const bin = (p: string) => join(BIN_DIR, p);
  const dir = serviceTempDir("meridian-pg-", OS_USER);
  const data = join(dir, "data");
  const pwfile = join(dir, "superuser-password");
  const superuser = { username: "postgres", password: "superuser-pw-1" };
  writeFileSync(pwfile, superuser.password, { mode: 0o600 });
  chownTo(pwfile, OS_USER);
  await runAs(OS_USER, bin("initdb"), [
    "-D", data, "-U", superuser.username, `--pwfile=${pwfile}`, "--auth=scram-sha-256", "--locale=C", "-E", "UTF8",
  ]);
  const port = await freePort();
  let running = false;
  const server: PostgresServer = {
    host: "127.0.0.1",
    port,
    superuser,
    async start() {
      await runAs(OS_USER, bin("pg_ctl"), [
        "start", "-w", "-D", data, "-l", join(dir, "server.log"),
        "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      ]);
      running = true;
    },
    async stop() {
      await runAs(OS_USER, bin("pg_ctl"), ["stop", "-w", "-m", "fast", "-D", data]);
      running = false;
    },
    async close() {
      try {
        if (running) await server.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  await server.start();
  return server;
}
