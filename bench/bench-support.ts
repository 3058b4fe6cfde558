// What the benchmarks share: Meridian processes on 127.0.0.1 with known admin credentials, and
// signed calls to them.

import { createServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { signJson } from "./signed-request.js";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "src", "cli", "main.js");
export const benchDir = here;
export const ADMIN = { accessKeyId: "AKIABENCHMARKADMIN00", secretAccessKey: "bench-secret-access-key-0123456789abcdef" };

export function startChild(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the servers under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
}

/** `meridian serve` (this checkout's, or the build at `cliPath`) in a child process with a fresh data directory (or the given one). */
export async function startMeridian(args: string[] = [], env: Record<string, string> = {}, dataDir?: string, cliPath = cli) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "meridian-bench-"));
  const { child, url } = await startChild([cliPath, "serve", "--port", "0", "--data-dir", dir, ...args], {
    MERIDIAN_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
    MERIDIAN_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    ...env,
  });
  return {
    child,
    url,
    dataDir: dir,
    async stop(keepData = false) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function call(url: string, target: string, input: unknown, service = "secretsmanager", region = "us-east-1") {
  const prefix = service === "kms" ? "TrentService" : "secretsmanager";
  const signed = await signJson(url, region, ADMIN, `${prefix}.${target}`, input, service);
  const res = await fetch(url, { method: "POST", headers: signed.headers, body: signed.body });
  const text = await res.text();
  if (!res.ok) throw new Error(`${target} failed: ${res.status} ${text}`);
  return text;
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** A port free on 127.0.0.1 now, for a process started with a topology. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** CPU time of a process and its children (a primary and its workers). */
export function treeCpuMs(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  return cpuMsOf(pid) + children.reduce((sum, child) => sum + cpuMsOf(child), 0);
}

/** User + system CPU time a process has used, from /proc (clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: fields 14 and 15 of stat
}


/** One statement on a connection of its own to the PostgreSQL at `url` (CREATE/DROP DATABASE). */
export async function onPostgres(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
