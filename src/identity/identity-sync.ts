// Keeping every process of a partition on the same identities (DESIGN §6). The process hosting the
// partition's home Region owns them: after each change it sends each Region of the partition hosted
// elsewhere a whole copy, secret access keys sealed to that Region, and keeps sending it every few
// seconds to a Region that has not acknowledged the newest copy (it was down, or just started). Any
// other process follows: it refuses identity changes of its own and replaces its copy with each
// newer one it receives. Identities are small; a whole copy keeps the protocol free of ordering and
// conflicts. The accounts' opt-in Region statuses, also the home's, travel in the same copy.

import type { KeyObject } from "node:crypto";
import type { Topology } from "../config/topology.js";
import type { ReplicationTransport } from "../replication/transport.js";
import { PeerSecretRefused, type ApplyOutcome } from "../replication/replication-types.js";
import { openFromRegion, sealForRegion } from "../replication/sealed-transfer.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import { makeReportOnce } from "../util/report-once.js";
import type { IdentityDirectory } from "./directory.js";
import { accessKeyAad, type IdentityCopy, type IdentityMessage, type IdentityUseNotes } from "../replication/identity-messages.js";

export interface IdentitySyncDeps {
  topology: Topology;
  directory: IdentityDirectory;
  transport: ReplicationTransport;
  /** does this process host the Region? */
  hosts(region: string): boolean;
  clock: Clock;
  log: Logger;
  /** how long after a change the copy is sent (changes in between go together); 20 ms by default */
  debounceMs?: number;
  /** how often a Region behind is offered the copy again; 2 s by default */
  retryMs?: number;
  /**
   * a worker beside the writer (issue 14): it sends no copies of the partitions owned here (only the
   * writer, which makes every change, sends them, under its own epoch), only its keys' use notes
   */
  readOnly?: boolean;
  /** the accounts' opt-in statuses: read where the partition is owned, replaced where it is followed */
  optIns?: {
    statuses(partition: string): Promise<Record<string, string>>;
    replaceStatuses(partition: string, statuses: Record<string, string>): Promise<void>;
  };
}

const USE_DELAY_MS = 1_000;
/** opt-in statuses under which a Region holds the account's identities */
const HOLDING = new Set(["ENABLING", "ENABLED", "DISABLING"]);

export function makeIdentitySync(deps: IdentitySyncDeps) {
  const { topology, directory, transport, clock, log } = deps;
  const partitionOf = (name: string) => topology.partitions.find((p) => p.name === name);
  const homeOf = (partition: string) => partitionOf(partition)?.homeRegion;
  /** Regions of the partition another process serves (the topology gives them an endpoint) */
  const elsewhere = (partition: string) =>
    (partitionOf(partition)?.regions ?? []).filter((r) => !deps.hosts(r.name) && r.endpoint !== undefined).map((r) => r.name);
  /** This process owns a partition's identities unless its home Region is served by another one. */
  const owns = (partition: string) => {
    const home = homeOf(partition);
    return home !== undefined && !elsewhere(partition).includes(home);
  };
  const lastApplied = new Map<string, { epoch: number; seq: number }>();
  const epoch = clock.now();
  const timers = new Map<string, NodeJS.Timeout>();
  /** per owned partition: its count of changes (1 at start), and what each Region acknowledged */
  const changedAt = new Map<string, number>();
  const acknowledged = new Map<string, number>(); // key: partition + "\n" + Region
  let closed = false;
  /** deliveries that failed, told once until they work again */
  const notDelivered = makeReportOnce();

  // Partitions whose home Region is elsewhere: this process follows it; the others it owns.
  for (const p of topology.partitions) {
    const dir = directory.partition(p.name);
    if (!dir) continue;
    if (!owns(p.name)) {
      dir.follow(p.homeRegion);
      dir.onKeyUse((accessKeyId, lastUsed) => noteUse(p.name, accessKeyId, lastUsed));
    } else {
      changedAt.set(p.name, 1);
      dir.onChange(() => changed(p.name));
    }
  }
  // A follower tells the home which keys its Regions saw used, at most once a second per partition,
  // so that GetAccessKeyLastUsed answers for the whole partition.
  const uses = new Map<string, Map<string, IdentityUseNotes["uses"][number]>>();
  const useTimers = new Map<string, NodeJS.Timeout>();
  function noteUse(partition: string, accessKeyId: string, lastUsed: { date: number; region: string; service: string }) {
    let pending = uses.get(partition);
    if (!pending) uses.set(partition, (pending = new Map()));
    pending.set(accessKeyId, { accessKeyId, ...lastUsed });
    if (closed || useTimers.has(partition)) return;
    const timer = setTimeout(() => {
      useTimers.delete(partition);
      void sendUses(partition);
    }, USE_DELAY_MS);
    timer.unref();
    useTimers.set(partition, timer);
  }

  async function sendUses(partition: string) {
    const pending = uses.get(partition);
    const home = homeOf(partition);
    if (!pending?.size || !home) return;
    uses.delete(partition);
    const source = partitionOf(partition)?.regions.find((r) => deps.hosts(r.name))?.name ?? home;
    const notes: IdentityUseNotes = { kind: "identity-use", source, dest: home, partition, uses: [...pending.values()] };
    try {
      await transport.send(notes);
      notDelivered.recovered(`uses\n${partition}`);
    } catch (e) {
      // sent again with the next note, unless a newer use of the same key came meanwhile
      for (const use of notes.uses) if (!uses.get(partition)?.has(use.accessKeyId)) noteUse(partition, use.accessKeyId, use);
      if (!(e instanceof PeerSecretRefused) && notDelivered.failed(`uses\n${partition}`)) log.info("key use not delivered", { partition, reason: (e as Error).message });
    }
  }

  /** The partition's data changed here: a newer copy is due to every Region elsewhere. */
  function changed(partition: string) {
    if (!changedAt.has(partition)) return; // not owned here
    changedAt.set(partition, changedAt.get(partition)! + 1);
    schedule(partition);
  }
  const retry = deps.readOnly ? undefined : setInterval(() => void pushAll(), deps.retryMs ?? 2_000);
  retry?.unref();

  /** Send the whole copy to every Region of the partition another process hosts and that lacks it. */
  async function push(partition: string): Promise<void> {
    const dir = directory.partition(partition);
    const home = homeOf(partition);
    if (!dir || !home || !owns(partition) || deps.readOnly) return;
    // The count first, then the copy: a change made after it is sent again under a higher count.
    const seq = changedAt.get(partition) ?? 0;
    const { entities, keys } = dir.snapshot();
    const behind = (dest: string) => (acknowledged.get(`${partition}\n${dest}`) ?? -1) < seq;
    const remote = elsewhere(partition).filter(behind);
    if (remote.length === 0) return;
    const optIns = await deps.optIns?.statuses(partition);
    await Promise.all(
      remote.map(async (dest) => {
        // An opt-in Region holds an account's identities only while the account has it enabled
        // (DESIGN §6: enabling is that copy); the next copy after disabling withdraws them.
        const optIn = partitionOf(partition)?.regions.find((r) => r.name === dest)?.optIn === true;
        const holds = (accountId: string) => !optIn || !optIns || HOLDING.has(optIns[`${accountId}:${dest}`] ?? "DISABLED");
        try {
          const recipient = await transport.publicKeyOf(dest);
          const message: IdentityCopy = {
            kind: "identity",
            source: home,
            dest,
            partition,
            epoch,
            seq,
            entities: entities.filter((e) => holds(e.accountId)),
            keys: keys.filter((k) => holds(k.record.accountId)).map(({ record, secretAccessKey }) => {
              const { wrappedSecret: _omit, ...rest } = record;
              return { record: rest, secret: sealForRegion(recipient, Buffer.from(secretAccessKey, "utf8"), accessKeyAad(partition, record.accessKeyId, dest)) };
            }),
            ...(optIns ? { optIns } : {}),
          };
          await transport.send(message);
          acknowledged.set(`${partition}\n${dest}`, seq);
          notDelivered.recovered(`${partition}\n${dest}`);
        } catch (e) {
          // Unreachable now: the next sweep sends the copy again. Told once, not every sweep (and
          // not at all when the transport has told of a refused peer secret).
          if (!(e instanceof PeerSecretRefused) && notDelivered.failed(`${partition}\n${dest}`)) log.info("identities not delivered", { partition, dest, reason: (e as Error).message });
        }
      }),
    );
  }

  function schedule(partition: string) {
    if (closed || timers.has(partition)) return;
    const timer = setTimeout(() => {
      timers.delete(partition);
      push(partition).catch((e: unknown) => log.error("identities not sent", { partition, error: (e as Error).message }));
    }, deps.debounceMs ?? 20);
    timer.unref();
    timers.set(partition, timer);
  }

  let pushing = false;
  async function pushAll(): Promise<void> {
    if (pushing || closed) return;
    pushing = true;
    try {
      for (const p of topology.partitions) {
        await push(p.name).catch((e: unknown) => log.error("identities not sent", { partition: p.name, error: (e as Error).message }));
      }
    } finally {
      pushing = false;
    }
  }

  return {
    /** every owned partition's copy, to every Region hosted elsewhere that lacks it */
    pushAll,
    changed,
    /** a copy from the home Region's process arrived in `message.dest` */
    async apply(message: IdentityMessage, transportKey: KeyObject): Promise<ApplyOutcome> {
      if (message.kind === "identity-use") {
        const dir = directory.partition(message.partition);
        if (!dir || !owns(message.partition)) return { status: "Noted" };
        // Kept in the home, which answers for the partition; the followers' copies carry it from the
        // next change on (a whole copy per note would reseal every key for every follower).
        for (const { accessKeyId, ...use } of message.uses) dir.noteKeyUse(accessKeyId, use);
        return { status: "Noted" };
      }
      const dir = directory.partition(message.partition);
      if (!dir || owns(message.partition)) return { status: "Noted" }; // the home's own copy wins
      const last = lastApplied.get(message.partition);
      if (last && (last.epoch > message.epoch || (last.epoch === message.epoch && last.seq >= message.seq))) return { status: "Noted" };
      const keys = message.keys.map(({ record, secret }) => ({
        record: { ...record, wrappedSecret: Buffer.alloc(0) },
        secretAccessKey: openFromRegion(transportKey, secret, accessKeyAad(message.partition, record.accessKeyId, message.dest)).toString("utf8"),
      }));
      await dir.replaceAll(message.entities, keys);
      if (message.optIns) await deps.optIns?.replaceStatuses(message.partition, message.optIns);
      lastApplied.set(message.partition, { epoch: message.epoch, seq: message.seq });
      return { status: "Noted" };
    },
    close() {
      closed = true;
      clearInterval(retry);
      for (const t of [...timers.values(), ...useTimers.values()]) clearTimeout(t);
      timers.clear();
      useTimers.clear();
    },
  };
}

export type IdentitySync = ReturnType<typeof makeIdentitySync>;
