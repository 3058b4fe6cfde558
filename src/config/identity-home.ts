// Where a process keeps each partition's identities (DESIGN §6): in the partition's home Region when
// it hosts it, else in the first Region of the partition it hosts. When another process serves the
// home Region (the topology gives the home an endpoint), the identities here are only a copy of that
// process's: this process follows the home and never makes identities, the admin key included.

import type { Topology } from "./topology.js";

export interface IdentityPlace {
  partition: string;
  /** the hosted Region whose store holds the partition's identities */
  region: string;
  /** the home Region whose process owns the identities, when it is not this process */
  follows?: string;
}

/** One place per partition with a hosted Region, in topology order. */
export function identityPlaces(topology: Topology, hosts: (region: string) => boolean): IdentityPlace[] {
  const places: IdentityPlace[] = [];
  for (const p of topology.partitions) {
    const hosted = p.regions.filter((r) => hosts(r.name));
    if (hosted.length === 0) continue;
    const home = p.regions.find((r) => r.name === p.homeRegion);
    const region = hosted.find((r) => r.name === p.homeRegion) ?? hosted[0]!;
    const elsewhere = home !== undefined && !hosts(home.name) && home.endpoint !== undefined;
    places.push({ partition: p.name, region: region.name, ...(elsewhere ? { follows: home.name } : {}) });
  }
  return places;
}
