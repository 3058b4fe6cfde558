// A Region's part in multi-Region key replication: the KeyReplication the KMS API uses (deliveries
// wait for the destination's answer, with every key material sealed to its transport key), the
// receiver of key messages, and the anti-entropy pass that re-offers each replica its primary's state
// and forgets replicas that are gone.

import type { KeyObject } from "node:crypto";
import { ServiceError } from "../contract/service-error.js";
import type { KeyService } from "../kms/key-service.js";
import type { KeyRecord } from "../contract/kms-types.js";
import { isMultiRegionPrimary, type KeyReplication, type ReplicaInit } from "../kms/key-replication.js";
import type { KeyRepo } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import { sealForRegion } from "./sealed-transfer.js";
import { materialAad, type ReplicateKeyMessage } from "./key-messages.js";
import { forgetReplica, makeKeyApplier } from "./key-apply.js";
import { RegionUnreachable, type ApplyOutcome, type ReplicationMessage } from "./replication-types.js";
import type { ReplicationTransport } from "./transport.js";

export interface KeyReplicationDeps {
  region: string;
  keys: Pick<KeyService, "keyArn" | "getKey" | "putKey" | "exclusive" | "adoptMaterial" | "sealMaterials">;
  store: Pick<KeyRepo, "allKeys">;
  transport: ReplicationTransport;
  transportKey: () => KeyObject;
  partitionOf(region: string): string | undefined;
  isEnabled(accountId: string): Promise<boolean>;
  clock: Clock;
  log: Logger;
  /** send a one-off notice, best effort (the outbox worker's, so that settling it waits for them) */
  notify(message: ReplicationMessage): void;
}

export function openKeyReplication(deps: KeyReplicationDeps) {
  const { region, keys, transport } = deps;

  async function message(key: KeyRecord, dest: string, create?: ReplicaInit): Promise<ReplicateKeyMessage> {
    const config = key.multiRegionConfig!;
    const destKey = await transport.publicKeyOf(dest);
    return {
      kind: "replicate-key",
      source: region,
      dest,
      accountId: key.accountId,
      keyId: key.keyId,
      create,
      config,
      shared: {
        keySpec: key.keySpec,
        keyUsage: key.keyUsage,
        rotationEnabled: key.rotationEnabled,
        rotationPeriodInDays: key.rotationPeriodInDays,
        nextRotationDate: key.nextRotationDate,
      },
      materials: keys.sealMaterials(key, (plain, m) => ({
        index: m.index,
        id: m.id,
        createdDate: m.createdDate,
        rotationType: m.rotationType,
        sealed: sealForRegion(destKey, plain, materialAad(key.accountId, key.keyId, m, dest, config.revision)),
      })),
    };
  }

  async function deliver(key: KeyRecord, dest: string, create?: ReplicaInit): Promise<{ creationDate: number }> {
    let outcome: ApplyOutcome;
    try {
      outcome = await transport.send(await message(key, dest, create));
    } catch (e) {
      // Meridian's wording: the related key in that Region was neither created nor changed.
      if (e instanceof RegionUnreachable) throw new ServiceError("KMSInternalException", `${e.message}; nothing was changed.`, 500);
      throw e;
    }
    if (outcome.status === "KeyApplied") return { creationDate: outcome.creationDate };
    if (outcome.status === "KeyRefused") throw new ServiceError(outcome.code, outcome.message);
    throw new ServiceError("KMSInternalException", `Region ${dest} answered ${outcome.status}: ${"message" in outcome ? outcome.message : ""}`, 500);
  }

  async function propagate(key: KeyRecord, regions: string[]): Promise<void> {
    for (const dest of regions) {
      try {
        await deliver(key, dest);
      } catch (e) {
        const fields = { keyId: key.keyId, region: dest, error: (e as Error).message };
        if (e instanceof ServiceError && e.status === 500) deps.log.info("multi-Region key state not delivered; anti-entropy retries", fields);
        else deps.log.error("multi-Region key state refused", fields);
      }
    }
  }

  function replicaDeleted(key: KeyRecord): void {
    const primary = key.multiRegionConfig?.primaryRegion;
    if (!primary || primary === region) return;
    // Best effort: the primary's anti-entropy also finds the replica gone.
    deps.notify({ kind: "key-replica-deleted", source: region, dest: primary, accountId: key.accountId, keyId: key.keyId });
  }

  const propagateAll = (key: KeyRecord) => propagate(key, key.multiRegionConfig?.replicaRegions ?? []);

  const apply = makeKeyApplier({
    region,
    keys,
    transportKey: deps.transportKey,
    isEnabled: deps.isEnabled,
    clock: deps.clock,
    propagate: propagateAll,
  });

  /** Offer every replica of each primary here its state again; forget replicas whose key is gone. */
  async function antiEntropy(): Promise<void> {
    for (const key of await deps.store.allKeys()) {
      if (!isMultiRegionPrimary(key)) continue;
      for (const dest of key.multiRegionConfig.replicaRegions) {
        try {
          await deliver(key, dest);
        } catch (e) {
          if (!(e instanceof ServiceError)) {
            deps.log.error("multi-Region key anti-entropy failed", { keyId: key.keyId, region: dest, error: (e as Error).message });
            continue;
          }
          if (e.code !== "NotFoundException") continue; // unreachable or refused: the next pass retries
          const next = await forgetReplica(keys, deps.clock, key.arn, dest);
          if (next) await propagateAll(next);
        }
      }
    }
  }

  const forKms: KeyReplication = { partitionOf: deps.partitionOf, deliver, propagate, replicaDeleted };
  return { apply, forKms, antiEntropy };
}
