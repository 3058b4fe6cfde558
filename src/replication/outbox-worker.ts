// The sending side of replication (DESIGN §5.2, §5.5): a worker per Region drains the outbox. For
// each entry it sends the replica Region the secret's newest state with the values that Region
// lacks, sealed to it, and records the replica's status. A Region that refuses an entry has it
// retried with capped exponential backoff and jitter; a Region that does not answer at all is
// probed on a short fixed interval instead, and its entries are all due again once it answers. A
// change is woken up at once, the outbox is also polled.

import type { KeyService } from "../kms/key-service.js";
import { openValue } from "../secrets/envelope.js";
import type { SecretRecord } from "../contract/secret-types.js";
import { randomUUID } from "node:crypto";
import { StoreConflict, type OutboxEntry, type ReplicationRepo, type SecretRepo } from "../store/store.js";
import { systemTimers, type Cancel, type Clock, type Timers } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import { sealForRegion, valueAad } from "./sealed-transfer.js";
import { NAME_TAKEN, PeerSecretRefused, RegionUnreachable, type ApplyOutcome, type ReplicationMessage, type SyncMessage } from "./replication-types.js";
import type { ReplicaStatus } from "../contract/replication-records.js";
import type { ReplicationTransport } from "./transport.js";
import { markArrival } from "../store/arrivals.js";
import type { ReplicationMetrics } from "./replication-metrics.js";

export interface WorkerDeps {
  region: string;
  store: SecretRepo & ReplicationRepo;
  keys: Pick<KeyService, "decrypt">;
  transport: ReplicationTransport;
  clock: Clock;
  log: Logger;
  metrics?: ReplicationMetrics;
  /** deliveries in flight at once (different secrets; one secret's deliveries stay in order) */
  concurrency?: number;
  pollIntervalMs?: number;
  /** what the probes of a Region that does not answer are scheduled with; the system's timers when absent */
  timers?: Timers;
  /** how often a Region that does not answer is probed; PROBE_INTERVAL_MS when absent */
  probeIntervalMs?: number;
}

const BATCH = 200;
/**
 * How long a claimed entry stays this worker's (issue 11 item 5): other nodes sharing the store skip
 * it meanwhile. Long enough for a batch to be delivered; if this node dies, its entries wait this
 * long before another node takes them. A lease that runs out under a slow delivery only risks a
 * second delivery, which replicas apply idempotently. Each refill renews this worker's leases.
 */
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;
/**
 * A Region that does not answer (its process down, the network cut) is asked again this often, with
 * one small request rather than its queued deliveries: a peer that comes back is noticed within
 * about a second, whatever the length of the outage (issue 12 item 8: with the backoff it took up
 * to 45 s).
 */
const PROBE_INTERVAL_MS = 1_000;

function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 200 * 2 ** Math.min(attempts, 10));
  return Math.round(base * (0.5 + random()));
}

export function makeOutboxWorker(deps: WorkerDeps) {
  const { region, store, transport, clock } = deps;
  const concurrency = deps.concurrency ?? 32;
  // who holds this worker's leases: a fresh id per worker, so a restarted node is a new claimer
  const owner = randomUUID();
  let running = false;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const idle: (() => void)[] = [];
  // lanes waiting for work while other lanes deliver (see drainDue)
  let wakers: (() => void)[] = [];
  const wake = () => {
    const waiting = wakers;
    wakers = [];
    for (const resolve of waiting) resolve();
  };
  const notices = new Set<Promise<unknown>>();

  async function sealedValues(record: SecretRecord, dest: string, versionIds: Iterable<string>) {
    const destKey = await transport.publicKeyOf(dest);
    const out: SyncMessage["values"] = [];
    for (const versionId of versionIds) {
      const stored = await store.getValue(record.arn, versionId);
      if (!stored) continue;
      const value = await openValue(deps.keys, record.accountId, record.arn, stored);
      try {
        out.push({ versionId, kind: value.kind, sealed: sealForRegion(destKey, value.bytes, valueAad(record.arn, versionId, dest, record.revision)) });
      } finally {
        value.bytes.fill(0);
      }
    }
    return out;
  }

  /**
   * `fresh`: the Region has never applied this secret. Only then may it replace a same-named secret
   * (ForceOverwriteReplicaSecret); once it holds the replica, a secret there that stopped being the
   * replica was promoted, and a promoted secret is never overwritten.
   */
  async function syncMessage(record: SecretRecord, dest: string, fresh: boolean, have: Set<string>, forceIds?: string[]): Promise<SyncMessage> {
    const replica = record.replicas!.find((r) => r.region === dest)!;
    const wanted = forceIds ?? record.versions.map((v) => v.versionId).filter((id) => !have.has(id));
    return {
      kind: "sync",
      source: region,
      dest,
      accountId: record.accountId,
      primaryArn: record.arn,
      revision: record.revision,
      forceOverwrite: fresh && replica.forceOverwrite === true,
      kmsKeyId: replica.kmsKeyId,
      secret: {
        name: record.name,
        description: record.description,
        tags: record.tags,
        tagsSet: record.tagsSet,
        resourcePolicy: record.resourcePolicy,
        rotation: record.rotation,
        type: record.type,
        createdDate: record.createdDate,
        lastChangedDate: record.lastChangedDate,
        versions: record.versions.map((v) => ({ versionId: v.versionId, stages: v.stages, createdDate: v.createdDate })),
      },
      values: await sealedValues(record, dest, wanted),
    };
  }

  /** The old primary learns of a promotion by the replica's refusal: drop that Region. */
  async function dropReplica(arn: string, dest: string) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await store.findSecretByArn(arn);
      if (!record?.replicas?.some((r) => r.region === dest)) break;
      const replicas = record.replicas.filter((r) => r.region !== dest);
      try {
        await store.commitSecret({
          record: { ...record, replicas, primaryRegion: replicas.length ? record.primaryRegion : undefined, revision: record.revision + 1 },
          expectedRevision: record.revision,
          outbox: replicas.map((r) => ({ region: r.region, op: "sync" as const })),
          at: clock.now(),
        });
        break;
      } catch (e) {
        if (!(e instanceof StoreConflict)) throw e;
      }
    }
    await store.setReplicaStatus(arn, dest, undefined);
  }

  async function deliver(entry: OutboxEntry): Promise<void> {
    const dest = entry.region;
    if (entry.op === "remove") {
      await transport.send({ kind: "remove", source: region, dest, accountId: entry.accountId, primaryArn: entry.arn });
      await store.completeOutbox(entry);
      return;
    }
    const record = await store.findSecretByArn(entry.arn);
    if (!record || !record.replicas?.some((r) => r.region === dest)) {
      await store.completeOutbox(entry); // the secret or the Region left replication meanwhile
      return;
    }
    const statuses = await store.replicaStatuses(record.arn);
    const previous: ReplicaStatus | undefined = statuses[dest];
    const fresh = previous?.revision === undefined;
    const have = new Set(previous?.versions ?? []);
    let outcome: ApplyOutcome = await transport.send(await syncMessage(record, dest, fresh, have));
    if (outcome.status === "NeedValues") {
      // It lacks values it had (restored from a backup, say): send those with the ones the first
      // message carried, which it needs as well (a version made since).
      const sent = record.versions.map((v) => v.versionId).filter((id) => !have.has(id));
      outcome = await transport.send(await syncMessage(record, dest, fresh, new Set(), [...new Set([...sent, ...outcome.versionIds])]));
    }
    // A promoted copy in a Region this secret is only now being replicated to is just a secret that
    // holds the name there.
    if (outcome.status === "Promoted" && fresh) outcome = { status: "Failed", message: NAME_TAKEN };
    deps.metrics?.recordDelivery(dest, outcome.status, outcome.status === "InSync" && entry.queuedAt > 0 ? clock.now() - entry.queuedAt : undefined);
    if (outcome.status === "InSync") {
      await store.completeDelivery(entry, {
        status: "InSync",
        versions: outcome.versions,
        revision: record.revision,
        lastAccessedDate: outcome.lastAccessedDate,
      });
    } else if (outcome.status === "Promoted") {
      await dropReplica(record.arn, dest);
      await store.completeOutbox(entry);
    } else {
      const message = outcome.status === "Failed" ? outcome.message : `Unexpected answer ${outcome.status} from ${dest}.`;
      await store.failDelivery(entry, { ...previous, status: "Failed", statusMessage: message }, clock.now() + backoffMs(entry.attempts));
    }
  }

  // Regions that did not answer, each with its next probe (by the clock, and a timer for it). Their
  // entries wait (deferred with their own backoff) until a probe is answered, which makes them all
  // due at once.
  interface Silent {
    nextProbeAt: number;
    cancel: Cancel;
    probing?: Promise<void>;
  }
  const silent = new Map<string, Silent>();
  const timers = deps.timers ?? systemTimers;
  const probeIntervalMs = deps.probeIntervalMs ?? PROBE_INTERVAL_MS;
  const unreachableMessage = (dest: string) => `Region ${dest} is unreachable; retrying.`;

  function probeLater(dest: string) {
    if (stopped) return;
    silent.set(dest, { nextProbeAt: clock.now() + probeIntervalMs, cancel: timers.after(probeIntervalMs, () => probe(dest)) });
  }

  /** Ask `dest` now (one probe at a time): answered, its entries are due; silent, ask again later. */
  function probe(dest: string): Promise<void> | undefined {
    const state = silent.get(dest);
    if (stopped || !state) return undefined;
    state.cancel();
    state.probing ??= (async () => {
      try {
        await transport.probe(dest);
      } catch {
        deps.metrics?.recordProbe(dest, "Unreachable");
        if (silent.get(dest) === state) probeLater(dest);
        return;
      }
      deps.metrics?.recordProbe(dest, "Answered");
      await answered(dest);
    })();
    return state.probing;
  }

  /** `dest` answered again: everything queued for it is due now. */
  async function answered(dest: string) {
    if (!silent.has(dest)) return;
    silent.get(dest)!.cancel();
    silent.delete(dest);
    await store.retryRegionNow(dest, clock.now());
    if (!stopped) void run();
  }

  /** Defer the entry, its replica marked Failed with `message` (unless it already says so). */
  async function failAndDefer(entry: OutboxEntry, message: string, nextAttemptAt: number) {
    let status: ReplicaStatus | undefined;
    if (entry.op === "sync") {
      const previous = (await store.replicaStatuses(entry.arn))[entry.region];
      if (previous?.status !== "Failed" || previous.statusMessage !== message) status = { ...previous, status: "Failed", statusMessage: message };
    }
    await store.failDelivery(entry, status, nextAttemptAt);
  }

  async function attempt(entry: OutboxEntry) {
    const quiet = silent.get(entry.region);
    // A probe due by the clock goes now: its timer may lag a clock that was moved (or a machine
    // that slept), and the entry that came due is as good a moment to ask as any.
    if (quiet && !quiet.probing && clock.now() >= quiet.nextProbeAt) await probe(entry.region);
    if (silent.has(entry.region)) {
      await failAndDefer(entry, unreachableMessage(entry.region), clock.now() + backoffMs(entry.attempts));
      return;
    }
    try {
      await deliver(entry);
      // a delivery begun before its Region went silent got through: no need to wait for the probe
      if (silent.has(entry.region)) await answered(entry.region);
    } catch (e) {
      const unreachable = e instanceof RegionUnreachable;
      deps.metrics?.recordDelivery(entry.region, unreachable ? "Unreachable" : "Error");
      if (unreachable && !e.answered && !silent.has(entry.region)) probeLater(entry.region);
      // The transport reports a refused peer secret once, not per delivery.
      if (!unreachable && !(e instanceof PeerSecretRefused)) {
        deps.log.error("replication delivery failed", { arn: entry.arn, region: entry.region, error: (e as Error).message });
      }
      const message = unreachable
        ? unreachableMessage(entry.region)
        : e instanceof PeerSecretRefused
          ? `Region ${entry.region} refused this Region's peer secret; retrying.`
          : `Replication to ${entry.region} failed; retrying.`;
      await failAndDefer(entry, message, clock.now() + backoffMs(entry.attempts));
    }
  }

  /**
   * Deliver everything due with `concurrency` lanes. A lane takes the next entry as soon as it is
   * free (no batch waits for its slowest delivery); an entry for a secret and Region already in
   * flight waits for it, so one destination hears of one secret's changes in order.
   */
  async function drainDue() {
    const inFlight = new Set<string>();
    const keyOf = (e: OutboxEntry) => `${e.arn}\u0000${e.region}`;
    let queue: OutboxEntry[] = [];
    let refilling: Promise<void> | undefined;

    async function next(): Promise<OutboxEntry | undefined> {
      for (;;) {
        if (stopped) return undefined; // deliveries under way finish; nothing new is taken
        const e = queue.shift();
        if (e) {
          if (inFlight.has(keyOf(e))) continue;
          inFlight.add(keyOf(e)); // taken now, before any await, so no other lane thinks it idle
          return e;
        }
        refilling ??= (async () => {
          again = false;
          queue = (await store.claimOutbox(clock.now(), BATCH, LEASE_MS, owner)).filter((d) => !inFlight.has(keyOf(d)));
        })().finally(() => (refilling = undefined));
        await refilling;
        if (queue.length > 0) continue;
        // Nothing to take now. While other lanes deliver, wait for one of them to end or for a new
        // change, instead of leaving them to do all the work that arrives meanwhile.
        if (inFlight.size === 0) return undefined;
        await new Promise<void>((resolve) => wakers.push(resolve));
      }
    }

    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let e = await next(); e; e = await next()) {
          try {
            await attempt(e);
          } finally {
            inFlight.delete(keyOf(e));
            wake();
          }
        }
      }),
    );
    // stopped with entries claimed but not begun: give them back rather than strand them for a lease
    if (queue.length > 0) await store.releaseOutbox(queue.splice(0));
  }

  async function run() {
    markArrival(); // a pass reads what other processes may have changed meanwhile
    if (running) {
      again = true;
      wake();
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await drainDue();
      } while (again && !stopped);
    } finally {
      running = false;
      for (const resolve of idle.splice(0)) resolve();
      schedule();
    }
  }

  function schedule() {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), deps.pollIntervalMs ?? 1000);
    timer.unref();
  }

  return {
    /** a change was committed: deliver now */
    kick() {
      if (!stopped) void run();
    },
    start() {
      stopped = false;
      schedule();
    },
    /** stop taking entries; resolves when the deliveries and notices under way have ended */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const { cancel } of silent.values()) cancel();
      silent.clear();
      wake();
      if (running) await new Promise<void>((resolve) => idle.push(resolve));
      await Promise.all(notices);
    },
    /** send a one-off message outside the outbox (a promotion notice): best effort, no retry */
    notify(message: ReplicationMessage) {
      const sent: Promise<unknown> = transport.send(message).catch(() => undefined).finally(() => notices.delete(sent));
      notices.add(sent);
    },
    /** resolves when the worker has gone through the outbox once and sent its notices (tests, shutdown) */
    async settle() {
      await run();
      if (running) await new Promise<void>((resolve) => idle.push(resolve));
      await Promise.all(notices);
    },
  };
}
