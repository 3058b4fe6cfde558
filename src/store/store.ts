// The storage seam (DESIGN §7): one store per Region, asynchronous so a PostgreSQL implementation
// fits behind it. It holds only ciphertext for values and wrapped key material for keys. Writes to a
// secret are optimistic: a commit names the revision it read and fails with StoreConflict if
// another writer got there first, so no transaction is ever held across an await.

import type { SealedValue, SecretRecord } from "../secrets/secret-types.js";
import type { KeyRecord, AliasRecord } from "../kms/kms-types.js";
import type { AccessKeyRecord } from "../identity/identity-types.js";

export class StoreConflict extends Error {
  constructor(readonly what: "revision" | "name") {
    super(`store conflict on ${what}`);
  }
}

export interface SecretCommit {
  record: SecretRecord;
  /** revision the change was computed from; 0 creates the secret */
  expectedRevision: number;
  putValues?: SealedValue[];
  deleteValues?: string[];
}

export interface SecretRepo {
  findSecretByName(accountId: string, name: string): Promise<SecretRecord | undefined>;
  findSecretByArn(arn: string): Promise<SecretRecord | undefined>;
  listSecrets(accountId: string): Promise<SecretRecord[]>;
  getValue(arn: string, versionId: string): Promise<SealedValue | undefined>;
  /** atomically replace the record (revision checked), add and drop values */
  commitSecret(commit: SecretCommit): Promise<void>;
  /** record a read on the secret and one version; no revision change (not replicated) */
  touchAccessed(arn: string, versionId: string, day: number): Promise<void>;
  /** remove the secret and every value it had; with a revision, only if the secret is still at it */
  purgeSecret(arn: string, expectedRevision?: number): Promise<boolean>;
  secretsDueForPurge(now: number): Promise<SecretRecord[]>;
}

export interface KeyRepo {
  getKey(arn: string): Promise<KeyRecord | undefined>;
  listKeys(accountId: string): Promise<KeyRecord[]>;
  putKey(key: KeyRecord): Promise<void>;
  /** remove a key and every alias that points at it */
  deleteKey(arn: string): Promise<void>;
  /** every key of every account, for the background sweep (deletion and automatic rotation) */
  allKeys(): Promise<KeyRecord[]>;
  getAlias(accountId: string, aliasName: string): Promise<AliasRecord | undefined>;
  listAliases(accountId: string): Promise<AliasRecord[]>;
  putAlias(alias: AliasRecord): Promise<void>;
  deleteAlias(accountId: string, aliasName: string): Promise<void>;
}

export interface IdentityRepo {
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  listAccessKeys(): Promise<AccessKeyRecord[]>;
  putAccessKey(key: AccessKeyRecord): Promise<void>;
}

/** Small values the Region keeps about itself (root key check value, schema facts). */
export interface MetaRepo {
  getMeta(key: string): Promise<string | undefined>;
  putMeta(key: string, value: string): Promise<void>;
}

export interface RegionStore extends SecretRepo, KeyRepo, IdentityRepo, MetaRepo {
  /** remove every secret and key (permissive-mode reset only) */
  wipe(): Promise<void>;
  close(): Promise<void>;
}
