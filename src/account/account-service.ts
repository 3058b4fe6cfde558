// The Account API (rest-json, signing name `account`): a global service, answered for the caller's
// partition from its home Region whatever Region the request is signed for. Only the Region
// operations are implemented; the edge answers the model's other operations as not implemented.

import type { OperationTable } from "../contract/call-context.js";
import type { RegionOptIns } from "./account-types.js";
import type { AccountOperations } from "../generated/account-api.js";
import { regionOperations } from "./ops/regions.js";

export interface AccountServiceDeps {
  optIns: RegionOptIns;
}

export function makeAccountService(deps: AccountServiceDeps) {
  const operations: OperationTable<AccountOperations> = { ...regionOperations(deps.optIns) };
  return { operations };
}
