// The background jobs every Region runs (DESIGN §7), each on the Region's job runner: the purge of
// secrets whose recovery window ended, KMS key deletion and rotation, replication's anti-entropy
// pass, audit retention (by age, and by size: the trail's cost is bounded, issue 12 item 9), and
// secret rotation (issue 13).

import { days } from "../../util/clock.js";
import type { AuditRepo } from "../../store/store.js";
import type { Job } from "./job-runner.js";

export interface RegionJobSettings {
  /** the period of the purge, key and audit jobs */
  everyMs: number;
  /** the period of the anti-entropy pass */
  antiEntropyEveryMs: number;
  /** how long audit events are kept, in days; 0 keeps them for ever */
  auditRetentionDays: number;
  /** the most the trail may hold (its events' JSON, bytes), the oldest going first; 0: no bound */
  auditMaxBytes?: number;
}

export interface RegionJobWork {
  secrets: { purgeDue(): Promise<unknown> };
  kms: { deleteDueKeys(): Promise<void>; rotateDueKeys(): Promise<void> };
  replication: { antiEntropy(): Promise<void> };
  store: Pick<AuditRepo, "purgeAuditEvents" | "trimAuditEvents">;
  /** told when the trail reaches its size bound (once, until a pass finds it under the bound again) */
  onTrailFull?(removed: number): void;
  rotation: { runDue(now: number): Promise<void> };
}

export function regionJobs(work: RegionJobWork, settings: RegionJobSettings): Job[] {
  const { everyMs } = settings;
  const jobs: Job[] = [
    { name: "purge-deleted-secrets", everyMs, run: async () => void (await work.secrets.purgeDue()) },
    { name: "kms-key-deletion", everyMs, run: () => work.kms.deleteDueKeys() },
    { name: "kms-key-rotation", everyMs, run: () => work.kms.rotateDueKeys() },
    // starts each rotation whose moment in its window has come; a long rotation holds the lock
    { name: "secret-rotation", everyMs, run: (now) => work.rotation.runDue(now), lockMs: 60 * 60_000 },
    { name: "anti-entropy", everyMs: settings.antiEntropyEveryMs, run: () => work.replication.antiEntropy() },
  ];
  const retention = settings.auditRetentionDays;
  const maxBytes = settings.auditMaxBytes ?? 0;
  let full = false;
  if (retention > 0 || maxBytes > 0) {
    jobs.push({
      name: "audit-retention",
      everyMs,
      run: async (now) => {
        if (retention > 0) await work.store.purgeAuditEvents(now - days(retention));
        if (maxBytes === 0) return;
        const removed = await work.store.trimAuditEvents(maxBytes);
        if (removed > 0 && !full) work.onTrailFull?.(removed);
        full = removed > 0;
      },
    });
  }
  return jobs;
}
