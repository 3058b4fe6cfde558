// KMS key and alias records as the key service keeps them. Key material is only ever held here
// wrapped by the Region's root key (see kms/root-key.ts).

type KeyState = "Enabled" | "Disabled" | "PendingDeletion" | "PendingReplicaDeletion" | "PendingImport" | "Unavailable";

export interface KeyMaterial {
  /** index recorded in every ciphertext made with this material, so rotation keeps old ones readable */
  index: number;
  /** the KeyMaterialId AWS reports: 64 hex characters */
  id: string;
  rotationType?: "AUTOMATIC" | "ON_DEMAND";
  wrapped: Buffer;
  createdDate: number;
}

export interface KeyRecord {
  arn: string;
  keyId: string;
  accountId: string;
  region: string;
  description: string;
  keyManager: "AWS" | "CUSTOMER";
  keyState: KeyState;
  keyUsage: "ENCRYPT_DECRYPT";
  keySpec: "SYMMETRIC_DEFAULT";
  creationDate: number;
  deletionDate?: number;
  pendingWindowInDays?: number;
  multiRegion: boolean;
  /** present on multi-Region keys: which Region holds the primary, which hold replicas */
  multiRegionConfig?: MultiRegionConfig;
  materials: KeyMaterial[];
  rotationEnabled: boolean;
  rotationPeriodInDays?: number;
  nextRotationDate?: number;
  policy?: string;
  tags: { TagKey: string; TagValue: string }[];
}

/**
 * What related multi-Region keys agree on about each other. Each Region keeps its own copy; the
 * primary bumps `revision` with every change to what the keys share (this, the key material, the
 * rotation settings), and a Region applies a copy only if it is newer than its own.
 */
export interface MultiRegionConfig {
  primaryRegion: string;
  /** Regions holding a replica, in the order they were added */
  replicaRegions: string[];
  revision: number;
}

export interface AliasRecord {
  accountId: string;
  aliasName: string; // "alias/..."
  targetKeyId: string;
  creationDate: number;
  lastUpdatedDate: number;
}
