// The audit sink (issue 5): every call the edge authenticated becomes a CloudTrail event in the store
// of its Region. A call that may change something is durable before `record` resolves; read-only
// calls are batched (one transaction every few milliseconds) so reads barely pay for their trail.

import { randomUUID } from "node:crypto";
import type { AuditedCall, AuditSink } from "./audit-types.js";
import type { AuditRepo, StoredAuditEvent } from "../store/store.js";
import { toCloudTrailEvent } from "./cloudtrail-event.js";

export interface AuditTrailDeps {
  /** the store of a Region this process hosts */
  storeOf(region: string): Pick<AuditRepo, "appendAuditEvents"> | undefined;
  newEventId?: () => string;
  /** how long a read-only event may wait to be written (ms), 20 by default */
  batchDelayMs?: number;
  /** queued read-only events that are written at once, 500 by default */
  batchSize?: number;
  /** a batch of read-only events could not be written (they are dropped); stderr by default */
  onError?: (error: unknown) => void;
}

export function makeAuditTrail(deps: AuditTrailDeps): AuditSink {
  const newEventId = deps.newEventId ?? randomUUID;
  const batchDelayMs = deps.batchDelayMs ?? 20;
  const batchSize = deps.batchSize ?? 500;
  const onError = deps.onError ?? ((e: unknown) => process.stderr.write(`meridian: audit events lost: ${(e as Error).message}\n`));

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

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    await Promise.all([...queued.keys()].map((region) => write(region).catch(onError)));
  }

  return {
    async record(call: AuditedCall) {
      const stored = { time: call.time, event: toCloudTrailEvent(call, newEventId()) };
      if (!stored.event.readOnly) return write(call.region, stored);
      const list = queued.get(call.region);
      if (list) list.push(stored);
      else queued.set(call.region, [stored]);
      if (++queuedCount >= batchSize) void flush();
      else if (!timer) (timer = setTimeout(() => void flush(), batchDelayMs)).unref();
    },
    flush,
  };
}
