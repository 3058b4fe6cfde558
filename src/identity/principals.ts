// Who a credential stands for (DESIGN §12): principals are found by their unique id (AIDA… users,
// AROA… roles), never by name, so a deleted principal's keys and sessions stop working and a new
// principal given the same name inherits none of them. Pure lookups over the partition's identities.

import type { AccessKeyRecord, IamEntity, IamRole, IamUser } from "../contract/identity-types.js";
import type { RequestPrincipal } from "../contract/policy-types.js";
import type { SessionClaims } from "./sessions.js";
import { rootArn } from "../util/arn.js";

export interface PrincipalLookup {
  partition: string;
  /** the user, group, role or managed policy with this unique id */
  byId(id: string): IamEntity | undefined;
}

const rootPrincipal = (partition: string, accountId: string): RequestPrincipal => ({
  arn: rootArn(partition, accountId),
  account: accountId,
  type: "Root",
  userId: accountId,
});

/** An IAM user as policies see it; its tags as they are now (aws:PrincipalTag). */
export const userPrincipal = (user: IamUser): RequestPrincipal => ({
  arn: user.arn,
  account: user.accountId,
  type: "User",
  username: user.name,
  userId: user.id,
  tags: Object.fromEntries(user.tags.map((t) => [t.Key, t.Value])),
});

/** The role id in an assumed-role session's unique id, `AROA…:<session name>`. */
export const roleIdOf = (assumedRoleId: string | undefined) => assumedRoleId?.split(":")[0];

function entityOf<K extends "user" | "role">(lookup: PrincipalLookup, kind: K, accountId: string, id: string | undefined) {
  const e = id === undefined ? undefined : lookup.byId(id);
  return e && e.kind === kind && e.accountId === accountId ? (e as K extends "user" ? IamUser : IamRole) : undefined;
}

/** The user with this unique id in the account, or undefined (deleted, or replaced under its name). */
export const userById = (lookup: PrincipalLookup, accountId: string, id: string | undefined) => entityOf(lookup, "user", accountId, id);
export const roleById = (lookup: PrincipalLookup, accountId: string, id: string | undefined) => entityOf(lookup, "role", accountId, id);

/**
 * Whom an access key signs for: its user by unique id, or the account's root (accounts are never
 * deleted); undefined once the user is gone.
 */
export function principalOfKey(lookup: PrincipalLookup, record: AccessKeyRecord): RequestPrincipal | undefined {
  if (record.userName === undefined) return rootPrincipal(lookup.partition, record.accountId);
  const user = userById(lookup, record.accountId, record.userId);
  return user && userPrincipal(user);
}

/**
 * Whom a session acts as now: the assumed role's session while that very role (its unique id)
 * exists, the user (or root) of GetSessionToken while that user exists; undefined once it is gone.
 */
export function principalOfSession(lookup: PrincipalLookup, claims: SessionClaims): RequestPrincipal | undefined {
  const { principal, issuer } = claims;
  if (issuer.type === "Role") {
    const role = roleById(lookup, principal.account, issuer.principalId);
    return role && principal.type === "AssumedRole" && role.arn === principal.roleArn ? principal : undefined;
  }
  if (principal.type === "Root") return rootPrincipal(lookup.partition, principal.account);
  const user = userById(lookup, principal.account, issuer.principalId);
  return user && user.id === principal.userId ? userPrincipal(user) : undefined;
}

/** A session from GetSessionToken (a user's or the root's own), not from AssumeRole. */
export const isSessionTokenSession = (claims: SessionClaims) => claims.issuer.type === "User";

/**
 * Keys stored before keys carried their user's unique id name the user only. IAM deletes a user
 * only once its keys are gone, so in a consistent set of identities such a key's user is the one
 * holding the name now: bind it to that user's id, once, from the set it was stored with.
 */
export function bindLegacyKey(record: AccessKeyRecord, userNamed: (accountId: string, name: string) => IamUser | undefined): AccessKeyRecord {
  if (record.userName === undefined || record.userId !== undefined) return record;
  const user = userNamed(record.accountId, record.userName);
  return user ? { ...record, userId: user.id } : record;
}
