// Starting and stopping a Meridian process: the Region host behind the edge server. The CLI and the
// end-to-end tests both start Meridian through here.

import type { AddressInfo } from "node:net";
import { rmSync } from "node:fs";
import { defaultTopology, findRegion, type Topology } from "./config/topology.js";
import { makeHttpTransport } from "./replication/http-transport.js";
import { openRegionHost, type RegionHost } from "./region/region-host.js";
import { createEdgeServer } from "./edge/http-server.js";
import type { AuthMode } from "./edge/authenticate.js";
import { makeSeal, readSealConfig } from "./seal/make-seal.js";
import type { Seal } from "./seal/seal.js";
import { systemClock, type Clock, type Timers } from "./util/clock.js";
import { makeLogger, type Logger } from "./util/logger.js";
import { jsonServices } from "./edge/services.js";
import { makeAuditTrail } from "./audit/audit-trail.js";
import { checkDataDirMode, checkPermissiveHost } from "./edge/auth-mode.js";
import { lockDataDir, type DataDirLock } from "./region/data-dir-lock.js";
import { StoreFault } from "./store/store-fault.js";
import type { LambdaSettings } from "./rotation/lambda-invoke.js";
import type { WriterLink } from "./edge/forward.js";
import type { StoreConfig } from "./store/make-store.js";

export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  auth: AuthMode;
  accountId: string;
  topology?: Topology;
  regions?: string[];
  clock?: Clock;
  /** what background jobs are scheduled with (a test's manual clock); the system's timers when absent */
  timers?: Timers;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** the root key's seal; when absent, the one MERIDIAN_SEAL and its variables in env choose (file by default) */
  seal?: Seal;
  /** the secret replication peers share; needed when Regions of the topology live in other processes */
  peerSecret?: string;
  /** days audit events are kept; 90 when absent, 0 for ever */
  auditRetentionDays?: number;
  /** the most a Region's audit trail may hold, in bytes; 1 GiB when absent, 0 no bound */
  auditMaxBytes?: number;
  /** permissive mode on an address other than loopback (a CI container network): the operator said so */
  permissiveOnNetwork?: boolean;
  /** serve HTTPS with this PEM certificate chain and key */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** PEM certificates https:// peers' certificates must chain to; Node's trust store when absent */
  peerCa?: string | Buffer;
  /**
   * the AWS Lambda API that runs rotation functions which are not built in (real Lambda, LocalStack,
   * the Runtime Interface Emulator); MERIDIAN_LAMBDA_ENDPOINT in env when absent
   */
  lambdaEndpoint?: string;
  /** every Region's store unless its topology entry names one (issue 14); SQLite in the data directory when absent */
  store?: StoreConfig;
  /**
   * One of several processes serving the same stores (`--workers`, issue 14). `writer`: the one
   * process that changes them, listening on `socketPath` (not the port) for what the workers pass
   * on; its admin key is made by bootstrapAdmin() once the workers hold the port. `worker`: answers
   * read-only calls itself and passes everything else to the writer; it runs no background work
   * and takes no lock (the writer holds the data directory's).
   */
  role?: { kind: "writer"; socketPath: string } | { kind: "worker"; writer: WriterLink };
}

export interface RunningServer {
  url: string;
  port: number;
  host: RegionHost;
  /** the bootstrap admin key when it was created by this start (shown once) */
  createdAdminKey?: { accessKeyId: string; secretAccessKey: string; fromEnv: boolean };
  /** a writer's: make the admin key once its workers hold the port (shown once; undefined when it existed) */
  bootstrapAdmin(): Promise<AdminKey>;
  close(): Promise<void>;
}

type AdminKey = RunningServer["createdAdminKey"];

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? makeLogger();
  const env = opts.env ?? process.env;
  const topology = opts.topology ?? defaultTopology;
  checkPermissiveHost(opts.auth, opts.host, opts.permissiveOnNetwork === true);
  const lock = opts.role?.kind === "worker" ? { release() {} } : lockDataDir(opts.dataDir);
  try {
    return await serve(opts, lock, { clock, log, env, topology });
  } catch (e) {
    lock.release();
    throw e;
  }
}

interface Basics {
  clock: Clock;
  log: Logger;
  env: NodeJS.ProcessEnv;
  topology: Topology;
}

async function serve(opts: ServerOptions, lock: Pick<DataDirLock, "release">, { clock, log, env, topology }: Basics): Promise<RunningServer> {
  const worker = opts.role?.kind === "worker" ? opts.role.writer : undefined;
  const socketPath = opts.role?.kind === "writer" ? opts.role.socketPath : undefined;
  const authMode = checkDataDirMode(opts.dataDir, opts.auth);
  const remoteTransport = opts.peerSecret
    ? makeHttpTransport({
        endpointOf: (region) => findRegion(topology, region)?.endpoint,
        peerSecret: opts.peerSecret,
        ca: opts.peerCa,
        log,
        self: opts.regions?.join(","),
      })
    : undefined;
  const host = await openRegionHost({
    topology,
    remoteTransport,
    dataDir: opts.dataDir,
    seal: opts.seal ?? makeSeal(readSealConfig(env), opts.dataDir, env),
    clock,
    timers: opts.timers,
    log,
    regions: opts.regions,
    auditRetentionDays: opts.auditRetentionDays,
    auditMaxBytes: opts.auditMaxBytes,
    lambda: lambdaSettings(opts.lambdaEndpoint ?? (env.MERIDIAN_LAMBDA_ENDPOINT || undefined), env),
    readOnly: worker !== undefined,
    // one process serving alone: no worker or writer beside it opens its stores (the data directory is locked)
    soleProcess: opts.role === undefined,
    store: opts.store,
  });
  if (!worker) authMode.record();
  // Every authenticated call, in every Region, is recorded in that Region's store. A Region taken
  // out of service answers its calls under way with its fault, which its log line already told.
  const audit = makeAuditTrail({
    storeOf: (region) => {
      const outage = host.outages.get(region);
      return outage ? { appendAuditEvents: () => Promise.reject(outage.fault) } : host.nodes.get(region)?.store;
    },
    onError: (e, region) => {
      if (e instanceof StoreFault) return;
      log.error("read events cannot be written: they are dropped until the trail can be written again", { region, cause: (e as Error).message });
    },
    onResumed: (region, lost) => log.info("read events are written again", { region, lost }),
  });
  const server = createEdgeServer({
    host,
    audit,
    services: jsonServices,
    auth: opts.auth,
    defaultAccountId: opts.accountId,
    now: () => clock.now(),
    log,
    peerSecret: opts.peerSecret,
    tls: socketPath ? undefined : opts.tls,
    writer: worker,
    trustForwarded: socketPath !== undefined,
  });
  try {
    if (socketPath) rmSync(socketPath, { force: true }); // a crashed writer's (the data directory is locked)
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      if (socketPath) server.listen(socketPath, () => resolve());
      else server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (e) {
    await host.close();
    throw e;
  }
  // The admin key is made only once the port is ours: a start that fails before it could print
  // the key (the port taken) must not keep a key nobody was shown (issue 12 item 5). A writer's
  // workers hold the port: it is made when they do (bootstrapAdmin below).
  const bootstrapAdmin = async (): Promise<AdminKey> => {
    try {
      return await host.identity.bootstrapAdmin(opts.accountId, env);
    } catch (e) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await host.close();
      throw e;
    }
  };
  const createdAdminKey = opts.role ? undefined : await bootstrapAdmin();
  const port = socketPath ? opts.port : (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `${opts.tls ? "https" : "http"}://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}`,
    port,
    host,
    createdAdminKey,
    bootstrapAdmin,
    close() {
      closing ??= (async () => {
        // Stop accepting, let in-flight requests finish, then close the stores.
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await audit.flush();
        await host.close();
        lock.release();
      })();
      return closing;
    },
  };
}

/**
 * How rotation functions are invoked: the endpoint for every Region (a Region's lambdaEndpoint in
 * the topology wins), and the credentials Invoke is signed with (MERIDIAN_LAMBDA_ACCESS_KEY_ID/
 * SECRET_ACCESS_KEY, else AWS_ACCESS_KEY_ID/SECRET_ACCESS_KEY, else LocalStack's "test", which an
 * emulator accepts).
 */
function lambdaSettings(endpoint: string | undefined, env: NodeJS.ProcessEnv): Omit<LambdaSettings, "endpoint"> & { endpoint?: string } {
  const accessKeyId = env.MERIDIAN_LAMBDA_ACCESS_KEY_ID || env.AWS_ACCESS_KEY_ID || "test";
  const secretAccessKey = env.MERIDIAN_LAMBDA_SECRET_ACCESS_KEY || env.AWS_SECRET_ACCESS_KEY || "test";
  const sessionToken = env.MERIDIAN_LAMBDA_ACCESS_KEY_ID ? env.MERIDIAN_LAMBDA_SESSION_TOKEN : env.AWS_SESSION_TOKEN;
  return { endpoint, credentials: { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined } };
}
