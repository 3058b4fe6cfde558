// The background work of one Region (DESIGN §7): each job runs at start, then every `everyMs`,
// never overlapping itself. Every run is taken under a lock through the Region's store, and the
// store keeps when the job last ran, so however many nodes serve the Region a job runs once per
// period between them. Time and timers are injected: tests move a manual clock instead of sleeping.

import { randomUUID } from "node:crypto";
import type { LockRepo, MetaRepo } from "../../store/store.js";
import { StoreFault } from "../../store/store-fault.js";
import { markArrival } from "../../store/arrivals.js";
import type { Cancel, Clock, Timers } from "../../util/clock.js";
import type { Logger } from "../../util/logger.js";

export interface Job {
  /** names the job's lock and its last-run record in the store: unique in a Region */
  name: string;
  everyMs: number;
  /** `now` is the clock's time when the run began */
  run(now: number): Promise<void>;
  /** how long a run's lock lasts; it must outlast a run. DEFAULT_LOCK_MS when absent */
  lockMs?: number;
}

/**
 * Long enough for any run we know (a sweep of every key of a Region). A run that outlasts its lock
 * lets another node start the job too: only repeated work, since every job is idempotent.
 */
const DEFAULT_LOCK_MS = 10 * 60_000;

export interface JobRunnerDeps {
  region: string;
  store: LockRepo & Pick<MetaRepo, "getMeta" | "putMeta">;
  clock: Clock;
  timers: Timers;
  log: Logger;
}

export type JobRunner = ReturnType<typeof makeJobRunner>;

interface Slot {
  job: Job;
  /** the run in progress or queued, so runs of one job follow each other */
  queue: Promise<unknown>;
  cancel?: Cancel;
}

type Outcome = { ran: true; error?: unknown } | { ran: false; reason: "held" | "not due"; waitMs: number };

const lockName = (job: string) => `jobs/${job}`;
const lastRunKey = (job: string) => `jobs/${job}/last-run`;

export function makeJobRunner(deps: JobRunnerDeps) {
  const { store, clock, timers, log } = deps;
  // a fresh owner per runner, so a restarted node never takes over a dead one's lock early
  const owner = randomUUID();
  const slots = new Map<string, Slot>();
  let started = false;
  let closed = false;

  function logFailure(job: string, e: unknown) {
    // A damaged store was logged once by the host, which stops this runner.
    if (e instanceof StoreFault) return;
    log.error("background job failed", { region: deps.region, job, error: (e as Error).message });
  }

  /** One attempt under the job's lock; a scheduled one (`force` false) skips a job not yet due. */
  async function attempt({ job }: Slot, force: boolean): Promise<Outcome> {
    markArrival(); // a run reads what other processes may have changed meanwhile
    const now = clock.now();
    if (!(await store.tryLock(lockName(job.name), owner, job.lockMs ?? DEFAULT_LOCK_MS, now))) {
      return { ran: false, reason: "held", waitMs: job.everyMs }; // another node is running it
    }
    try {
      const last = Number(await store.getMeta(lastRunKey(job.name)));
      // a clock set back (last in the future) must not stall the job until it catches up
      if (!force && Number.isFinite(last) && last <= now && now < last + job.everyMs) {
        return { ran: false, reason: "not due", waitMs: last + job.everyMs - now };
      }
      let error: unknown;
      try {
        await job.run(now);
      } catch (e) {
        error = e;
        logFailure(job.name, e);
      }
      // a failed run counts as this period's: it is tried again next period, not in a loop
      await store.putMeta(lastRunKey(job.name), String(now));
      return { ran: true, error };
    } finally {
      await store.releaseLock(lockName(job.name), owner);
    }
  }

  function enqueue(slot: Slot, force: boolean): Promise<Outcome> {
    const run = slot.queue.then(() => attempt(slot, force));
    slot.queue = run.catch(() => undefined);
    return run;
  }

  /** A scheduled run: never throws, and sets the next one (a period on, or when the job is due). */
  async function tick(slot: Slot): Promise<void> {
    slot.cancel = undefined;
    if (closed) return;
    let waitMs = slot.job.everyMs;
    try {
      const outcome = await enqueue(slot, false);
      if (!outcome.ran) waitMs = outcome.waitMs;
    } catch (e) {
      // the store itself failed (the lock or the record): try again next period
      logFailure(slot.job.name, e);
    }
    if (!closed) slot.cancel = timers.after(waitMs, () => tick(slot));
  }

  return {
    /** Register a job; one added after start() runs at once, then on its period. */
    add(job: Job): void {
      if (slots.has(job.name)) throw new Error(`a background job named ${job.name} is already registered`);
      if (!(job.everyMs > 0)) throw new Error(`background job ${job.name}: everyMs must be positive`);
      const slot: Slot = { job, queue: Promise.resolve() };
      slots.set(job.name, slot);
      if (started && !closed) slot.cancel = timers.after(0, () => tick(slot));
    },
    /** the registered jobs' names, in registration order */
    names: (): string[] => [...slots.keys()],
    /**
     * Run every job that is due (all of them, unless another node ran one within its period: the
     * work that came due while this node was down), one after another, then keep them on their periods.
     */
    async start(): Promise<void> {
      if (started || closed) return;
      started = true;
      for (const slot of slots.values()) await tick(slot);
    },
    /**
     * Run one job (or every job, in order) now, whatever its period, after any run in progress;
     * rejects with the job's failure, or when another node holds its lock.
     */
    async runNow(name?: string): Promise<void> {
      const chosen = name === undefined ? [...slots.values()] : [slots.get(name)];
      for (const slot of chosen) {
        if (!slot) throw new Error(`no background job named ${name}`);
        const outcome = await enqueue(slot, true);
        if (!outcome.ran) throw new Error(`background job ${slot.job.name} is running on another node`);
        if (outcome.error !== undefined) throw outcome.error;
      }
    },
    /** Stop every timer and wait for the runs in progress. */
    async close(): Promise<void> {
      closed = true;
      for (const slot of slots.values()) slot.cancel?.();
      await Promise.all([...slots.values()].map((s) => s.queue));
    },
  };
}
