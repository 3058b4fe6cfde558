// A change and its audit event commit together, or neither does (issue 12 item 2). The edge runs
// each call that may change something with its event pending here; the first durable write the
// call makes in its own Region's store writes the event in that write's transaction. A rollback
// puts the event back (the next attempt, or the edge, writes it); a call that changed nothing
// leaves it to the edge, which writes it on its own as before.

import { AsyncLocalStorage } from "node:async_hooks";
import type { StoredAuditEvent } from "./store.js";

export interface PendingCallEvent {
  /** the Region whose store keeps the event */
  readonly region: string;
  /**
   * The events the change's transaction writes: the trail's earlier events still waiting (reads,
   * batched), then the call's own, built now with the answer declared by then. Marks it taken.
   */
  take(): StoredAuditEvent[];
  /** the transaction that took the events rolled back: they wait again */
  putBack(): void;
  /** the answer the call will give, declared before the write that commits its change */
  answer?: object;
  /** written in a transaction that has not been rolled back */
  readonly taken: boolean;
  /** the call is over: no later write (a background task it started) may take the event */
  closed: boolean;
}

const current = new AsyncLocalStorage<PendingCallEvent>();
/** calls running with a pending event */
let running = 0;

/**
 * Runs `fn` (a call's handler) with its event pending. On Node 20, AsyncLocalStorage costs every
 * promise of the process something while it is enabled (promise hooks: about a tenth of a read's
 * CPU), so it is enabled only while a change is in flight, and reads alone never pay for it.
 */
export async function withPendingEvent<T>(pending: PendingCallEvent, fn: () => Promise<T>): Promise<T> {
  running++;
  try {
    return await current.run(pending, fn);
  } finally {
    if (--running === 0) current.disable();
  }
}

/** The event a durable write in `region`'s store must carry, if any is still to be written. */
export function pendingEventFor(region: string): PendingCallEvent | undefined {
  const pending = current.getStore();
  return pending && !pending.taken && !pending.closed && pending.region === region ? pending : undefined;
}

/**
 * Declares the answer the call under way will give, before the write that commits its change:
 * that write commits the call's event, whose responseElements the answer becomes. A change
 * committed without a declared answer has an event without responseElements.
 */
export function declareAnswer(output: object): void {
  const pending = current.getStore();
  if (pending && !pending.taken) pending.answer = output;
}

/**
 * Runs `fn` as a side effect of the call under way, not its change (e.g. the AWS managed key a
 * first secret creates): its writes carry no event, so the event stays for the change itself.
 */
export function asSideEffect<T>(fn: () => Promise<T>): Promise<T> {
  return current.exit(fn);
}

/** Declares `answer`, makes the change (`commit`), and gives the answer back. */
export async function answering<T extends object>(answer: T, commit: () => Promise<unknown>): Promise<T> {
  declareAnswer(answer);
  await commit();
  return answer;
}
