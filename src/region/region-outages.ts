// Regions out of service (issue 12 item 3). A Region whose store is damaged or cannot be opened,
// found at start or met while serving, leaves service once: its cause is logged once, naming the
// file, its node leaves the host's map (so its calls answer the fault, its replicas look
// unreachable to their primaries) and its background work stops. The other Regions serve on.

import type { RegionInfo } from "../config/topology.js";
import type { StoreFault } from "../store/store-fault.js";
import type { Logger } from "../util/logger.js";
import type { RegionNode } from "./region-node.js";

export interface RegionOutage {
  info: RegionInfo;
  fault: StoreFault;
}

/** `nodes`: the host's Regions in service, which a Region taken out leaves. */
export function makeRegionOutages(nodes: Map<string, RegionNode>, log: Logger) {
  const outages = new Map<string, RegionOutage>();
  /** nodes taken out while serving: their store stays open for the calls under way, until the host closes */
  const retired: RegionNode[] = [];

  return {
    outages: outages as ReadonlyMap<string, RegionOutage>,
    takeOut(info: RegionInfo, fault: StoreFault): void {
      if (outages.has(info.name)) return;
      outages.set(info.name, { info, fault });
      log.error(`${fault.message}. Region ${info.name} is out of service until its store is restored; the other Regions serve.`, {
        region: info.name,
        store: fault.place,
      });
      const node = nodes.get(info.name);
      if (!node) return;
      nodes.delete(info.name);
      retired.push(node);
      void Promise.all([node.jobs.close(), node.replication.worker.stop()]).catch(() => undefined);
    },
    async closeRetired(): Promise<void> {
      for (const n of retired) {
        await n.close().catch((e: unknown) => log.error("closing a store out of service failed", { region: n.info.name, error: (e as Error).message }));
      }
    },
  };
}
