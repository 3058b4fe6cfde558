// The KMS API of one Region: its operation table over the Region's key service, and the background
// work of keys (deletion when the waiting period ends, automatic rotation), which the Region's job
// runner calls.

import type { OperationTable } from "../contract/call-context.js";
import type { KmsOperations } from "../generated/kms-api.js";
import type { KeyRepo } from "../store/store.js";
import type { KmsDeps } from "./ops/kms-deps.js";
import { keyOps } from "./ops/keys.js";
import { aliasOps } from "./ops/aliases.js";
import { cryptoOps } from "./ops/crypto.js";
import { rotationOps, rotateDueKeys } from "./ops/rotation.js";
import { tagOps } from "./ops/tags.js";
import { policyOps } from "./ops/policy.js";
import { multiRegionOps } from "./ops/multi-region.js";
import { isMultiRegionReplica } from "./key-replication.js";

export function makeKmsService(deps: KmsDeps & { store: KmsDeps["store"] & Pick<KeyRepo, "allKeys"> }) {
  const operations: OperationTable<KmsOperations> = {
    ...keyOps(deps),
    ...aliasOps(deps),
    ...cryptoOps(deps),
    ...rotationOps(deps),
    ...tagOps(deps),
    ...policyOps(deps),
    ...multiRegionOps(deps),
  };

  /** Delete keys whose waiting period has ended (ScheduleKeyDeletion), with their aliases. */
  async function deleteDueKeys(): Promise<void> {
    const now = deps.clock.now();
    for (const key of await deps.store.allKeys()) {
      if (key.keyState === "PendingDeletion" && key.deletionDate !== undefined && key.deletionDate <= now) {
        await deps.keys.deleteKey(key);
        if (isMultiRegionReplica(key)) deps.keyReplication?.replicaDeleted(key);
      }
    }
  }

  /** Rotate the keys whose automatic rotation is due. */
  async function rotateDue(): Promise<void> {
    await rotateDueKeys(deps, await deps.store.allKeys());
  }

  return { operations, deleteDueKeys, rotateDueKeys: rotateDue };
}
