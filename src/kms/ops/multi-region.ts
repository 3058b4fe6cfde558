// ReplicateKey and UpdatePrimaryRegion, and changeShared: the one way a change to what related
// multi-Region keys share (material, rotation settings, which Region is primary) is made. Each runs
// under the key's lock in the primary's Region and bumps the shared revision; the replicas then get
// the new state through the replication transport and apply it only if it is newer (DESIGN §5).

import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { KeyRecord } from "../../contract/kms-types.js";
import type { KmsOperations, ReplicateKeyRequest, ReplicateKeyResponse, UpdatePrimaryRegionRequest } from "../../generated/kms-api.js";
import { isMultiRegionPrimary, isMultiRegionReplica, keyArnIn, type KeyReplication, type ReplicaInit } from "../key-replication.js";
import { keyDisabled, kmsError, kmsNotFound, kmsValidation, notMultiRegionPrimary, unsupported } from "../kms-errors.js";
import { checkKeyPolicy, defaultKeyPolicy } from "../key-policies.js";
import { customerKey, notPendingDeletion, type KmsAction } from "./key-access.js";
import { checkNewTags } from "./tags.js";
import { keyMetadata } from "./render.js";
import type { KmsDeps } from "./kms-deps.js";

/** Refuse a multi-Region replica key: rotation and replication are the primary's to do. */
export function notReplica(key: KeyRecord): KeyRecord {
  if (isMultiRegionReplica(key)) throw notMultiRegionPrimary(key.arn);
  return key;
}

/**
 * Write `change(current record)` under the key's lock; for a multi-Region primary, bump the shared
 * revision and send the new state to every replica (best effort: anti-entropy heals a missed one).
 */
export async function changeShared(
  { keys, keyReplication }: Pick<KmsDeps, "keys" | "keyReplication">,
  key: KeyRecord,
  change: (current: KeyRecord) => KeyRecord,
): Promise<KeyRecord> {
  const next = await keys.exclusive(key.arn, async () => {
    const current = await keys.getKey(key.arn);
    if (!current) throw kmsNotFound(key.arn);
    const changed = change(current);
    const config = changed.multiRegionConfig;
    return keys.putKey(config ? { ...changed, multiRegionConfig: { ...config, revision: config.revision + 1 } } : changed);
  });
  if (isMultiRegionPrimary(next)) await keyReplication?.propagate(next, next.multiRegionConfig.replicaRegions);
  return next;
}

export function multiRegionOps({ keys, keyReplication }: KmsDeps): OperationTable<KmsOperations> {
  function replication(): KeyReplication {
    if (!keyReplication) throw unsupported("This Region replicates nothing: multi-Region keys stay in their Region here.");
    return keyReplication;
  }

  /** A Region of this key's partition other than its own (the messages are Meridian's: AWS's are not known). */
  function checkOtherRegion(ctx: CallContext, region: string, what: string): void {
    if (region === ctx.region) throw kmsValidation(`The ${what} Region must be another Region than ${ctx.region}, where the request was made.`);
    const partition = replication().partitionOf(region);
    if (partition === undefined) throw kmsValidation(`${region} is not a Region of this deployment.`);
    if (partition !== ctx.partition) {
      throw unsupported(`${region} is in partition ${partition}: a multi-Region key has related keys only in its own partition, ${ctx.partition}.`);
    }
  }

  /** The caller's multi-Region primary key, not pending deletion. */
  async function primaryKey(ctx: CallContext, ref: string, action: KmsAction): Promise<KeyRecord> {
    const key = await customerKey(keys, ctx, ref, action);
    if (!isMultiRegionPrimary(key)) throw notMultiRegionPrimary(key.arn);
    return notPendingDeletion(key);
  }

  async function replicateKey(ctx: CallContext, input: ReplicateKeyRequest): Promise<ReplicateKeyResponse> {
    const key = await primaryKey(ctx, input.KeyId, "ReplicateKey");
    if (key.keyState === "Disabled") throw keyDisabled(key.arn);
    const target = input.ReplicaRegion;
    checkOtherRegion(ctx, target, "replica");
    if (input.Tags) checkNewTags([], input.Tags);
    if (input.Policy !== undefined) checkKeyPolicy(input.Policy, ctx, input.BypassPolicyLockoutSafetyCheck === true);
    const init: ReplicaInit = {
      description: input.Description ?? "",
      policy: input.Policy ?? defaultKeyPolicy(ctx.partition, ctx.accountId),
      tags: input.Tags ?? [],
    };
    const sender = replication();
    // The replica is created before the primary records it, under the primary's lock: a failure
    // leaves nothing changed, and a rotation waits so that the new replica gets its material too.
    const { next, creationDate } = await keys.exclusive(key.arn, async () => {
      const current = await keys.getKey(key.arn);
      if (!current || !isMultiRegionPrimary(current)) throw notMultiRegionPrimary(key.arn);
      const config = current.multiRegionConfig;
      // Meridian's wording: AWS's is not known.
      if (config.replicaRegions.includes(target)) throw kmsError("AlreadyExistsException", `${keyArnIn(key.arn, target)} already exists.`);
      const next = { ...current, multiRegionConfig: { ...config, replicaRegions: [...config.replicaRegions, target], revision: config.revision + 1 } };
      const { creationDate } = await sender.deliver(next, target, init);
      await keys.putKey(next);
      return { next, creationDate };
    });
    await sender.propagate(next, next.multiRegionConfig.replicaRegions.filter((r) => r !== target));
    const replica: KeyRecord = {
      ...next,
      arn: keyArnIn(next.arn, target),
      region: target,
      description: init.description,
      policy: init.policy,
      tags: init.tags,
      creationDate,
      keyState: "Enabled",
    };
    // As AWS answers: the replica is still being created as far as the caller knows.
    return {
      ReplicaKeyMetadata: { ...keyMetadata(replica), KeyState: "Creating", Enabled: false, CurrentKeyMaterialId: undefined },
      ReplicaPolicy: init.policy,
      ReplicaTags: init.tags.length > 0 ? init.tags : undefined,
    };
  }

  async function updatePrimaryRegion(ctx: CallContext, input: UpdatePrimaryRegionRequest) {
    const key = await primaryKey(ctx, input.KeyId, "UpdatePrimaryRegion");
    const target = input.PrimaryRegion;
    checkOtherRegion(ctx, target, "new primary");
    const sender = replication();
    // The new primary learns it first: if it refuses, nothing changed; once it accepted, this key
    // becomes a replica and the other replicas learn of the change.
    const next = await keys.exclusive(key.arn, async () => {
      const current = await keys.getKey(key.arn);
      if (!current || !isMultiRegionPrimary(current)) throw notMultiRegionPrimary(key.arn);
      notPendingDeletion(current);
      const config = current.multiRegionConfig;
      if (!config.replicaRegions.includes(target)) throw kmsNotFound(keyArnIn(key.arn, target));
      const replicaRegions = [...config.replicaRegions.filter((r) => r !== target), current.region];
      const next = { ...current, multiRegionConfig: { primaryRegion: target, replicaRegions, revision: config.revision + 1 } };
      await sender.deliver(next, target);
      await keys.putKey(next);
      return next;
    });
    await sender.propagate(next, next.multiRegionConfig.replicaRegions.filter((r) => r !== ctx.region));
    return {};
  }

  return {
    ReplicateKey: replicateKey,
    UpdatePrimaryRegion: updatePrimaryRegion,
  };
}
