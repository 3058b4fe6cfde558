// The IAM API (query protocol, signing name `iam`): a global service answered for the caller's
// partition from its home Region, over the partition's identity directory. Operations are split by
// entity in ops/; iam-access.ts describes each call to the policy engine.

import type { OperationTable } from "../contract/call-context.js";
import type { IamOperations } from "../generated/iam-api.js";
import type { IamDeps } from "./iam-common.js";
import { makeIamAccess } from "./iam-access.js";
import { userOperations } from "./ops/users.js";
import { groupOperations } from "./ops/groups.js";
import { roleOperations } from "./ops/roles.js";
import { accessKeyOperations } from "./ops/access-keys.js";
import { policyOperations } from "./ops/policies.js";
import { inlinePolicyOperations } from "./ops/inline.js";
import { attachedPolicyOperations } from "./ops/attach.js";
import { entityTagOperations } from "./ops/tags.js";
import { boundaryOperations } from "./ops/boundaries.js";
import { loginProfileOperations } from "./ops/login-profiles.js";
import { passwordPolicyOperations } from "./ops/password-policy.js";

export function makeIamService(deps: IamDeps) {
  const operations: OperationTable<IamOperations> = {
    ...userOperations(deps),
    ...groupOperations(deps),
    ...roleOperations(deps),
    ...accessKeyOperations(deps),
    ...policyOperations(deps),
    ...inlinePolicyOperations(deps),
    ...attachedPolicyOperations(deps),
    ...entityTagOperations(deps),
    ...boundaryOperations(deps),
    ...loginProfileOperations(deps),
    ...passwordPolicyOperations(deps),
  };
  return { operations, access: makeIamAccess(deps) };
}
