// Injectable time, so deletion windows, day-resolution access dates and background jobs are
// testable without sleeping: `Clock` reads the time, `Timers` schedules on it. The system's are
// below; tests drive both from one manual clock (test/support/manual-clock.ts).

export interface Clock {
  now(): number; // epoch milliseconds
}

/** Cancels a call scheduled with `Timers.after`; a no-op once it ran. */
export type Cancel = () => void;

export interface Timers {
  /**
   * Call `fn` once, `ms` from now. `fn` may return a promise: a manual clock waits for it before
   * moving on, so a test sees the work a timer started; the system's timers ignore it.
   */
  after(ms: number, fn: () => void | Promise<void>): Cancel;
}

export const systemClock: Clock = { now: () => Date.now() };

/** setTimeout, unref'd: a pending background job never keeps the process alive. */
export const systemTimers: Timers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

const DAY_MS = 86_400_000;

/** Midnight UTC of the day containing `ms`: LastAccessedDate has day resolution on AWS. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export const days = (n: number) => n * DAY_MS;
