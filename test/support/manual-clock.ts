// A clock that moves only when a test moves it, and the timers that run on it: background work
// scheduled through `Timers` fires when the test advances the time past it, and the test waits for
// that work to finish. Nothing sleeps.

import type { Cancel, Clock, Timers } from "../../src/util/clock.js";

export interface ManualClock extends Clock, Timers {
  /**
   * Move time forward by `ms`, one timer at a time: each timer that comes due fires at its due time
   * (now() reads it), in due order (ties in the order they were set), and its work is awaited before
   * the next fires. Timers set meanwhile fire too if they come due within `ms`.
   */
  advance(ms: number): Promise<void>;
  /**
   * Move time forward by `ms` at once, as a machine waking from sleep: each timer that came due
   * fires once, at the new time, in due order.
   */
  jump(ms: number): Promise<void>;
  /** timers set and not yet fired or cancelled */
  pending(): number;
}

interface Entry {
  due: number;
  seq: number;
  fn: () => void | Promise<void>;
}

export function manualClock(start = Date.UTC(2024, 0, 1)): ManualClock {
  let t = start;
  let seq = 0;
  const timers = new Set<Entry>();

  const nextDue = (limit: number): Entry | undefined => {
    let first: Entry | undefined;
    for (const e of timers) {
      if (e.due > limit) continue;
      if (!first || e.due < first.due || (e.due === first.due && e.seq < first.seq)) first = e;
    }
    return first;
  };

  async function fireUntil(end: number, stepping: boolean): Promise<void> {
    for (let e = nextDue(end); e; e = nextDue(end)) {
      timers.delete(e);
      if (stepping) t = Math.max(t, e.due);
      await e.fn();
      // let what the timer's work chained on (.then callbacks) settle before the next fires
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    now: () => t,
    after(ms: number, fn: () => void | Promise<void>): Cancel {
      const entry: Entry = { due: t + Math.max(0, ms), seq: seq++, fn };
      timers.add(entry);
      return () => void timers.delete(entry);
    },
    async advance(ms) {
      const end = t + ms;
      await fireUntil(end, true);
      t = end;
    },
    async jump(ms) {
      t += ms;
      await fireUntil(t, false);
    },
    pending: () => timers.size,
  };
}
