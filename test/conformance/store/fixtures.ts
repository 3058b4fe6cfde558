// Records the store conformance suite writes: small, valid, and distinct per call, so each test
// reads back exactly what it wrote. Buffers are random so a store that mixes them up shows.

import { randomBytes } from "node:crypto";
import type { SealedValue, SecretRecord } from "../../../src/contract/secret-types.js";
import type { AliasRecord, KeyRecord } from "../../../src/contract/kms-types.js";
import type { AccessKeyRecord, IamEntity } from "../../../src/contract/identity-types.js";
import type { CloudTrailEvent } from "../../../src/contract/audit-records.js";
import type { StoredAuditEvent } from "../../../src/store/store.js";

export const ACCOUNT = "111122223333";
export const OTHER_ACCOUNT = "444455556666";
export const REGION = "us-east-1";
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
export const DAY = 86_400_000;

export const secretArn = (name: string, accountId = ACCOUNT) => `arn:aws:secretsmanager:${REGION}:${accountId}:secret:${name}-AbCdEf`;

export function secret(name: string, more: Partial<SecretRecord> = {}): SecretRecord {
  const accountId = more.accountId ?? ACCOUNT;
  return {
    arn: secretArn(name, accountId),
    accountId,
    region: REGION,
    name,
    tags: [{ Key: "team", Value: "blue" }],
    createdDate: T0,
    lastChangedDate: T0,
    versions: [{ versionId: "v1", stages: ["AWSCURRENT"], createdDate: T0 }],
    revision: 1,
    ...more,
  };
}

export function sealed(versionId: string): SealedValue {
  return { versionId, kind: "string", wrappedKey: randomBytes(40), iv: randomBytes(12), ciphertext: randomBytes(33) };
}

export function key(n: number, accountId = ACCOUNT): KeyRecord {
  const keyId = `0000000${n}-1111-2222-3333-444444444444`;
  return {
    arn: `arn:aws:kms:${REGION}:${accountId}:key/${keyId}`,
    keyId,
    accountId,
    region: REGION,
    description: `key ${n}`,
    keyManager: "CUSTOMER",
    keyState: "Enabled",
    keyUsage: "ENCRYPT_DECRYPT",
    keySpec: "SYMMETRIC_DEFAULT",
    creationDate: T0,
    multiRegion: false,
    materials: [{ index: 0, id: "a".repeat(64), wrapped: randomBytes(60), createdDate: T0 }],
    rotationEnabled: false,
    tags: [],
  };
}

export function alias(name: string, target: KeyRecord): AliasRecord {
  return { accountId: target.accountId, aliasName: `alias/${name}`, targetKeyId: target.keyId, creationDate: T0, lastUpdatedDate: T0 };
}

export function accessKey(id: string, more: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return {
    accessKeyId: id,
    accountId: ACCOUNT,
    principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    userName: "alice",
    userId: "AIDAEXAMPLE",
    wrappedSecret: randomBytes(48),
    status: "Active",
    createdDate: T0,
    ...more,
  };
}

export function iamUser(name: string, accountId = ACCOUNT): IamEntity {
  return {
    kind: "user", accountId, name, path: "/", id: `AIDA${name.toUpperCase()}`, arn: `arn:aws:iam::${accountId}:user/${name}`,
    createDate: T0, inlinePolicies: {}, attachedPolicies: [], tags: [], groups: [],
  };
}

export function iamGroup(name: string, accountId = ACCOUNT): IamEntity {
  return {
    kind: "group", accountId, name, path: "/", id: `AGPA${name.toUpperCase()}`, arn: `arn:aws:iam::${accountId}:group/${name}`,
    createDate: T0, inlinePolicies: {}, attachedPolicies: [],
  };
}

export function auditEvent(i: number, more: { time?: number; name?: string; user?: string; readOnly?: boolean } = {}): StoredAuditEvent {
  const time = more.time ?? T0 + i * 1000;
  const user = more.user ?? "alice";
  const event = {
    eventVersion: "1.08",
    userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, userName: user },
    eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: "secretsmanager.amazonaws.com",
    eventName: more.name ?? "GetSecretValue",
    awsRegion: REGION,
    sourceIPAddress: "127.0.0.1",
    userAgent: "conformance",
    requestParameters: { secretId: "app/db" },
    responseElements: null,
    requestID: `req-${i}`,
    eventID: `event-${i}`,
    readOnly: more.readOnly ?? true,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
  } as unknown as CloudTrailEvent;
  return { time, event };
}

/** A record as a later reader expects it: the store adds nothing and drops nothing. */
export const sorted = <T>(items: T[], by: (t: T) => string) => [...items].sort((a, b) => (by(a) < by(b) ? -1 : by(a) > by(b) ? 1 : 0));

/**
 * A value with its undefined properties left out, Buffers kept: the seam does not say whether an
 * absent optional field reads back absent or as undefined, so the suite compares through this.
 */
export function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as T;
  if (value === null || typeof value !== "object" || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)])) as T;
}
