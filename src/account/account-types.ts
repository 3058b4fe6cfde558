// The Account API's Region vocabulary (the Account model's RegionOptStatus and Region shapes), and
// what its operations need from the process: the partition's Regions and their opt-in state.

import type { RegionInfo } from "../config/topology.js";

export const REGION_OPT_STATUSES = ["ENABLED", "ENABLING", "DISABLING", "DISABLED", "ENABLED_BY_DEFAULT"] as const;
export type RegionOptStatus = (typeof REGION_OPT_STATUSES)[number];

export interface RegionOptEntry {
  RegionName: string;
  RegionOptStatus: RegionOptStatus;
}

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
