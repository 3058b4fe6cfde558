// Damage met while serving (issue 12 item 3): a statement that finds a page corrupt fails once
// with a StoreFault naming the Region and the file, the Region host hears of it once (and takes the
// Region out of service), and every later call fails with the same fault without touching the
// store again, rather than each call failing with whatever the damage does to it.

import type { AuditReader, RegionStore } from "./store.js";
import { StoreFault } from "./store-fault.js";

export interface DamageWatch {
  region: string;
  /** where the store lives, as StoreFault names it */
  place: string;
  /** does this error of the store's say its data is damaged? (a kind's own codes) */
  isDamage(error: unknown): boolean;
  /** the store was found damaged: called once */
  onFault?(fault: StoreFault): void;
}

/** Neither reads nor writes the store's data: whenDurable syncs what is committed, close must always run. */
const UNGUARDED = new Set<string>(["whenDurable", "close", "metrics"]);

/** The store (or its audit reader), each of its calls turned into the Region's StoreFault once damage is met. */
export function guardAgainstDamage<S extends RegionStore | AuditReader>(store: S, watch: DamageWatch): S {
  let fault: StoreFault | undefined;
  const seen = (e: unknown): unknown => {
    if (e instanceof StoreFault || !watch.isDamage(e)) return e;
    if (!fault) {
      fault = new StoreFault(watch.region, watch.place, true, e instanceof Error ? e.message : String(e));
      watch.onFault?.(fault);
    }
    return fault;
  };
  const guard =
    (call: (...args: unknown[]) => unknown) =>
    (...args: unknown[]): unknown => {
      if (fault) return Promise.reject(fault);
      try {
        // generations() may answer at once (store.ts); it stays synchronous through the guard
        const result = call(...args);
        return result instanceof Promise ? result.catch((e: unknown) => Promise.reject(seen(e))) : result;
      } catch (e) {
        return Promise.reject(seen(e));
      }
    };
  const guarded: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    // Every member but those above is an asynchronous call (store.ts), or generations().
    const call = member as (...args: unknown[]) => unknown;
    guarded[name] = typeof member === "function" && !UNGUARDED.has(name) ? guard((...args) => call.apply(store, args)) : member;
  }
  return guarded as S;
}
