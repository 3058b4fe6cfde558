// Where each Region of a topology keeps its store, as `meridian serve` opens it: the store its
// topology entry names (`store:`), else the process's (`--store`, MERIDIAN_STORE; SQLite files in
// the data directory when neither). The operator commands that read or change stores with the
// server stopped or beside it (`meridian admin reset-key`, `meridian audit`) find them the same way.

import { allRegions, type Topology } from "../config/topology.js";
import { regionStoreConfig, storedRegions, type StoreConfig } from "../store/make-store.js";

/** The Regions of the topology that have a store, each with the store it is in, in topology order. */
export async function regionsWithStore(dataDir: string, topology: Topology, processStore: StoreConfig | undefined): Promise<Map<string, StoreConfig>> {
  const byStore = new Map<string, { config: StoreConfig; regions: string[] }>();
  for (const r of allRegions(topology)) {
    const config = regionStoreConfig(r, processStore);
    const key = JSON.stringify(config);
    if (!byStore.has(key)) byStore.set(key, { config, regions: [] });
    byStore.get(key)!.regions.push(r.name);
  }
  const found = new Map<string, StoreConfig>();
  for (const { config, regions } of byStore.values()) {
    const there = await storedRegions(dataDir, config);
    for (const r of regions) if (there.includes(r)) found.set(r, config);
  }
  return new Map(allRegions(topology).filter((r) => found.has(r.name)).map((r) => [r.name, found.get(r.name)!]));
}
