// A process hosting one or many Regions (DESIGN §3): opens each Region's node, the per-partition
// credentials and opt-in state, the global services (Account), and starts each Region's background
// jobs. The edge asks it for the node of a request's Region.

import { createHmac, hkdfSync } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { sameCheckValue } from "../kms/root-key.js";
import { allRegions, findRegion, partitionOf, type RegionInfo, type Topology } from "../config/topology.js";
import { identityPlaces } from "../config/identity-home.js";
import { makeInProcessTransport } from "../replication/in-process-transport.js";
import type { ReplicationTransport } from "../replication/transport.js";
import type { Logger } from "../util/logger.js";
import { makeIdentityDirectory, type IdentityDirectory } from "../identity/directory.js";
import { makeSessionTokens, type SessionTokens } from "../identity/sessions.js";
import { makeIdentitySync, type IdentitySync } from "../identity/identity-sync.js";
import type { IdentityMessage } from "../replication/identity-messages.js";
import type { ApplyOutcome } from "../replication/replication-types.js";
import type { KeyObject } from "node:crypto";
import { makeRegionOptIns, type OptInStatuses } from "../account/region-opt-ins.js";
import { makeAccountService } from "../account/account-service.js";
import type { AnyOperationTable } from "../contract/call-context.js";
import type { AccessDescriber } from "../contract/access-request.js";
import { describeAccountAccess } from "../account/account-access.js";
import { makeIamService } from "../iam/iam-service.js";
import { makeStsService } from "../sts/sts-service.js";
import type { Seal } from "../seal/seal.js";
import { systemTimers, type Clock, type Timers } from "../util/clock.js";
import { openRegionNode, type RegionNode } from "./region-node.js";
import { StoreFault } from "../store/store-fault.js";
import type { StoreConfig } from "../store/make-store.js";
import { makeRegionOutages, type RegionOutage } from "./region-outages.js";
import { prepareRestored, reconcileRestored, restoredRegions } from "./after-restore.js";
import type { LambdaSettings } from "../rotation/lambda-invoke.js";

export interface HostOptions {
  topology: Topology;
  dataDir: string;
  seal: Seal;
  clock: Clock;
  /** what background jobs are scheduled with; the system's timers when absent */
  timers?: Timers;
  log: Logger;
  /** how replication reaches Regions this process does not host; in-process only when absent */
  remoteTransport?: ReplicationTransport;
  /** Regions to host; all of the topology's when absent */
  regions?: string[];
  /**
   * the period of each Region's background jobs (purge of deleted secrets, KMS key deletion and
   * rotation, audit retention); anti-entropy runs every fifth period. 60 s when absent
   */
  sweepIntervalMs?: number;
  /** how long enabling or disabling an opt-in Region takes (by the clock); 1 s when absent */
  regionOptInDelayMs?: number;
  /** how long audit events are kept, in days; 90 (CloudTrail's event history) when absent, 0 for ever */
  auditRetentionDays?: number;
  /** the most a Region's audit trail may hold (bytes of events), oldest removed first; 1 GiB when absent, 0 no bound */
  auditMaxBytes?: number;
  /**
   * where the hosted Regions invoke rotation functions that are not built in (issue 13): the
   * endpoint for every Region (--lambda-endpoint), unless the topology gives one for the Region
   * (lambdaEndpoint), and the credentials Invoke is signed with
   */
  lambda?: Omit<LambdaSettings, "endpoint"> & { endpoint?: string };
  /**
   * a worker process beside the writer (issue 14): it reads the stores and answers read-only calls,
   * and starts no background work (jobs, outbox, opt-in transitions) and records nothing at start
   */
  readOnly?: boolean;
  /** the store of every hosted Region whose topology entry names none; SQLite in the data directory when absent */
  store?: StoreConfig;
  /** no other process opens this process's stores (one process serving, not a writer with workers) */
  soleProcess?: boolean;
}

/** Anti-entropy runs once every this many periods of the other jobs (every fifth minute by default). */
const ANTI_ENTROPY_PERIODS = 5;
const DEFAULT_AUDIT_MAX_BYTES = 1024 * 1024 * 1024;

export interface RegionHost {
  /** the hosted Regions in service */
  nodes: Map<string, RegionNode>;
  /**
   * hosted Regions out of service until the operator restores their store: found at start, or
   * taken out when their store met damage while serving. Their calls answer the fault; the others serve.
   */
  outages: ReadonlyMap<string, RegionOutage>;
  /** each partition's accounts, IAM entities and access keys */
  identity: IdentityDirectory;
  /** each partition's sealer of temporary credentials */
  sessions: Map<string, SessionTokens>;
  node(region: string): RegionNode | undefined;
  /** opt-in Regions refuse an account's requests until it enables them */
  isEnabled(accountId: string, region: string): Promise<boolean>;
  /** operation tables of the global services (answered for a partition, not a Region), by signing name */
  globalServices: Record<string, AnyOperationTable>;
  /** how each global service describes its calls to the policy engine */
  globalAccess: Record<string, AccessDescriber>;
  /**
   * where a partition's global services run and write (its home Region, or the stand-in hosted
   * here), and whose store holds its identities; it may be out of service (`outages`)
   */
  homeRegionOf(partition: string): string;
  /** finish every opt-in Region transition under way (ENABLING → ENABLED, DISABLING → DISABLED) now */
  settleRegionOptIns(): Promise<void>;
  /** resolves once every hosted Region's committed changes are on disk; undefined when they are */
  whenDurable(): Promise<void> | undefined;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function openRegionHost(opts: HostOptions): Promise<RegionHost> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const restoredNames = restoredRegions(opts.dataDir); // a restore cut short is refused before anything is opened
  const rootKey = await opts.seal.loadRootKey();
  refuseOtherRootKey(opts.dataDir, rootKey, opts.seal.description);
  const wanted = allRegions(opts.topology).filter((r) => !opts.regions || opts.regions.includes(r.name));
  const hosted = new Set(wanted.map((r) => r.name));
  const nodes = new Map<string, RegionNode>();
  const { outages, takeOut, closeRetired } = makeRegionOutages(nodes, opts.log);
  // Replication between hosted Regions goes through the in-process transport; others, if any,
  // through the remote one. Either way the messages are the same.
  const local = makeInProcessTransport((region) => nodes.get(region)?.replication.receiver);
  const transport: ReplicationTransport = {
    send: (m) => (nodes.has(m.dest) || !opts.remoteTransport ? local.send(m) : opts.remoteTransport.send(m)),
    publicKeyOf: (r) => (nodes.has(r) || !opts.remoteTransport ? local.publicKeyOf(r) : opts.remoteTransport.publicKeyOf(r)),
    probe: (r) => (nodes.has(r) || !opts.remoteTransport ? local.probe(r) : opts.remoteTransport.probe(r)),
  };
  // Identities sent by a partition's home Region reach the directory, made once the Regions are open.
  let identitySync: IdentitySync | undefined;
  const everyMs = opts.sweepIntervalMs ?? 60_000;
  const environment = {
    timers: opts.timers ?? systemTimers,
    jobSettings: {
      everyMs,
      antiEntropyEveryMs: ANTI_ENTROPY_PERIODS * everyMs,
      auditRetentionDays: opts.auditRetentionDays ?? 90,
      auditMaxBytes: opts.auditMaxBytes ?? DEFAULT_AUDIT_MAX_BYTES,
    },
    applyIdentity: async (m: IdentityMessage, key: KeyObject): Promise<ApplyOutcome> =>
      identitySync ? identitySync.apply(m, key) : { status: "Failed", message: "identities not loaded yet" },
    clock: opts.clock,
    log: opts.log,
    storeConfig: opts.store,
    soleProcess: opts.soleProcess,
    transport,
    partitionOf: (region: string) => findRegion(opts.topology, region)?.partition,
    isEnabled: (accountId: string, region: string) => host.isEnabled(accountId, region),
    whenDurable: () => host.whenDurable(),
    onStoreFault: takeOut,
  };
  const lambdaEndpointOf = (info: RegionInfo) => info.lambdaEndpoint ?? opts.lambda?.endpoint;
  try {
    for (const info of wanted) {
      try {
        const lambdaEndpoint = lambdaEndpointOf(info);
        const lambda = opts.lambda && lambdaEndpoint ? { ...opts.lambda, endpoint: lambdaEndpoint } : undefined;
        nodes.set(info.name, await openRegionNode(info, opts.dataDir, rootKey, { ...environment, lambda }));
      } catch (e) {
        if (!(e instanceof StoreFault)) throw e;
        takeOut(info, e);
      }
    }
    // With nothing to serve, a start that fails says why better than a server that answers errors.
    if (nodes.size === 0 && outages.size > 0) throw new Error([...outages.values()].map((o) => o.fault.message).join("; "));
  } catch (e) {
    for (const n of nodes.values()) await n.close();
    throw e;
  }
  if (!opts.readOnly) recordRootKey(opts.dataDir, rootKey);
  const sessions = new Map(
    opts.topology.partitions.map((p) => [p.name, makeSessionTokens(Buffer.from(hkdfSync("sha256", rootKey, p.name, "meridian-sts-session-tokens", 32)))]),
  );
  rootKey.fill(0);

  // Identity data lives in each partition's home Region (or the first hosted one of the partition).
  // A Region holding them but out of service takes its partition's identities with it: no other
  // Region stands in, which would make a second, diverging set.
  const places = identityPlaces(opts.topology, (r) => hosted.has(r));
  const identityNodes = places
    .map((place) => nodes.get(place.region))
    .filter((n): n is RegionNode => n !== undefined);
  const identity = makeIdentityDirectory(
    identityNodes.map((n) => ({ partition: n.info.partition, store: n.store, wrapper: n.wrapper })),
    opts.clock,
  );
  await identity.load();
  // Opt-in statuses are the accounts' data too: they travel with the identities.
  const sync = makeIdentitySync({
    readOnly: opts.readOnly,
    topology: opts.topology,
    directory: identity,
    transport,
    hosts: (r) => hosted.has(r),
    clock: opts.clock,
    log: opts.log,
    optIns: { statuses: (p) => optIns.statuses(p), replaceStatuses: (p, s) => optIns.replaceStatuses(p, s as OptInStatuses) },
  });
  identitySync = sync;
  const homeOf = (partition: string) => identityNodes.find((n) => n.info.partition === partition);
  const optIns = makeRegionOptIns({
    topology: opts.topology,
    homeOf,
    holderOf: (region) => nodes.get(region),
    clock: opts.clock,
    delayMs: opts.regionOptInDelayMs ?? 1_000,
    log: opts.log,
    followedHome: (partition) => (identity.partition(partition)?.isFollower() ? partitionOf(opts.topology, partition).homeRegion : undefined),
    onChange: (partition) => sync.changed(partition),
  });
  if (!opts.readOnly) await optIns.resume();
  const account = makeAccountService({ optIns });
  const [iam, sts] = [makeIamService({ identity, clock: opts.clock }), makeStsService({ identity, sessions, clock: opts.clock })];

  const stores = [...nodes.values()].map((n) => n.store); // asked before every response
  const host: RegionHost = {
    nodes,
    outages,
    identity,
    sessions,
    node: (region) => nodes.get(region),
    async isEnabled(accountId, region) {
      return nodes.has(region) && optIns.isEnabled(accountId, region);
    },
    globalServices: { account: account.operations, iam: iam.operations, sts: sts.operations },
    globalAccess: { account: describeAccountAccess, iam: iam.access, sts: sts.access },
    homeRegionOf: (partition) => places.find((p) => p.partition === partition)?.region ?? partition,
    settleRegionOptIns: () => optIns.settle(),
    whenDurable() {
      let pending: Promise<void>[] | undefined;
      for (const store of stores) {
        const p = store.whenDurable();
        if (p) (pending ??= []).push(p);
      }
      return pending && Promise.all(pending).then(() => undefined);
    },
    async reset() {
      for (const n of nodes.values()) await n.reset();
    },
    async close() {
      await Promise.all([...nodes.values()].map((n) => n.jobs.close()));
      identitySync?.close();
      await optIns.close();
      await Promise.all([...nodes.values()].map((n) => n.replication.worker.stop()));
      for (const n of nodes.values()) await n.close();
      await closeRetired();
    },
  };
  // Deletion windows, key rotations and the rest that came due while the process was down are
  // handled at start, before serving; then each job on its period. The runners and the outbox
  // workers start only once every Region is open (anti-entropy sends to the others) and the host
  // they ask (isEnabled, whenDurable) exists: started earlier, a delivery at start met it
  // uninitialised ("Cannot access 'host' before initialization", issue 12 item 6).
  if (opts.readOnly) return host;
  const restored = await prepareRestored(
    [...nodes.values()].filter((n) => restoredNames.includes(n.info.name)),
    opts.clock,
    opts.log,
  );
  for (const n of nodes.values()) await n.recoverStacks();
  for (const n of nodes.values()) await n.jobs.start();
  for (const n of nodes.values()) n.replication.worker.start();
  reconcileRestored(opts.dataDir, restored, opts.log);
  return host;
}

// Each Region's store also holds a check value, but opening a SQLite store to read it already
// changes its files (closing checkpoints the WAL). A check file beside the stores lets a wrong root
// key be refused before any store is opened, so the data directory stays byte for byte as it was.
export const ROOT_KEY_CHECK_FILE = "root-key.check";

function rootKeyCheck(rootKey: Buffer): string {
  const key = Buffer.from(hkdfSync("sha256", rootKey, "meridian-data-directory", "root-key-check", 32));
  return createHmac("sha256", key).update("meridian-root-key-check").digest("hex");
}

/** Whether `rootKey` is the one that sealed the data directory's stores; undefined when no check file says (`meridian restore`). */
export function matchesRootKeyCheck(dataDir: string, rootKey: Buffer): boolean | undefined {
  const file = join(dataDir, ROOT_KEY_CHECK_FILE);
  return existsSync(file) ? sameCheckValue(readFileSync(file, "utf8").trim(), rootKeyCheck(rootKey)) : undefined;
}

function refuseOtherRootKey(dataDir: string, rootKey: Buffer, source: string): void {
  const file = join(dataDir, ROOT_KEY_CHECK_FILE);
  if (!existsSync(file)) return; // a new data directory, or one from before the check file: the stores check
  if (!sameCheckValue(readFileSync(file, "utf8").trim(), rootKeyCheck(rootKey))) {
    rootKey.fill(0);
    throw new Error(`the root key from ${source} is not the one that sealed the stores in ${dataDir}; nothing was changed`);
  }
}

function recordRootKey(dataDir: string, rootKey: Buffer): void {
  const file = join(dataDir, ROOT_KEY_CHECK_FILE);
  if (existsSync(file)) return;
  // Whole or not at all: a torn check file would lock the data directory out for good.
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, "w", 0o600);
  try {
    writeSync(fd, rootKeyCheck(rootKey) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
