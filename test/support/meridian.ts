// Starting a real Meridian for end-to-end tests: an ephemeral port on 127.0.0.1, a fresh data
// directory, known admin credentials. In-process (startMeridian) or as a child process (spawnMeridian).

import { mkdtempSync, rmSync } from "node:fs";
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
  const server = await startServer({
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
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

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
