// Opt-in Regions (DESIGN §1, §6): an account's status per Region lives in its partition's home
// Region (meta `region-opt-status:<account>:<region>`). Enabling is ENABLING at once; a background
// transition then copies the account's identity data into the Region and records ENABLED. Disabling
// mirrors it: DISABLING, the copy withdrawn, DISABLED. A transition falls due `delayMs` after the
// request by the injected clock; settle() runs every pending one at once (tests, shutdown-free).

import { findRegion, type RegionInfo, type Topology } from "../config/topology.js";
import { copyAccountIdentity, withdrawAccountIdentity, type IdentityHolder } from "../identity/identity-copy.js";
import type { MetaRepo } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import type { RegionOptIns, RegionOptStatus } from "./account-types.js";
import { ServiceError } from "../contract/service-error.js";

export interface RegionOptInDeps {
  topology: Topology;
  /** the partition's home Region (or the process's stand-in for it), where status and identity data are written */
  homeOf(partition: string): (IdentityHolder & { store: IdentityHolder["store"] & MetaRepo }) | undefined;
  /** a Region's identity store, when this process hosts the Region */
  holderOf(region: string): IdentityHolder | undefined;
  clock: Clock;
  /** how long after the request a transition falls due */
  delayMs: number;
  log: Logger;
  /** the home Region of a partition this process follows (another process owns its accounts' data) */
  followedHome?(partition: string): string | undefined;
  /** an account's opt-in status changed in a partition this process owns */
  onChange?(partition: string): void;
}

/** What a partition's home sends the processes that follow it: "<account>:<region>" → status. */
export type OptInStatuses = Record<string, RegionOptStatus>;

const STATUS_PREFIX = "region-opt-status:";
const statusKey = (accountId: string, region: string) => `${STATUS_PREFIX}${accountId}:${region}`;
/** Transitions under way, so that a restart finishes them: a JSON list of "<account>:<region>". */
const PENDING_KEY = "region-opt-pending";
const RETRY_MS = 5_000;

interface Transition {
  accountId: string;
  region: RegionInfo;
  due: number;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

export function makeRegionOptIns(deps: RegionOptInDeps) {
  const pending = new Map<string, Transition>();
  let closed = false;
  // Read-modify-writes of the pending list, one at a time.
  let listLock: Promise<unknown> = Promise.resolve();

  const home = (partition: string) => {
    const found = deps.homeOf(partition);
    if (!found) throw new Error(`no Region of partition ${partition} is hosted here`);
    return found;
  };

  async function status(accountId: string, region: RegionInfo): Promise<RegionOptStatus> {
    if (!region.optIn) return "ENABLED_BY_DEFAULT";
    const stored = await deps.homeOf(region.partition)?.store.getMeta(statusKey(accountId, region.name));
    return stored === "ENABLED" || stored === "ENABLING" || stored === "DISABLING" ? stored : "DISABLED";
  }

  function updatePending(partition: string, change: (list: string[]) => string[]): Promise<void> {
    const run = listLock.then(async () => {
      const { store } = home(partition);
      const list = JSON.parse((await store.getMeta(PENDING_KEY)) ?? "[]") as string[];
      await store.putMeta(PENDING_KEY, JSON.stringify(change(list)));
    });
    listLock = run.catch(() => undefined);
    return run;
  }

  async function begin(accountId: string, region: RegionInfo, next: "ENABLING" | "DISABLING") {
    const followed = deps.followedHome?.(region.partition);
    if (followed !== undefined) {
      throw new ServiceError("ServiceFailure", `Region opt-in changes are made in the partition's home Region, ${followed}.`, 503);
    }
    const entry = `${accountId}:${region.name}`;
    await updatePending(region.partition, (list) => (list.includes(entry) ? list : [...list, entry]));
    await home(region.partition).store.putMeta(statusKey(accountId, region.name), next);
    deps.onChange?.(region.partition);
    schedule(accountId, region, deps.clock.now() + deps.delayMs);
  }

  function schedule(accountId: string, region: RegionInfo, due: number) {
    const key = statusKey(accountId, region.name);
    if (closed || pending.has(key)) return;
    const t: Transition = { accountId, region, due };
    pending.set(key, t);
    arm(key, t);
  }

  // Wakes when the delay has passed and starts the transition if the clock says it is due; a
  // clock held still (a test's) keeps it waiting until settle().
  function arm(key: string, t: Transition) {
    if (closed) return;
    t.timer = setTimeout(() => (deps.clock.now() >= t.due ? void start(key) : arm(key, t)), Math.max(t.due - deps.clock.now(), 0));
    t.timer.unref();
  }

  function start(key: string): Promise<void> {
    const t = pending.get(key);
    if (!t) return Promise.resolve();
    clearTimeout(t.timer);
    t.running ??= complete(t).then(
      () => void pending.delete(key),
      (e: unknown) => {
        deps.log.error("region opt-in transition failed", { region: t.region.name, error: e instanceof Error ? e.message : String(e) });
        t.running = undefined;
        t.due = deps.clock.now() + RETRY_MS;
        arm(key, t);
      },
    );
    return t.running;
  }

  async function complete({ accountId, region }: Transition) {
    const partitionHome = home(region.partition);
    const current = await status(accountId, region);
    if (current !== "ENABLING" && current !== "DISABLING") return;
    // A Region another process hosts gets the account's identity data from its own deployment.
    const target = deps.holderOf(region.name);
    if (target && current === "ENABLING") await copyAccountIdentity(partitionHome, target, accountId);
    if (target && current === "DISABLING") await withdrawAccountIdentity(partitionHome, target, accountId);
    await partitionHome.store.putMeta(statusKey(accountId, region.name), current === "ENABLING" ? "ENABLED" : "DISABLED");
    deps.onChange?.(region.partition);
    const entry = `${accountId}:${region.name}`;
    await updatePending(region.partition, (list) => list.filter((e) => e !== entry));
  }

  const optIns: RegionOptIns = {
    regionsOf: (partition) => deps.topology.partitions.find((p) => p.name === partition)?.regions ?? [],
    status,
    enable: (accountId, region) => begin(accountId, region, "ENABLING"),
    disable: (accountId, region) => begin(accountId, region, "DISABLING"),
  };

  return {
    ...optIns,
    /** usable by the account: enabled by default, ENABLED, or still DISABLING (as on AWS) */
    async isEnabled(accountId: string, regionName: string): Promise<boolean> {
      const region = findRegion(deps.topology, regionName);
      if (!region) return false;
      const s = await status(accountId, region);
      return s === "ENABLED_BY_DEFAULT" || s === "ENABLED" || s === "DISABLING";
    },
    /** every account's status in the partition's opt-in Regions, for the processes that follow it */
    async statuses(partition: string): Promise<OptInStatuses> {
      const rows = (await deps.homeOf(partition)?.store.listMeta(STATUS_PREFIX)) ?? [];
      return Object.fromEntries(rows.map(([key, value]) => [key.slice(STATUS_PREFIX.length), value as RegionOptStatus]));
    },
    /** a follower takes the statuses its partition's home sent: those it no longer lists are DISABLED */
    async replaceStatuses(partition: string, statuses: OptInStatuses): Promise<void> {
      const { store } = home(partition);
      const held = new Map((await store.listMeta(STATUS_PREFIX)).map(([key, value]) => [key.slice(STATUS_PREFIX.length), value]));
      const wanted = new Map<string, string>([...held.keys()].map((entry) => [entry, "DISABLED"]));
      for (const [entry, status] of Object.entries(statuses)) wanted.set(entry, status);
      // only what differs is written: copies arrive after every change in the home
      for (const [entry, status] of wanted) if (held.get(entry) !== status) await store.putMeta(`${STATUS_PREFIX}${entry}`, status);
    },
    /** pick up the transitions a previous run left under way; they are due at once */
    async resume(): Promise<void> {
      for (const p of deps.topology.partitions) {
        const list = JSON.parse((await deps.homeOf(p.name)?.store.getMeta(PENDING_KEY)) ?? "[]") as string[];
        for (const entry of list) {
          const [accountId, regionName] = entry.split(":") as [string, string];
          const region = findRegion(deps.topology, regionName);
          if (region) schedule(accountId, region, deps.clock.now());
        }
      }
    },
    /** run every pending transition now and wait for them */
    async settle(): Promise<void> {
      await Promise.all([...pending.keys()].map(start));
    },
    /** stop scheduling; transitions under way finish, the rest resume at the next start */
    async close(): Promise<void> {
      closed = true;
      for (const t of pending.values()) clearTimeout(t.timer);
      await Promise.all([...pending.values()].map((t) => t.running));
      await listLock;
    },
  };
}
