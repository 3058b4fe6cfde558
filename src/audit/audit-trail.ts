// The audit sink (issue 5): every call the edge authenticated becomes a CloudTrail event in the store
// of its Region. A call that changes something has its event committed by the change's own
// transaction (`pending`, store/call-events.ts); one that tried and changed nothing is durable
// before `record` resolves; read-only calls are batched (one transaction every few milliseconds)
// so reads barely pay for their trail.

import { randomUUID } from "node:crypto";
import type { AuditedCall, AuditSink } from "./audit-types.js";
import type { AuditRepo, StoredAuditEvent } from "../store/store.js";
import { isReadOnly, toCloudTrailEvent } from "./cloudtrail-event.js";

export interface AuditTrailDeps {
  /** the store of a Region this process hosts */
  storeOf(region: string): Pick<AuditRepo, "appendAuditEvents"> | undefined;
  newEventId?: () => string;
  /** how long a read-only event may wait to be written (ms), 20 by default */
  batchDelayMs?: number;
  /** queued read-only events that are written at once, 500 by default */
  batchSize?: number;
  /**
   * read-only events of a Region could not be written (a full disk: they are dropped, and the
   * reads they record were answered). Called once, when the losses begin; `onResumed` when a batch
   * is written again, with how many were lost. stderr by default.
   */
  onError?: (error: unknown, region: string) => void;
  onResumed?: (region: string, lost: number) => void;
}

export function makeAuditTrail(deps: AuditTrailDeps): AuditSink {
  const newEventId = deps.newEventId ?? randomUUID;
  const batchDelayMs = deps.batchDelayMs ?? 20;
  const batchSize = deps.batchSize ?? 500;
  const onError = deps.onError ?? ((e: unknown, region: string) => process.stderr.write(`meridian: ${region}: read events are being lost: ${(e as Error).message}\n`));
  const onResumed = deps.onResumed ?? ((region: string, lost: number) => process.stderr.write(`meridian: ${region}: read events are written again (${lost} lost)\n`));
  /** read-only events lost per Region since its trail last failed */
  const losing = new Map<string, number>();

  /** read-only events waiting, per Region, in the order they were recorded */
  const queued = new Map<string, StoredAuditEvent[]>();
  let queuedCount = 0;
  let timer: NodeJS.Timeout | undefined;

  /**
   * Writes the Region's queued events, and a change's event after them, in one transaction that
   * the response waits to reach the disk only when there is a change's event (reads' events need
   * not survive a power cut: their calls never waited for them).
   */
  async function write(region: string, change?: StoredAuditEvent): Promise<void> {
    const events = queued.get(region) ?? [];
    queued.delete(region);
    queuedCount -= events.length;
    if (change) events.push(change);
    if (events.length === 0) return;
    const store = deps.storeOf(region);
    if (!store) throw new Error(`no store for Region ${region} in this process`);
    await store.appendAuditEvents(events, { relaxed: !change });
  }

  function schedule() {
    if (queuedCount >= batchSize) void flush();
    else if (!timer && queuedCount > 0) (timer = setTimeout(() => void flush(), batchDelayMs)).unref();
  }

  /** The Region's queued read-only events; a failure drops them and is told once per episode. */
  async function writeQueued(region: string): Promise<void> {
    const count = queued.get(region)?.length ?? 0;
    try {
      await write(region);
    } catch (e) {
      const lost = losing.get(region);
      if (lost === undefined) onError(e, region);
      losing.set(region, (lost ?? 0) + count);
      return;
    }
    const lost = losing.get(region);
    if (lost !== undefined && count > 0) {
      losing.delete(region);
      onResumed(region, lost);
    }
  }

  /** every batch begun and not yet written (writeQueued never rejects) */
  let writing: Promise<void> = Promise.resolve();

  /** Writes what is queued, and resolves once every batch begun before, by the timer or a full batch, is written too. */
  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = Promise.all([...queued.keys()].map(writeQueued));
    writing = Promise.all([writing, batch]).then(() => undefined);
    await writing;
  }

  const stored = (call: AuditedCall): StoredAuditEvent => ({ time: call.time, event: toCloudTrailEvent(call, newEventId()) });

  return {
    pending({ region, service, operation }, call) {
      if (isReadOnly(service, operation)) return undefined;
      // The reads recorded before the change are written before it, in its transaction: the trail
      // stays in the order calls were made (retention removes only its oldest end).
      let earlier: StoredAuditEvent[] = [];
      let taken = false;
      return {
        region,
        get taken() {
          return taken;
        },
        closed: false,
        take() {
          earlier = queued.get(region) ?? [];
          queued.delete(region);
          queuedCount -= earlier.length;
          taken = true;
          return [...earlier, stored(call())];
        },
        putBack() {
          taken = false;
          if (earlier.length === 0) return;
          queued.set(region, [...earlier, ...(queued.get(region) ?? [])]);
          queuedCount += earlier.length;
          earlier = [];
          schedule();
        },
      };
    },
    async record(call: AuditedCall) {
      const event = stored(call);
      if (!event.event.readOnly) return write(call.region, event);
      const list = queued.get(call.region);
      if (list) list.push(event);
      else queued.set(call.region, [event]);
      queuedCount++;
      schedule();
    },
    flush,
  };
}
