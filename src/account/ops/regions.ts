// ListRegions, GetRegionOptStatus, EnableRegion, DisableRegion for the caller's own account, over
// every Region of the caller's partition. Meridian has no Organizations, so AccountId (which only
// an organization's management or delegated administrator account may give) is refused as AWS
// refuses it to an account outside that setup.

import type { RegionInfo } from "../../config/topology.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import { cannotSwitch, malformedNextToken, notAuthorized, notOptInRegion, transitionUnderWay } from "../account-errors.js";
import type { RegionOptIns, RegionOptStatus } from "../account-types.js";
import type * as Account from "../../generated/account-api.js";

/** GetRegionOptStatus, EnableRegion and DisableRegion take the same members. */
type RegionRequest = Account.GetRegionOptStatusRequest;
type Operation = keyof Account.AccountOperations;

/** AWS's page when MaxResults is absent. */
const DEFAULT_PAGE = 20;
// What can be a Region code; anything else AWS refuses as an invalid target region, not a ValidationException.
const REGION_CODE = /^[a-z0-9-]+$/;

const TOKEN_PREFIX = "meridian-regions:";
const encodeToken = (lastRegion: string) => Buffer.from(TOKEN_PREFIX + lastRegion, "utf8").toString("base64url");
const decodeToken = (token: string) => {
  const text = Buffer.from(token, "base64url").toString("utf8");
  return text.startsWith(TOKEN_PREFIX) ? text.slice(TOKEN_PREFIX.length) : undefined;
};

export function regionOperations(optIns: RegionOptIns): OperationTable<Account.AccountOperations> {
  function targetRegion(ctx: CallContext, operation: Operation, input: RegionRequest): RegionInfo {
    if (input.AccountId !== undefined) throw notAuthorized(ctx.principalArn, operation);
    if (!REGION_CODE.test(input.RegionName)) throw notAuthorized(ctx.principalArn, operation, "You specified an invalid target region.");
    const region = optIns.regionsOf(ctx.partition).find((r) => r.name === input.RegionName);
    if (!region) throw notOptInRegion(input.RegionName);
    return region;
  }

  async function change(ctx: CallContext, operation: Operation, input: RegionRequest, from: RegionOptStatus) {
    const region = targetRegion(ctx, operation, input);
    const current = await optIns.status(ctx.accountId, region);
    if (current === "ENABLING" || current === "DISABLING") throw transitionUnderWay(ctx.accountId, region.name);
    if (current !== from) throw cannotSwitch();
    return region;
  }

  // Each handler names its output type: a returned object literal is checked for unknown members
  // only against a declared return type, not one the table's type merely implies.
  return {
    async ListRegions(ctx, input): Promise<Account.ListRegionsResponse> {
      if (input.AccountId !== undefined) throw notAuthorized(ctx.principalArn, "ListRegions");
      const regions = [...optIns.regionsOf(ctx.partition)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      let start = 0;
      if (input.NextToken) {
        const after = decodeToken(input.NextToken);
        const index = regions.findIndex((r) => r.name === after);
        if (index < 0) throw malformedNextToken();
        start = index + 1;
      }
      const wanted = input.RegionOptStatusContains ?? [];
      const pageSize = input.MaxResults ?? DEFAULT_PAGE;
      const page: Account.Region[] = [];
      let last: string | undefined;
      for (const region of regions.slice(start)) {
        const status = await optIns.status(ctx.accountId, region);
        if (wanted.length > 0 && !wanted.includes(status)) continue;
        if (page.length === pageSize) return { NextToken: encodeToken(last!), Regions: page };
        page.push({ RegionName: region.name, RegionOptStatus: status });
        last = region.name;
      }
      return { Regions: page };
    },

    async GetRegionOptStatus(ctx, input): Promise<Account.GetRegionOptStatusResponse> {
      const region = targetRegion(ctx, "GetRegionOptStatus", input);
      return { RegionName: region.name, RegionOptStatus: await optIns.status(ctx.accountId, region) };
    },

    async EnableRegion(ctx, input): Promise<Record<string, never>> {
      await optIns.enable(ctx.accountId, await change(ctx, "EnableRegion", input, "DISABLED"));
      return {};
    },

    async DisableRegion(ctx, input): Promise<Record<string, never>> {
      await optIns.disable(ctx.accountId, await change(ctx, "DisableRegion", input, "ENABLED"));
      return {};
    },
  };
}
