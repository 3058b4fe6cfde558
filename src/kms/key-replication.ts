// The seam between a Region's KMS API and replication, for multi-Region keys: how what related keys
// share (key id, material, rotation settings, which Region is primary) reaches the other Regions
// that hold one. Implemented over the replication transport in replication/key-sender.ts.

import type { KeyRecord, MultiRegionConfig } from "../contract/kms-types.js";

/** What a new replica key does not share with its primary: set by the ReplicateKey call. */
export interface ReplicaInit {
  description: string;
  policy: string;
  tags: KeyRecord["tags"];
}

export interface KeyReplication {
  /** the partition of a Region of the topology, undefined for an unknown Region */
  partitionOf(region: string): string | undefined;
  /**
   * Deliver the key's shared state to `region` and wait until it is applied there, creating the
   * replica when `init` is given. Throws a ServiceError when the Region refuses it or is unreachable.
   */
  deliver(key: KeyRecord, region: string, init?: ReplicaInit): Promise<{ creationDate: number }>;
  /** Deliver to each of `regions` without failing: a Region that misses it is healed by anti-entropy. */
  propagate(key: KeyRecord, regions: string[]): Promise<void>;
  /** A replica key here was deleted: tell its primary (best effort; anti-entropy also finds out). */
  replicaDeleted(key: KeyRecord): void;
}

export const isMultiRegionPrimary = (key: KeyRecord): key is KeyRecord & { multiRegionConfig: MultiRegionConfig } =>
  key.multiRegionConfig !== undefined && key.multiRegionConfig.primaryRegion === key.region;

export const isMultiRegionReplica = (key: KeyRecord): key is KeyRecord & { multiRegionConfig: MultiRegionConfig } =>
  key.multiRegionConfig !== undefined && key.multiRegionConfig.primaryRegion !== key.region;

/** The ARN of the related key in another Region: the same key id, the Region changed. */
export function keyArnIn(arn: string, region: string): string {
  const parts = arn.split(":");
  parts[3] = region;
  return parts.join(":");
}
