// The secret as the secrets service and the store see it. Values never appear here: a version
// carries only its encrypted envelope (see kms/envelope.ts), and that lives in the store's value table.

export interface Tag {
  Key: string;
  Value: string;
}

/** One version's metadata. Values are stored separately, only encrypted. */
export interface VersionMeta {
  versionId: string;
  /** staging labels attached to this version; empty for a deprecated version */
  stages: string[];
  createdDate: number; // epoch milliseconds
  lastAccessedDate?: number; // epoch milliseconds, truncated to the UTC day
  /** KMS key ARN whose data key encrypted this version, or undefined for the default key */
  kmsKeyId?: string;
}

export interface RotationSettings {
  enabled: boolean;
  lambdaArn?: string;
  automaticallyAfterDays?: number;
  scheduleExpression?: string;
  duration?: string;
  lastRotatedDate?: number;
  /** when the next rotation window opens (what DescribeSecret shows) */
  nextRotationDate?: number;
  /** the moment inside that window the scheduler starts the rotation (chosen at random, issue 13) */
  rotateAt?: number;
  /** why the last attempt failed; cleared by a rotation that succeeds */
  lastFailure?: string;
}

export interface ReplicaRegion {
  region: string;
  kmsKeyId?: string;
  forceOverwrite?: boolean;
}

/** Everything about a secret except its values. `revision` increases on every committed change. */
export interface SecretRecord {
  arn: string;
  accountId: string;
  region: string;
  name: string;
  description?: string;
  /** the key the user chose (as given: id, ARN, alias or alias ARN), undefined for aws/secretsmanager */
  kmsKeyId?: string;
  tags: Tag[];
  /** set once the secret has had tags: from then on its Tags show even when empty, as on AWS */
  tagsSet?: boolean;
  resourcePolicy?: string;
  rotation?: RotationSettings;
  type?: string;
  owningService?: string;
  /** the Region of the primary, on a primary that has replicas and on each replica */
  primaryRegion?: string;
  /** on a primary: the Regions it replicates to, each with the replica's KMS key */
  replicas?: ReplicaRegion[];
  createdDate: number;
  lastChangedDate: number;
  lastAccessedDate?: number;
  /** set when scheduled for deletion: when it was deleted, and when it is purged */
  deletedDate?: number;
  purgeDate?: number;
  versions: VersionMeta[];
  revision: number;
}

/** A version's value as held at rest: AES-256-GCM under a data key that is itself stored wrapped. */
export interface SealedValue {
  versionId: string;
  /** "string" or "binary": which member the value came in */
  kind: "string" | "binary";
  /** wrapped data key as returned by the key service (a KMS ciphertext blob) */
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer; // includes the GCM tag at the end
}
