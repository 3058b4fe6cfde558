// `meridian serve --workers N` (issue 14 item 1): every core on one machine. The primary process
// is the stores' one writer: it opens every Region, runs the background work (jobs, outbox,
// opt-in transitions) and listens on a private Unix socket. N worker processes share the port
// (node:cluster hands them its connections), each opening the same stores to answer read-only
// calls itself and passing every other request to the writer (src/edge/forward.ts). A worker that
// dies is replaced; it held no write, so none is lost. The writer dying takes its workers with it.

import cluster, { type Worker } from "node:cluster";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer, type ServerOptions } from "../server.js";

const WRITER_SOCKET_ENV = "MERIDIAN_WRITER_SOCKET";

/** What the banner shows once the port is served. */
export interface Started {
  url: string;
  created: RunningServer["createdAdminKey"];
  host: RunningServer["host"];
}

/** This process is a worker its primary forked (cluster), and the writer's socket it was given. */
export function workerOf(env: NodeJS.ProcessEnv): string | undefined {
  return cluster.isWorker ? env[WRITER_SOCKET_ENV] : undefined;
}

/** A worker: serve the port beside the others until told to stop, or until the writer is gone. */
export async function runWorker(options: ServerOptions, socketPath: string): Promise<void> {
  const server = await startServer({ ...options, role: { kind: "worker", writer: { socketPath } } });
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code || 1), 10_000).unref();
    server.close().then(() => process.exit(code), () => process.exit(1));
  };
  process.on("SIGTERM", () => stop(0));
  process.on("SIGINT", () => undefined); // the primary stops the workers when it is interrupted
  process.on("disconnect", () => stop(1)); // the writer is gone
}

/**
 * The primary: the writer, then `count` workers on the port; the admin key is made once they hold
 * it (a port already taken keeps no key nobody saw). Resolves once serving, with what to announce.
 */
export async function runPrimary(options: ServerOptions, count: number, log: (line: string) => void): Promise<{ started: Started; stop(): Promise<void> }> {
  const socketDir = mkdtempSync(join(tmpdir(), "meridian-writer-")); // 0700: the owner's alone
  const socketPath = join(socketDir, "writer.sock");
  let writer: RunningServer;
  try {
    writer = await startServer({ ...options, role: { kind: "writer", socketPath } });
  } catch (e) {
    rmSync(socketDir, { recursive: true, force: true });
    throw e;
  }
  const closeWriter = async () => {
    await writer.close();
    rmSync(socketDir, { recursive: true, force: true });
  };
  // Each worker accepts from the shared listening socket itself, rather than the primary accepting
  // and handing connections over: a connection handed to a worker that is killed before taking it
  // would stay open in the primary, unanswered, for ever; a worker's own connections end with it.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: process.argv[1]!, args: process.argv.slice(2) });
  const fork = () => cluster.fork({ [WRITER_SOCKET_ENV]: socketPath });
  let port: number;
  try {
    port = await startWorkers(count, fork);
  } catch (e) {
    await stopWorkers();
    await closeWriter();
    throw e;
  }
  let stopping = false;
  cluster.on("exit", (worker: Worker, code: number | null, signal: string | null) => {
    if (stopping) return;
    log(`worker ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); starting another`);
    fork();
  });
  const created = await writer.bootstrapAdmin();
  const scheme = options.tls ? "https" : "http";
  const url = `${scheme}://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`;
  return {
    started: { url, created, host: writer.host },
    async stop() {
      stopping = true;
      await stopWorkers();
      await closeWriter();
    },
  };
}

/** Fork `count` workers; the port they listen on once all do, or the failure of one that could not. */
function startWorkers(count: number, fork: () => Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    let listening = 0;
    const onExit = (worker: Worker, code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`a worker process could not start (${signal ?? `exit code ${code}`}); its error is above`));
    };
    const onListening = (_worker: Worker, address: { port: number }) => {
      if (++listening < count) return;
      cleanup();
      resolve(address.port);
    };
    const cleanup = () => {
      cluster.off("exit", onExit);
      cluster.off("listening", onListening);
    };
    cluster.on("exit", onExit);
    cluster.on("listening", onListening);
    for (let i = 0; i < count; i++) fork();
  });
}

/** Ask every worker to finish its requests and stop; after 10 s, stop it. */
async function stopWorkers(): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => w.process.kill("SIGKILL"), 10_000);
          w.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          w.process.kill("SIGTERM");
        }),
    ),
  );
}
