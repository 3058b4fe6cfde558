// The shapes the KMS API returns for a key, and its Marker paging.

import type { KeyRecord } from "../../contract/kms-types.js";
import type { KeyMetadata, MultiRegionConfiguration, MultiRegionKey } from "../../generated/kms-api.js";
import { keyArnIn } from "../key-replication.js";
import { kmsError } from "../kms-errors.js";

/** A stored time (epoch ms) as the API returns it; the edge writes it in the wire's form. */
export const apiDate = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

export function keyMetadata(key: KeyRecord): KeyMetadata {
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: apiDate(key.creationDate),
    Enabled: key.keyState === "Enabled",
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.keyState,
    DeletionDate: apiDate(key.deletionDate),
    Origin: "AWS_KMS",
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
    MultiRegion: key.multiRegion,
    MultiRegionConfiguration: multiRegionConfiguration(key),
    PendingDeletionWindowInDays: key.pendingWindowInDays,
    CurrentKeyMaterialId: key.materials[key.materials.length - 1].id,
  };
}

/** Which related key is the primary and which are replicas, as this Region last learned it. */
function multiRegionConfiguration(key: KeyRecord): MultiRegionConfiguration | undefined {
  const config = key.multiRegionConfig;
  if (!config) return undefined;
  const related = (region: string): MultiRegionKey => ({ Arn: keyArnIn(key.arn, region), Region: region });
  return {
    MultiRegionKeyType: config.primaryRegion === key.region ? "PRIMARY" : "REPLICA",
    PrimaryKey: related(config.primaryRegion),
    ReplicaKeys: config.replicaRegions.map(related),
  };
}

/** Marker paging as the KMS list operations do it: Limit 1–1000 (default 100), Truncated, NextMarker. */
export function markerPage<T>(items: T[], limit: number | undefined, marker: string | undefined): { page: T[]; Truncated: boolean; NextMarker?: string } {
  let start = 0;
  if (marker !== undefined) {
    start = Number(Buffer.from(marker, "base64url").toString("utf8"));
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw kmsError("InvalidMarkerException", "Invalid marker");
    }
  }
  const end = start + (limit ?? 100);
  const truncated = end < items.length;
  return {
    page: items.slice(start, end),
    Truncated: truncated,
    NextMarker: truncated ? Buffer.from(String(end)).toString("base64url") : undefined,
  };
}
