// Starting a real Meridian for end-to-end tests: an ephemeral port on 127.0.0.1, a fresh data
// directory, known admin credentials. In-process (startMeridian) or as a child process (spawnMeridian).
// With MERIDIAN_TEST_STORE=postgres, startMeridian keeps every Region's store in a database of its
// own on the test PostgreSQL (issue 14 item 5: the end-to-end suites on both stores), as does a
// spawned server given storeArgs; a test that restarts a server on the same data directory gets the
// same database back.

import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startServer, type RunningServer } from "../../src/server.js";
import type { AuthMode } from "../../src/edge/authenticate.js";
import type { Clock, Timers } from "../../src/util/clock.js";
import { makeLogger } from "../../src/util/logger.js";
import type { Topology } from "../../src/config/topology.js";
import type { StoreConfig } from "../../src/store/make-store.js";
import { freshDatabase, noPostgres, type TestDatabase } from "./postgres-database.js";

export const ADMIN = { accessKeyId: "AKIAMERIDIANTESTADMN", secretAccessKey: "meridian-test-secret-access-key-0123456789" };
export const ROOT_KEY = Buffer.alloc(32, 7).toString("base64");
export const ACCOUNT_ID = "111111111111";

export interface TestServer {
  url: string;
  dataDir: string;
  server: RunningServer;
  logs: string[];
  secrets(region?: string, credentials?: { accessKeyId: string; secretAccessKey: string }): SecretsManagerClient;
  stop(): Promise<void>;
}

export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    MERIDIAN_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
    MERIDIAN_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    MERIDIAN_ROOT_KEY: ROOT_KEY,
    ...extra,
  };
}

export async function startMeridian(
  opts: { auth?: AuthMode; clock?: Clock; timers?: Timers; dataDir?: string; regions?: string[]; env?: Record<string, string>; topology?: Topology } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "meridian-test-"));
  const logs: string[] = [];
  const store = await storeFor(dataDir);
  const server = await startServer({
    store,
    host: "127.0.0.1",
    port: 0,
    dataDir,
    auth: opts.auth ?? "strict",
    accountId: ACCOUNT_ID,
    clock: opts.clock,
    timers: opts.timers,
    regions: opts.regions,
    topology: opts.topology,
    env: testEnv(opts.env),
    log: makeLogger((line) => logs.push(line)),
  });
  try {
    assertTestStore(dataDir);
  } catch (e) {
    await server.close();
    throw e;
  }
  const clients: SecretsManagerClient[] = [];
  return {
    url: server.url,
    dataDir,
    server,
    logs,
    secrets(region = "us-east-1", credentials = ADMIN) {
      const client = new SecretsManagerClient({ endpoint: server.url, region, credentials, maxAttempts: 1 });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await server.close();
      if (!opts.dataDir) {
        rmSync(dataDir, { recursive: true, force: true });
        await dropDatabaseOf(dataDir);
      }
    },
  };
}

/** The store the suites run against: SQLite in the data directory, or MERIDIAN_TEST_STORE's. */
export const testStoreKind = process.env.MERIDIAN_TEST_STORE === "postgres" ? "postgres" : "sqlite";
if (testStoreKind === "postgres" && noPostgres) throw new Error(`MERIDIAN_TEST_STORE=postgres needs PostgreSQL: ${noPostgres}`);

/** Each data directory's database, while MERIDIAN_TEST_STORE=postgres. */
const databases = new Map<string, Promise<TestDatabase>>();

/** The store a test server on `dataDir` is given (ServerOptions.store): undefined for SQLite in it. */
export async function storeFor(dataDir: string): Promise<StoreConfig | undefined> {
  if (testStoreKind !== "postgres") return undefined;
  let database = databases.get(dataDir);
  if (!database) databases.set(dataDir, (database = freshDatabase("meridian_e2e")));
  return { kind: "postgres", url: (await database).url };
}

/** The pass on PostgreSQL must not run on SQLite unnoticed: throws if a server made SQLite stores there. */
export function assertTestStore(dataDir: string): void {
  const files = testStoreKind === "postgres" ? readdirSync(dataDir).filter((f) => f.endsWith(".sqlite")) : [];
  if (files.length > 0) throw new Error(`MERIDIAN_TEST_STORE=postgres, yet the server made SQLite stores: ${files.join(", ")}`);
}

/** The arguments that give `meridian serve` (spawnMeridian) the store the suites run against, for this data directory. */
export async function storeArgs(dataDir: string): Promise<string[]> {
  const store = await storeFor(dataDir);
  return store?.kind === "postgres" ? ["--store", store.url] : [];
}

/** What a `meridian` command reading a test server's stores must be told beside --data-dir (MERIDIAN_STORE). */
export async function storeEnv(dataDir: string): Promise<Record<string, string>> {
  const store = await storeFor(dataDir);
  return store?.kind === "postgres" ? { MERIDIAN_STORE: store.url } : {};
}

async function dropDatabaseOf(dataDir: string): Promise<void> {
  const database = databases.get(dataDir);
  databases.delete(dataDir);
  await (await database)?.drop();
}

// Databases of data directories a test keeps (it gave its own) go when the test file is done.
process.once("beforeExit", () => {
  for (const dataDir of [...databases.keys()]) void dropDatabaseOf(dataDir).catch(() => undefined);
});

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const cliPath = join(repoRoot, "dist", "src", "cli", "main.js");

/** Start `meridian serve` as a child process; resolves once it prints its endpoint. */
export function spawnMeridian(dataDir: string, args: string[] = [], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", "--data-dir", dataDir, "--account-id", ACCOUNT_ID, ...args], {
    env: { ...process.env, ...testEnv(env) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`meridian exited with ${code}: ${output}`)));
  });
  return { child, url, output: () => output };
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
  });
}

/** This process's environment without Meridian's or AWS's variables, and the tests' root key. */
export function operatorEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MERIDIAN_") && !k.startsWith("AWS_")));
  return { ...env, MERIDIAN_ROOT_KEY: ROOT_KEY, ...extra };
}

/**
 * `meridian serve` as an operator starts it, with no admin key given (a first start makes one and
 * prints it); `banner` resolves with everything printed once the banner's key lines are out.
 */
export function spawnServe(dataDir: string, args: string[] = [], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", "--data-dir", dataDir, ...args], { env: operatorEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const banner = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      output += c.toString();
      // The banner is written at once (one write of a few hundred bytes): its last key line means all of it.
      if (/export AWS_SECRET_ACCESS_KEY=.*\n/.test(output)) resolve(output);
    });
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    child.once("exit", (code) => reject(new Error(`meridian serve exited with ${code}: ${output}`)));
  });
  return { child, banner, output: () => output };
}

/** The admin key a banner (or `admin reset-key`) printed, if it printed one. */
export function printedKey(output: string): { accessKeyId: string; secretAccessKey: string } | undefined {
  const id = /export AWS_ACCESS_KEY_ID=(AKIA\w+)/.exec(output)?.[1];
  const secret = /export AWS_SECRET_ACCESS_KEY=(\S+)/.exec(output)?.[1];
  return id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined;
}
