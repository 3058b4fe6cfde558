// One Region: its own store, key service and secrets service, replication, and its runner of
// background jobs (jobs/region-jobs.ts). A Region never reads another Region's store.

import type { RegionInfo } from "../config/topology.js";
import { holdStore, openStore, regionStoreConfig, type StoreConfig } from "../store/make-store.js";
import type { RegionStore } from "../store/store.js";
import type { StoreFault } from "../store/store-fault.js";
import { makeRegionWrapper, sameCheckValue, type RegionWrapper } from "../kms/root-key.js";
import { makeKeyService, type KeyService } from "../kms/key-service.js";
import { makeSecretsService } from "../secrets/secrets-service.js";
import { makeKmsService } from "../kms/kms-service.js";
import type { AnyOperationTable } from "../contract/call-context.js";
import { reportingUnreadablePolicies, type AccessDescriber } from "../contract/access-request.js";
import { makeUnreadablePolicyLog } from "../policy/policy-cache.js";
import { describeSecretsAccess } from "../secrets/secrets-access.js";
import { describeKmsAccess } from "../kms/kms-access.js";
import type { Clock, Timers } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import type { ReplicationTransport } from "../replication/transport.js";
import { openRegionReplication, type RegionReplication, type RegionReplicationDeps } from "../replication/region-replication.js";
import { makeJobRunner, type JobRunner } from "./jobs/job-runner.js";
import { regionJobs, type RegionJobSettings } from "./jobs/region-jobs.js";
import { makeRotationEngine, type RotationEngine } from "../rotation/rotation-engine.js";
import type { LambdaSettings } from "../rotation/lambda-invoke.js";
import type { SecretRecord } from "../contract/secret-types.js";
import { makeCloudFormationService } from "../cloudformation/cloudformation-service.js";
import { describeCloudFormationAccess } from "../cloudformation/cloudformation-access.js";

export interface RegionNode {
  info: RegionInfo;
  store: RegionStore;
  wrapper: RegionWrapper;
  keys: KeyService;
  /** operation tables by signing name ("secretsmanager", "kms", …) */
  services: Record<string, AnyOperationTable>;
  /** how each service describes its calls to the policy engine, by signing name */
  access: Record<string, AccessDescriber>;
  replication: RegionReplication;
  /** the Region's background jobs: registered here, started by the host once every Region is open */
  jobs: JobRunner;
  /** secret rotation: the four-step protocol and its scheduler (a job on `jobs`) */
  rotation: RotationEngine;
  /** stacks a stopped process left in progress are marked failed (the writer calls it once at start) */
  recoverStacks(): Promise<number>;
  /** forget every secret and key (permissive-mode reset) */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const ROOT_CHECK = "root-key-check";

/** What a Region needs from the process that hosts it. */
export interface RegionEnvironment {
  clock: Clock;
  /** what the background jobs are scheduled with */
  timers: Timers;
  jobSettings: RegionJobSettings;
  log: Logger;
  transport: ReplicationTransport;
  partitionOf(region: string): string | undefined;
  isEnabled(accountId: string, region: string): Promise<boolean>;
  /** where identities sent by a partition's home Region are applied (the host's directory) */
  applyIdentity?: RegionReplicationDeps["applyIdentity"];
  whenDurable: RegionReplicationDeps["whenDurable"];
  /** where rotation functions that are not built in are invoked (issue 13); absent: none configured */
  lambda?: LambdaSettings;
  /** the store of every Region whose topology entry names none (`--store`); SQLite in the data directory when absent */
  storeConfig?: StoreConfig;
  /** this process alone opens the Region's store (no worker processes beside it): see StorePlace.sole */
  soleProcess?: boolean;
  /** the Region's store met damage while serving: called once, to take the Region out of service */
  onStoreFault?(info: RegionInfo, fault: StoreFault): void;
}

/**
 * Open a Region's store with the wrapper the root key gives it; a store sealed by another root key
 * is closed again and refused, changed in nothing (a new store records the root key's check value).
 * `onFault` hears of damage the store meets later (it is guarded, make-store.ts).
 */
export async function openSealedStore(
  region: string,
  dataDir: string,
  rootKey: Buffer,
  opts: { log?: Logger; onFault?: (fault: StoreFault) => void; store?: StoreConfig; sole?: boolean } = {},
): Promise<{ store: RegionStore; wrapper: RegionWrapper }> {
  const store = await openStore({ dataDir, region, log: opts.log, sole: opts.sole }, opts.store, opts.onFault);
  try {
    const wrapper = makeRegionWrapper(rootKey, region);
    const check = await store.getMeta(ROOT_CHECK);
    if (check === undefined) {
      await store.putMeta(ROOT_CHECK, wrapper.checkValue());
    } else if (!sameCheckValue(check, wrapper.checkValue())) {
      throw new Error(`the root key does not match the one that sealed Region ${region}'s store; nothing was changed`);
    }
    return { store, wrapper };
  } catch (e) {
    // a StoreFault met on the way (or a wrong root key): the store is closed, the caller decides
    await store.close().catch(() => undefined);
    throw e;
  }
}

export async function openRegionNode(info: RegionInfo, dataDir: string, rootKey: Buffer, env: RegionEnvironment): Promise<RegionNode> {
  const config = regionStoreConfig(info, env.storeConfig);
  // Held as served for as long as the Region is: `meridian admin reset-key` refuses a store that
  // any node serves (for PostgreSQL, nodes on other machines), and a start waits for one under way.
  const giveUp = await holdStore({ dataDir, region: info.name, log: env.log }, config, "serving");
  try {
    const { store, wrapper } = await openSealedStore(info.name, dataDir, rootKey, {
      log: env.log,
      onFault: (fault) => env.onStoreFault?.(info, fault),
      store: config,
      sole: env.soleProcess,
    });
    try {
      const node = await wireRegion(info, store, wrapper, env);
      return {
        ...node,
        async close() {
          await node.close();
          await giveUp();
        },
      };
    } catch (e) {
      await store.close().catch(() => undefined);
      throw e;
    }
  } catch (e) {
    await giveUp();
    throw e;
  }
}

async function wireRegion(info: RegionInfo, store: RegionStore, wrapper: RegionWrapper, env: RegionEnvironment): Promise<RegionNode> {
  const { clock } = env;
  const keys = makeKeyService({ store, region: info.name, partition: info.partition, wrapper, clock });
  const replication = await openRegionReplication({ region: info.name, store, keys, wrapper, ...env });
  // the engine calls the secrets service's operations, and RotateSecret starts the engine
  const starter = {
    start: (arn: string, token: string) => rotation.start(arn, token),
    canInvoke: (lambdaArn: string, secret: SecretRecord) => rotation.canInvoke(lambdaArn, secret),
    test: (arn: string, token: string) => rotation.test(arn, token),
    abandoned: (secret: SecretRecord) => rotation.abandoned(secret),
  };
  const secrets = makeSecretsService({ store, keys, clock, replication: replication.forSecrets, rotation: starter });
  const rotation = makeRotationEngine({
    region: info.name,
    secrets: secrets.rotation,
    operations: secrets.operations,
    lambda: env.lambda,
    // every account with a secret here, keys or not (a secret without a value has no data key)
    accounts: () => store.secretAccounts(),
    appendAuditEvents: (events) => store.appendAuditEvents(events),
    clock,
    log: env.log,
  });
  const kms = makeKmsService({ keys, store, clock, keyReplication: replication.forKeys });
  const cloudformation = makeCloudFormationService({ store, sealer: wrapper, region: info.name, partition: info.partition, now: () => clock.now(), log: env.log });
  const unreadable = makeUnreadablePolicyLog(env.log);
  const jobs = makeJobRunner({ region: info.name, store, clock, timers: env.timers, log: env.log });
  const onTrailFull = (removed: number) =>
    env.log.info("the audit trail is at its size bound: the oldest events are removed as new ones come (--audit-max-mib)", { region: info.name, removed });
  for (const job of regionJobs({ secrets, kms, replication, store, rotation, onTrailFull }, env.jobSettings)) jobs.add(job);
  return {
    info,
    store,
    wrapper,
    keys,
    services: { secretsmanager: secrets.operations, kms: kms.operations, cloudformation: cloudformation.operations },
    access: {
      secretsmanager: reportingUnreadablePolicies(describeSecretsAccess(store, keys), unreadable),
      kms: reportingUnreadablePolicies(describeKmsAccess(keys), unreadable),
      cloudformation: describeCloudFormationAccess,
    },
    recoverStacks: () => cloudformation.recoverInterrupted(),
    replication,
    jobs,
    rotation,
    async reset() {
      await store.wipe();
      keys.clearCaches();
    },
    async close() {
      await jobs.close();
      await rotation.stop();
      await replication.worker.stop();
      await store.close();
    },
  };
}
