// Which background jobs a Region registers, on which periods, and what each one calls.

import { test } from "node:test";
import assert from "node:assert/strict";
import { regionJobs, type RegionJobWork } from "./region-jobs.js";

const DAY = 86_400_000;

function work(calls: string[]): RegionJobWork {
  return {
    secrets: { purgeDue: async () => void calls.push("purgeDue") },
    kms: { deleteDueKeys: async () => void calls.push("deleteDueKeys"), rotateDueKeys: async () => void calls.push("rotateDueKeys") },
    replication: { antiEntropy: async () => void calls.push("antiEntropy") },
    store: {
      purgeAuditEvents: async (before) => (calls.push(`purgeAuditEvents ${before}`), 0),
      trimAuditEvents: async (maxBytes) => (calls.push(`trimAuditEvents ${maxBytes}`), 0),
    },
    rotation: { runDue: async (now) => void calls.push(`rotateSecrets ${now}`) },
  };
}

test("every Region purges deleted secrets, deletes and rotates keys, rotates secrets, heals replicas and drops old audit events", async () => {
  const calls: string[] = [];
  const jobs = regionJobs(work(calls), { everyMs: 60_000, antiEntropyEveryMs: 300_000, auditRetentionDays: 90 });
  assert.deepEqual(
    jobs.map((j) => [j.name, j.everyMs]),
    [["purge-deleted-secrets", 60_000], ["kms-key-deletion", 60_000], ["kms-key-rotation", 60_000], ["secret-rotation", 60_000], ["anti-entropy", 300_000], ["audit-retention", 60_000]],
  );
  const now = Date.UTC(2024, 5, 1);
  for (const job of jobs) await job.run(now);
  assert.deepEqual(calls, ["purgeDue", "deleteDueKeys", "rotateDueKeys", `rotateSecrets ${now}`, "antiEntropy", `purgeAuditEvents ${now - 90 * DAY}`]);
});

test("audit events kept for ever (retention 0): no retention job", () => {
  const jobs = regionJobs(work([]), { everyMs: 60_000, antiEntropyEveryMs: 300_000, auditRetentionDays: 0 });
  assert.ok(!jobs.some((j) => j.name === "audit-retention"));
});

test("a size bound trims the trail every pass, and says so once while the trail stays at it", async () => {
  const told: number[] = [];
  const trims = [0, 40, 3, 0, 7];
  const w: RegionJobWork = {
    ...work([]),
    store: { purgeAuditEvents: async () => 0, trimAuditEvents: async () => trims.shift()! },
    onTrailFull: (removed) => void told.push(removed),
  };
  const [job] = regionJobs(w, { everyMs: 60_000, antiEntropyEveryMs: 300_000, auditRetentionDays: 0, auditMaxBytes: 1024 }).filter((j) => j.name === "audit-retention");
  for (let i = 0; i < 5; i++) await job!.run(Date.UTC(2024, 5, 1));
  assert.deepEqual(told, [40, 7]);
});
