// Identity replication between processes (DESIGN §6): the process hosting a partition's home Region
// owns its IAM data and sends every other Region of the partition a whole copy after each change
// (and again on each sweep, so a Region that was down catches up). Secret access keys travel
// sealed to the destination Region's transport key, like secret values.

import type { AccessKeyRecord, IamEntity } from "../contract/identity-types.js";
import type { SealedForRegion } from "./sealed-transfer.js";

export interface IdentityCopy {
  kind: "identity";
  source: string;
  dest: string;
  partition: string;
  /** which copy this is: the home process's start time, then its count of changes since; an older
   *  copy never replaces a newer one */
  epoch: number;
  seq: number;
  entities: IamEntity[];
  keys: { record: Omit<AccessKeyRecord, "wrappedSecret">; secret: SealedForRegion }[];
  /** every account's opt-in Region statuses, "<account>:<region>" → status (absent from older senders) */
  optIns?: Record<string, string>;
}

/** Sent by a follower to the home: keys used in its Regions (to the minute), for GetAccessKeyLastUsed. */
export interface IdentityUseNotes {
  kind: "identity-use";
  source: string;
  dest: string;
  partition: string;
  uses: { accessKeyId: string; date: number; region: string; service: string }[];
}

export type IdentityMessage = IdentityCopy | IdentityUseNotes;

export const isIdentityMessage = (m: { kind: string }): m is IdentityMessage => m.kind === "identity" || m.kind === "identity-use";

/** A key's secret opens only in the Region it was sealed for, as that key's. */
export const accessKeyAad = (partition: string, accessKeyId: string, dest: string) => `iam-access-key\n${partition}\n${accessKeyId}\n${dest}`;
