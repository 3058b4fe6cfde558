// A Region's part in replication: its transport key pair (values are sealed to its public key),
// the receiver that applies what primaries send, the outbox worker that sends this Region's
// changes, and the anti-entropy pass that re-offers every replica its primary's newest state.

import type { KeyObject } from "node:crypto";
import type { KeyService } from "../kms/key-service.js";
import type { RegionWrapper } from "../kms/root-key.js";
import type { SecretsReplication } from "../secrets/secrets-core.js";
import type { RegionStore } from "../store/store.js";
import type { Clock, Timers } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import { makeOutboxWorker } from "./outbox-worker.js";
import { makeReplicaApplier } from "./replica-apply.js";
import { exportPrivateKey, importPrivateKey, newTransportKeyPair } from "./sealed-transfer.js";
import { createPublicKey } from "node:crypto";
import type { ReplicationReceiver, ReplicationTransport } from "./transport.js";
import { makeReplicationMetrics } from "./replication-metrics.js";
import { openKeyReplication } from "./key-replication.js";
import { isKeyMessage } from "./key-messages.js";
import { isIdentityMessage, type IdentityMessage } from "./identity-messages.js";
import type { ApplyOutcome } from "./replication-types.js";

export interface RegionReplicationDeps {
  region: string;
  store: RegionStore;
  keys: KeyService;
  wrapper: RegionWrapper;
  clock: Clock;
  /** what the outbox worker's probes are scheduled with; the system's timers when absent */
  timers?: Timers;
  log: Logger;
  transport: ReplicationTransport;
  partitionOf(region: string): string | undefined;
  isEnabled(accountId: string, region: string): Promise<boolean>;
  /** resolves once every hosted store's committed changes are on disk (undefined when they are) */
  whenDurable(): Promise<void> | undefined;
  /** apply a partition's identities sent by its home Region's process, opened with this Region's transport key */
  applyIdentity?(message: IdentityMessage, transportKey: KeyObject): Promise<ApplyOutcome>;
}

const TRANSPORT_KEY = "replication-transport-key";

async function loadTransportKey(store: RegionStore, wrapper: RegionWrapper): Promise<KeyObject> {
  const stored = await store.getMeta(TRANSPORT_KEY);
  if (stored) return importPrivateKey(wrapper.unwrap(Buffer.from(stored, "base64"), TRANSPORT_KEY));
  const { privateKey } = newTransportKeyPair();
  await store.putMeta(TRANSPORT_KEY, wrapper.wrap(exportPrivateKey(privateKey), TRANSPORT_KEY).toString("base64"));
  return privateKey;
}

export async function openRegionReplication(deps: RegionReplicationDeps) {
  const privateKey = await loadTransportKey(deps.store, deps.wrapper);
  const publicKey = createPublicKey(privateKey);
  const apply = makeReplicaApplier({
    region: deps.region,
    store: deps.store,
    keys: deps.keys,
    transportKey: () => privateKey,
    isEnabled: (accountId) => deps.isEnabled(accountId, deps.region),
    partitionOf: deps.partitionOf,
    clock: deps.clock,
  });
  const metrics = makeReplicationMetrics({ region: deps.region, store: deps.store, clock: deps.clock });
  const worker = makeOutboxWorker({
    metrics,
    region: deps.region,
    store: deps.store,
    keys: deps.keys,
    transport: deps.transport,
    clock: deps.clock,
    timers: deps.timers,
    log: deps.log,
  });

  const keyReplication = openKeyReplication({
    ...deps,
    transportKey: () => privateKey,
    isEnabled: (accountId) => deps.isEnabled(accountId, deps.region),
    notify: (m) => worker.notify(m),
  });
  const receiver: ReplicationReceiver = {
    apply: async (m) => {
      // The sender forgets a change once acknowledged: it must be on disk first. A secret's or a
      // key's change is in this Region's store; identities are in the partition's home store.
      if (isIdentityMessage(m)) {
        const outcome: ApplyOutcome = deps.applyIdentity ? await deps.applyIdentity(m, privateKey) : { status: "Failed", message: "no identities here" };
        await deps.whenDurable();
        return outcome;
      }
      const outcome = isKeyMessage(m) ? await keyReplication.apply(m) : await apply(m);
      await deps.store.whenDurable();
      return outcome;
    },
    publicKey: () => publicKey,
  };

  const forSecrets: SecretsReplication = {
    partitionOf: deps.partitionOf,
    kick: () => worker.kick(),
    notifyPromoted(record, oldPrimaryRegion) {
      const primaryArn = record.arn.split(":").map((part, i) => (i === 3 ? oldPrimaryRegion : part)).join(":");
      // Best effort: the old primary also learns it from this Region's refusal of its next delivery.
      worker.notify({ kind: "promoted", source: deps.region, dest: oldPrimaryRegion, accountId: record.accountId, primaryArn });
    },
  };

  /** Offer every replica its primary's newest state again; applying the same revision is a no-op. */
  async function antiEntropy() {
    const now = deps.clock.now();
    for (const { arn, region } of await deps.store.trackedReplicas()) {
      const record = await deps.store.findSecretByArn(arn);
      if (!record?.replicas?.some((r) => r.region === region)) continue;
      await deps.store.enqueueOutbox({ arn, region, accountId: record.accountId, op: "sync", revision: record.revision }, now);
    }
    worker.kick();
    await keyReplication.antiEntropy();
  }

  return { receiver, forSecrets, forKeys: keyReplication.forKms, worker, antiEntropy, metrics };
}

export type RegionReplication = Awaited<ReturnType<typeof openRegionReplication>>;
