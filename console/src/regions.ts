// The Regions of the caller's partition with their opt-in status (the Account API's ListRegions),
// shared by the top bar's Region selector and the Regions page.

import { ListRegionsCommand, type Region } from "@aws-sdk/client-account";
import type { AccountClient } from "@aws-sdk/client-account";

export const usable = (r: Region) => r.RegionOptStatus === "ENABLED" || r.RegionOptStatus === "ENABLED_BY_DEFAULT";
export const changing = (r: Region) => r.RegionOptStatus === "ENABLING" || r.RegionOptStatus === "DISABLING";

export async function listRegions(account: AccountClient): Promise<Region[]> {
  const regions: Region[] = [];
  let NextToken: string | undefined;
  do {
    const page = await account.send(new ListRegionsCommand({ NextToken, MaxResults: 50 }));
    regions.push(...(page.Regions ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return regions.sort((a, b) => (a.RegionName ?? "").localeCompare(b.RegionName ?? ""));
}

export const statusText: Record<string, string> = {
  ENABLED: "Enabled",
  ENABLED_BY_DEFAULT: "Enabled by default",
  ENABLING: "Enabling",
  DISABLING: "Disabling",
  DISABLED: "Disabled",
};
