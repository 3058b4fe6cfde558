// The replication protocol (DESIGN §5): what a primary Region sends a replica Region, and what the
// replica answers. State-based: a sync carries the secret's whole metadata at one revision and the
// values the replica does not have yet, sealed to the replica Region.

import type { RotationSettings, Tag } from "../contract/secret-types.js";
import type { SealedForRegion } from "./sealed-transfer.js";
import type { KeyMessage, KeyOutcome } from "./key-messages.js";
import type { IdentityMessage } from "./identity-messages.js";

interface ReplicatedVersion {
  versionId: string;
  stages: string[];
  createdDate: number;
}

interface ReplicatedValue {
  versionId: string;
  kind: "string" | "binary";
  sealed: SealedForRegion;
}

export interface SyncMessage {
  kind: "sync";
  source: string;
  dest: string;
  accountId: string;
  primaryArn: string;
  revision: number;
  /** replace a same-named secret in the destination that is not a replica of this primary */
  forceOverwrite: boolean;
  /** the replica's KMS key in the destination Region; aws/secretsmanager there when absent */
  kmsKeyId?: string;
  secret: {
    name: string;
    description?: string;
    tags: Tag[];
    tagsSet?: boolean;
    resourcePolicy?: string;
    rotation?: RotationSettings;
    type?: string;
    createdDate: number;
    lastChangedDate: number;
    versions: ReplicatedVersion[];
  };
  values: ReplicatedValue[];
}

export interface RemoveMessage {
  kind: "remove";
  source: string;
  dest: string;
  accountId: string;
  primaryArn: string;
}

/** A replica was promoted: sent by the promoted Region to the old primary. */
export interface PromotedNotice {
  kind: "promoted";
  source: string;
  dest: string;
  accountId: string;
  primaryArn: string;
}

export type SecretMessage = SyncMessage | RemoveMessage | PromotedNotice;
/** A secret's messages, those of multi-Region KMS keys (key-messages.ts), and a partition's identities. */
export type ReplicationMessage = SecretMessage | KeyMessage | IdentityMessage;

export type ApplyOutcome =
  | { status: "InSync"; versions: string[]; lastAccessedDate?: number }
  | { status: "Failed"; message: string }
  /** the replica lacks these values (restored from a backup, say): send them */
  | { status: "NeedValues"; versionIds: string[] }
  /** the replica was promoted to a standalone secret: never overwrite it */
  | { status: "Promoted" }
  | { status: "Removed" }
  | { status: "Noted" }
  | KeyOutcome;

/**
 * The destination could not be reached. `answered`: it did answer, with a server error (5xx), so it
 * is up but failing; otherwise nothing answered (refused connection, timeout, no endpoint).
 */
export class RegionUnreachable extends Error {
  constructor(
    message: string,
    readonly answered = false,
  ) {
    super(message);
  }
}

/** The destination answered and refused this process's peer secret: reported once by the transport. */
export class PeerSecretRefused extends Error {}

/** StatusMessage of a Region where a secret that is not this replica holds the name. */
export const NAME_TAKEN = "Replication failed: Secret with this name already exists in this region.";
