// Guessing protection for console sign-in: failures are counted per key (a user, a source address)
// and, past a few free ones, each further attempt must wait twice as long as the last, up to a
// ceiling. A success clears the user's count only: a source that guesses at many users stays slow.
// Held in memory with a bounded number of keys; the clock is injected.

import type { Clock } from "../util/clock.js";

export interface ThrottleRule {
  /** failures allowed before any wait */
  free: number;
  /** the first wait, in ms, doubled at each further failure */
  baseMs: number;
  maxMs: number;
}

export const USER_RULE: ThrottleRule = { free: 3, baseMs: 1000, maxMs: 15 * 60_000 };
export const SOURCE_RULE: ThrottleRule = { free: 10, baseMs: 1000, maxMs: 15 * 60_000 };

interface Entry {
  failures: number;
  /** epoch ms before which no attempt is looked at */
  until: number;
  last: number;
}

const MAX_KEYS = 100_000;

export function makeSignInThrottle(clock: Clock) {
  const entries = new Map<string, Entry>();

  /** Forget keys whose last failure is older than the longest wait (their count would start again). */
  function prune(now: number) {
    if (entries.size < MAX_KEYS) return;
    for (const [k, e] of entries) if (now - e.last > USER_RULE.maxMs * 2) entries.delete(k);
    // Still full (an attack from many sources): the oldest go first; Map keeps insertion order.
    for (const k of entries.keys()) {
      if (entries.size < MAX_KEYS) break;
      entries.delete(k);
    }
  }

  return {
    /** ms the caller must still wait before an attempt with these keys is looked at; 0 when none */
    waitFor(keys: readonly string[]): number {
      const now = clock.now();
      return Math.max(0, ...keys.map((k) => (entries.get(k)?.until ?? 0) - now));
    },
    failed(keys: ReadonlyArray<readonly [string, ThrottleRule]>): void {
      const now = clock.now();
      prune(now);
      for (const [key, rule] of keys) {
        const e = entries.get(key) ?? { failures: 0, until: 0, last: now };
        e.failures++;
        e.last = now;
        const over = e.failures - rule.free;
        e.until = over > 0 ? now + Math.min(rule.maxMs, rule.baseMs * 2 ** (over - 1)) : 0;
        entries.delete(key);
        entries.set(key, e); // to the end: the most recent are pruned last
      }
    },
    succeeded(key: string): void {
      entries.delete(key);
    },
  };
}

export type SignInThrottle = ReturnType<typeof makeSignInThrottle>;
