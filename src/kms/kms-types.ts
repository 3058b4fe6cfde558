// KMS key and alias records as the key service keeps them. Key material is only ever held here
// wrapped by the Region's root key (see kms/root-key.ts).

export type KeyState = "Enabled" | "Disabled" | "PendingDeletion" | "PendingImport" | "Unavailable";

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
  materials: KeyMaterial[];
  rotationEnabled: boolean;
  rotationPeriodInDays?: number;
  nextRotationDate?: number;
  policy?: string;
  tags: { TagKey: string; TagValue: string }[];
}

export interface AliasRecord {
  accountId: string;
  aliasName: string; // "alias/..."
  targetKeyId: string;
  creationDate: number;
  lastUpdatedDate: number;
}
