// The first start after `meridian restore` (restore-marker.ts). A restored Region may be behind its
// peers, in two ways:
// - As a primary: its replicas may have applied changes the backup lacks. Here it moves what it is
//   primary of ahead of them (replication/restored-primary.ts) and runs its anti-entropy pass at
//   once, not at its next period (every fifth, five minutes by default), so each replica takes the
//   restored state moments after the start.
// - As a replica: it may lack changes its primary made after the backup. Those made while it was
//   down wait in the primary's outbox and arrive once it reaches the Region again (the replica asks
//   for the values it lacks); the others come with the primary Region's own anti-entropy pass or
//   the secret's next change, since no replication message lets a replica ask for a secret's state.
// A Region is struck from the marker once its pass has run, so a start that fails before does it again.

import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import { moveAheadOfReplicas } from "../replication/restored-primary.js";
import { markReconciled, readRestoreMarker } from "./restore-marker.js";
import type { RegionNode } from "./region-node.js";

/** Refuses a data directory whose restore did not finish; the Regions a finished one restored and are not reconciled yet. */
export function restoredRegions(dataDir: string): string[] {
  const marker = readRestoreMarker(dataDir);
  if (!marker) return [];
  if (marker.state === "restoring") {
    throw new Error(
      `a restore into ${dataDir} from ${marker.from} did not finish, so its files are partly the backup's; ` +
        `run meridian restore --from ${marker.from} --data-dir ${dataDir} --force again`,
    );
  }
  return marker.regions;
}

/**
 * Before the Regions' jobs start: what the restored Regions are primary of moves ahead of its
 * replicas. Returns the Regions ready for their pass; one that failed is left for the next start.
 */
export async function prepareRestored(restored: RegionNode[], clock: Clock, log: Logger): Promise<RegionNode[]> {
  const ready: RegionNode[] = [];
  for (const n of restored) {
    try {
      const moved = await moveAheadOfReplicas({ store: n.store, keys: n.keys, clock });
      if (moved.secrets + moved.keys > 0) log.info("restored Region: its replicas will take its state", { region: n.info.name, ...moved });
      ready.push(n);
    } catch (e) {
      log.error("restored Region: could not move its revisions ahead of its replicas; the next start tries again", { region: n.info.name, error: (e as Error).message });
    }
  }
  return ready;
}

/** Once the Regions' jobs and outbox workers run: the anti-entropy pass of each restored Region, now. */
export function reconcileRestored(dataDir: string, restored: RegionNode[], log: Logger): void {
  if (restored.length === 0) return;
  void (async () => {
    const done: string[] = [];
    for (const n of restored) {
      const region = n.info.name;
      try {
        await n.jobs.runNow("anti-entropy");
        markReconciled(dataDir, region);
        done.push(region);
      } catch (e) {
        log.error("restored Region: anti-entropy pass failed; the next start runs it again", { region, error: (e as Error).message });
      }
    }
    if (done.length > 0) log.info("restored Regions: anti-entropy pass run", { regions: done });
  })();
}
