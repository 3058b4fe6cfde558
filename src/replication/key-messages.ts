// The replication messages of multi-Region KMS keys. State-based like a secret's sync: the primary's
// Region sends a related key's whole shared state (which Region is primary, which hold replicas,
// rotation settings, every key material sealed to the destination Region) and the destination
// applies it only if its revision is newer; material is only ever added, so merging it is safe.

import type { KeyMaterial, KeyRecord, MultiRegionConfig } from "../contract/kms-types.js";
import type { ReplicaInit } from "../kms/key-replication.js";
import type { SealedForRegion } from "./sealed-transfer.js";

interface ReplicatedMaterial {
  index: number;
  id: string;
  createdDate: number;
  rotationType?: KeyMaterial["rotationType"];
  sealed: SealedForRegion;
}

export interface ReplicateKeyMessage {
  kind: "replicate-key";
  source: string;
  dest: string;
  accountId: string;
  keyId: string;
  /** present when the message creates the replica in the destination */
  create?: ReplicaInit;
  config: MultiRegionConfig;
  shared: Pick<KeyRecord, "keySpec" | "keyUsage" | "rotationEnabled" | "rotationPeriodInDays" | "nextRotationDate">;
  materials: ReplicatedMaterial[];
}

/** A replica key was deleted: sent by its Region to the primary's. */
export interface KeyReplicaDeletedNotice {
  kind: "key-replica-deleted";
  source: string;
  dest: string;
  accountId: string;
  keyId: string;
}

export type KeyMessage = ReplicateKeyMessage | KeyReplicaDeletedNotice;

export type KeyOutcome =
  | { status: "KeyApplied"; creationDate: number }
  /** the destination refused, with the KMS error the caller of the operation gets */
  | { status: "KeyRefused"; code: string; message: string };

export const isKeyMessage = (m: { kind: string }): m is KeyMessage => m.kind === "replicate-key" || m.kind === "key-replica-deleted";

/** Sealed material opens only for this key, material, destination and revision. */
export const materialAad = (accountId: string, keyId: string, m: { index: number; id: string }, dest: string, revision: number) =>
  `kms-material\n${accountId}\n${keyId}\n${m.index}\n${m.id}\n${dest}\n${revision}`;
