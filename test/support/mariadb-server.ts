// A MariaDB server of a test's own: mariadb-install-db on a temporary directory, mariadbd on
// 127.0.0.1 and a free port with real authentication (a root and a `master` user with passwords).
// stop() and start() take it down and up again; close() removes it.

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { findBinDir, runAs, serviceTempDir } from "./database-process.js";
import { freePort } from "./multiprocess.js";
import { waitFor } from "./wait-for.js";

const OS_USER = "mysql";
const isRoot = process.getuid?.() === 0;
const INSTALL_DIR = findBinDir(["/usr/bin", "/usr/local/bin", "/usr/local/mysql/bin"], ["mariadb-install-db"]);
const SERVER_DIR = findBinDir(["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/mysql/bin"], ["mariadbd"]);

/** Why MariaDB tests cannot run here (for `skip`), or false when they can. */
export const mariadbMissing: string | false =
  INSTALL_DIR && SERVER_DIR ? false : "MariaDB is not installed (no mariadb-install-db and mariadbd)";

export interface MariadbServer {
  host: string;
  port: number;
  /** A user with every privilege and GRANT OPTION, from any host: the multi-user rotators' master. */
  master: { username: string; password: string };
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startMariadb(): Promise<MariadbServer> {
  if (!INSTALL_DIR || !SERVER_DIR) throw new Error(String(mariadbMissing));
  const dir = serviceTempDir("meridian-mariadb-", OS_USER);
  const data = join(dir, "data");
  const socket = join(dir, "mariadbd.sock");
  await runAs(OS_USER, join(INSTALL_DIR, "mariadb-install-db"), [
    "--no-defaults", `--datadir=${data}`, "--auth-root-authentication-method=normal", "--skip-test-db",
  ]);
  const port = await freePort();
  const master = { username: "master", password: "master-pw-1" };
  let child: ChildProcess | undefined;
  const server: MariadbServer = {
    host: "127.0.0.1",
    port,
    master,
    async start() {
      const proc = spawn(
        join(SERVER_DIR, "mariadbd"),
        [
          "--no-defaults", `--datadir=${data}`, `--port=${port}`, `--socket=${socket}`, "--bind-address=127.0.0.1",
          "--skip-name-resolve", `--pid-file=${join(dir, "mariadbd.pid")}`, `--log-error=${join(dir, "error.log")}`,
          ...(isRoot ? [`--user=${OS_USER}`] : []),
        ],
        { stdio: "ignore" },
      );
      child = proc;
      let exited = false;
      proc.once("exit", () => (exited = true));
      await waitFor(
        async () => {
          if (exited) throw new Error(`mariadbd exited; see ${join(dir, "error.log")}`);
          return canConnect(port, master).then((ok) => ok || canConnectAsRoot(socket));
        },
        { timeoutMs: 30_000, intervalMs: 100, what: "mariadbd to accept connections" },
      );
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null) return;
      const exit = once(proc, "exit");
      proc.kill("SIGTERM");
      await exit;
    },
    async close() {
      try {
        await server.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  await server.start();
  await secure(socket, master);
  return server;
}

/** The fresh install's root has no password: give it one, add the master, drop anonymous users. */
async function secure(socket: string, master: { username: string; password: string }): Promise<void> {
  const root = await mysql.createConnection({ socketPath: socket, user: "root" });
  try {
    const anonymous = (await root.query("SELECT Host FROM mysql.user WHERE User = ''"))[0] as mysql.RowDataPacket[];
    for (const { Host } of anonymous) await root.query(`DROP USER ''@${root.escape(String(Host))}`);
    await root.query(`CREATE USER ${root.escape(master.username)}@'%' IDENTIFIED BY ${root.escape(master.password)}`);
    await root.query(`GRANT ALL PRIVILEGES ON *.* TO ${root.escape(master.username)}@'%' WITH GRANT OPTION`);
    await root.query(`ALTER USER root@localhost IDENTIFIED BY ${root.escape("root-pw-1")}`);
  } finally {
    await root.end();
  }
}

async function canConnect(port: number, user: { username: string; password: string }): Promise<boolean> {
  try {
    const c = await mysql.createConnection({ host: "127.0.0.1", port, user: user.username, password: user.password });
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function canConnectAsRoot(socket: string): Promise<boolean> {
  try {
    const c = await mysql.createConnection({ socketPath: socket, user: "root" });
    await c.end();
    return true;
  } catch {
    return false;
  }
}
