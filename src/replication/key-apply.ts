// The receiving side of multi-Region key replication: apply a related key's shared state (creating
// the replica when ReplicateKey asks), only if its revision is newer, unsealing each new key
// material and wrapping it under this Region's root key. At the primary, also the notice that a
// replica was deleted.

import type { KeyObject } from "node:crypto";
import type { KeyService } from "../kms/key-service.js";
import type { KeyMaterial, KeyRecord } from "../contract/kms-types.js";
import { isMultiRegionPrimary } from "../kms/key-replication.js";
import { keyPendingDeletion, kmsNotFound } from "../kms/kms-errors.js";
import type { Clock } from "../util/clock.js";
import { days } from "../util/clock.js";
import { openFromRegion } from "./sealed-transfer.js";
import { materialAad, type KeyMessage, type KeyOutcome, type KeyReplicaDeletedNotice, type ReplicateKeyMessage } from "./key-messages.js";
import type { ApplyOutcome } from "./replication-types.js";

type Keys = Pick<KeyService, "keyArn" | "getKey" | "putKey" | "exclusive" | "adoptMaterial">;

export interface KeyApplyDeps {
  region: string;
  keys: Keys;
  transportKey: () => KeyObject;
  isEnabled(accountId: string): Promise<boolean>;
  clock: Clock;
  /** send a key's new state to its replicas after a change made here (a replica forgotten) */
  propagate(key: KeyRecord): Promise<void>;
}

const refused = (code: string, message: string): KeyOutcome => ({ status: "KeyRefused", code, message });
const applied = (key: KeyRecord): KeyOutcome => ({ status: "KeyApplied", creationDate: key.creationDate });

/**
 * At the primary: `region` holds no replica any more. A primary waiting for its replicas to be
 * deleted (PendingReplicaDeletion) starts its own waiting period when the last of them is gone.
 */
export function forgetReplica(keys: Keys, clock: Clock, arn: string, region: string): Promise<KeyRecord | undefined> {
  return keys.exclusive(arn, async () => {
    const key = await keys.getKey(arn);
    if (!key || !isMultiRegionPrimary(key) || !key.multiRegionConfig.replicaRegions.includes(region)) return undefined;
    const config = key.multiRegionConfig;
    const replicaRegions = config.replicaRegions.filter((r) => r !== region);
    let next: KeyRecord = { ...key, multiRegionConfig: { ...config, replicaRegions, revision: config.revision + 1 } };
    if (next.keyState === "PendingReplicaDeletion" && replicaRegions.length === 0) {
      next = { ...next, keyState: "PendingDeletion", deletionDate: clock.now() + days(next.pendingWindowInDays ?? 30) };
    }
    return keys.putKey(next);
  });
}

export function makeKeyApplier(deps: KeyApplyDeps) {
  const { region, keys } = deps;

  /** `have` with the sent materials it lacks, unsealed and wrapped here, in index order. */
  function mergeMaterials(arn: string, have: KeyMaterial[], msg: ReplicateKeyMessage): KeyMaterial[] {
    const known = new Set(have.map((m) => m.index));
    const added = msg.materials
      .filter((m) => !known.has(m.index))
      .map(({ sealed, ...m }) => {
        const plain = openFromRegion(deps.transportKey(), sealed, materialAad(msg.accountId, msg.keyId, m, region, msg.config.revision));
        return keys.adoptMaterial(arn, m, plain);
      });
    return added.length === 0 ? have : [...have, ...added].sort((a, b) => a.index - b.index);
  }

  // JSON drops undefined fields, so the shared ones are copied one by one to clear the unset ones.
  const sharedOf = (msg: ReplicateKeyMessage) => ({
    keySpec: msg.shared.keySpec,
    keyUsage: msg.shared.keyUsage,
    rotationEnabled: msg.shared.rotationEnabled,
    rotationPeriodInDays: msg.shared.rotationPeriodInDays,
    nextRotationDate: msg.shared.nextRotationDate,
    multiRegionConfig: msg.config,
  });

  async function replicateKey(msg: ReplicateKeyMessage): Promise<KeyOutcome> {
    const arn = keys.keyArn(msg.accountId, msg.keyId);
    // Meridian's wording: on AWS a Region not enabled for the account is not offered at all.
    if (msg.create && !(await deps.isEnabled(msg.accountId))) {
      return refused("UnsupportedOperationException", `Region ${region} is not enabled for account ${msg.accountId}.`);
    }
    return keys.exclusive(arn, async () => {
      const local = await keys.getKey(arn);
      if (!local) {
        if (!msg.create) return refused("NotFoundException", kmsNotFound(arn).message);
        const created: KeyRecord = {
          arn,
          keyId: msg.keyId,
          accountId: msg.accountId,
          region,
          description: msg.create.description,
          keyManager: "CUSTOMER",
          keyState: "Enabled",
          creationDate: deps.clock.now(),
          multiRegion: true,
          ...sharedOf(msg),
          materials: mergeMaterials(arn, [], msg),
          policy: msg.create.policy,
          tags: msg.create.tags,
        };
        return applied(await keys.putKey(created));
      }
      // A create that finds the replica is a retry whose answer was lost: apply it as state.
      const config = local.multiRegionConfig;
      const newer = config === undefined || msg.config.revision > config.revision;
      const promoted = newer && msg.config.primaryRegion === region && config?.primaryRegion !== region;
      if (promoted && (local.keyState === "PendingDeletion" || local.keyState === "PendingReplicaDeletion")) {
        return refused("KMSInvalidStateException", keyPendingDeletion(arn).message);
      }
      const materials = mergeMaterials(arn, local.materials, msg);
      if (!newer && materials === local.materials) return applied(local);
      return applied(await keys.putKey({ ...local, ...(newer ? sharedOf(msg) : {}), materials }));
    });
  }

  async function replicaDeleted(msg: KeyReplicaDeletedNotice): Promise<ApplyOutcome> {
    const next = await forgetReplica(keys, deps.clock, keys.keyArn(msg.accountId, msg.keyId), msg.source);
    if (next) await deps.propagate(next);
    return { status: "Noted" };
  }

  return async function apply(message: KeyMessage): Promise<ApplyOutcome> {
    if (message.dest !== region) return { status: "Failed", message: `This is ${region}, not ${message.dest}.` };
    if (message.kind === "replicate-key") return replicateKey(message);
    return replicaDeleted(message);
  };
}
