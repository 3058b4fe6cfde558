// A primary Region restored from a backup (`meridian restore`) may be behind its own replicas: they
// applied changes made after the backup, so they hold higher revisions than the restored primary.
// A replica applies a state only if its revision is newer (DESIGN §5.4), so the anti-entropy pass
// would be answered "in sync", and the primary's next changes ignored, until its counter caught up:
// the Regions would answer different values meanwhile. The restored state is the one the operator
// chose; so at the first start after a restore, every secret and multi-Region KMS key this Region is
// primary of moves its revision ahead by more than the changes one secret could have had between a
// backup and its restore, and each secret queues a sync to its replicas. The replicas then take the
// primary's state (and drop the versions the backup did not have). Nothing in the messages changes.

import type { KeyService } from "../kms/key-service.js";
import { isMultiRegionPrimary } from "../kms/key-replication.js";
import { isReplica } from "../secrets/secrets-core.js";
import { StoreConflict, type KeyRepo, type ReplicationRepo, type SecretRepo } from "../store/store.js";
import type { Clock } from "../util/clock.js";

/** 2^32 changes to one secret between a backup and its restore: never; 2^21 restores fit in a safe integer. */
const RESTORE_REVISION_STEP = 2 ** 32;

export interface RestoredPrimaryDeps {
  store: Pick<SecretRepo, "findSecretByArn" | "commitSecret"> & Pick<ReplicationRepo, "trackedReplicas"> & Pick<KeyRepo, "allKeys">;
  keys: Pick<KeyService, "putKey">;
  clock: Clock;
}

/** Move every replicated secret and multi-Region key this Region is primary of ahead of its replicas; returns how many. */
export async function moveAheadOfReplicas({ store, keys, clock }: RestoredPrimaryDeps): Promise<{ secrets: number; keys: number }> {
  let secrets = 0;
  const arns = new Set((await store.trackedReplicas()).map((t) => t.arn));
  for (const arn of arns) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await store.findSecretByArn(arn);
      if (!record?.replicas?.length || isReplica(record)) break;
      try {
        await store.commitSecret({
          record: { ...record, revision: record.revision + RESTORE_REVISION_STEP },
          expectedRevision: record.revision,
          outbox: record.replicas.map((r) => ({ region: r.region, op: "sync" as const })),
          at: clock.now(),
        });
        secrets++;
        break;
      } catch (e) {
        if (!(e instanceof StoreConflict)) throw e;
      }
    }
  }
  let moved = 0;
  for (const key of await store.allKeys()) {
    if (!isMultiRegionPrimary(key) || key.multiRegionConfig.replicaRegions.length === 0) continue;
    const config = key.multiRegionConfig;
    await keys.putKey({ ...key, multiRegionConfig: { ...config, revision: config.revision + RESTORE_REVISION_STEP } });
    moved++;
  }
  return { secrets, keys: moved };
}
