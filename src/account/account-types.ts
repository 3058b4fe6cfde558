// What the Account API's Region operations need from the process: the partition's Regions and
// their opt-in state (RegionOptStatus is the Account model's, from the generated API).

import type { RegionInfo } from "../config/topology.js";
import type { RegionOptStatus } from "../generated/account-api.js";

export type { RegionOptStatus };

/** An account's opt-in state per Region, kept in its partition's home Region (region-opt-ins.ts). */
export interface RegionOptIns {
  /** every Region of a partition, in the topology's order */
  regionsOf(partition: string): RegionInfo[];
  status(accountId: string, region: RegionInfo): Promise<RegionOptStatus>;
  /** DISABLED → ENABLING now; ENABLED once the account's identity data is in the Region */
  enable(accountId: string, region: RegionInfo): Promise<void>;
  /** ENABLED → DISABLING now; DISABLED once the account's identity data is withdrawn */
  disable(accountId: string, region: RegionInfo): Promise<void>;
}
