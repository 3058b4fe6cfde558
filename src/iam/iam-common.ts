// What IAM's operations share: the partition directory of the call, lookups by name (IAM names
// are unique and found regardless of case), ARNs, policy document checks, list pages, and the
// output structures of the IAM model (User, Group, Role, Policy).

import { newIamId, type IdentityDirectory, type PartitionDirectory } from "../identity/directory.js";
import type { IamEntityOf, IamGroup, IamManagedPolicy, IamRole, IamTag, IamUser } from "../contract/identity-types.js";
import { parsePolicy } from "../policy/parse-policy.js";
import type { PolicyKind } from "../contract/policy-types.js";
import type { CallContext } from "../contract/call-context.js";
import type { Clock } from "../util/clock.js";
import { entityNotFound, limitExceeded, validationError, type EntityKind } from "./iam-errors.js";
import { iamArn } from "../util/arn.js";
import type { AttachedPermissionsBoundary, Group, ListUsersRequest, Policy, Role, Tag, User } from "../generated/iam-api.js";

export interface IamDeps {
  identity: Pick<IdentityDirectory, "partition">;
  clock: Clock;
}

export function directoryOf(deps: IamDeps, ctx: CallContext): PartitionDirectory {
  const dir = deps.identity.partition(ctx.partition);
  if (!dir) throw new Error(`no identity directory for partition ${ctx.partition}`);
  return dir;
}

type NamedKind = EntityKind | "policy";

/** The entity of this name, found as IAM finds it: the exact name, else the name in another case. */
export function findEntity<K extends NamedKind>(dir: PartitionDirectory, accountId: string, kind: K, name: string): IamEntityOf<K> | undefined {
  const exact = dir.get(accountId, kind, name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  return dir.list(accountId, kind).find((e) => (e as { name: string }).name.toLowerCase() === lower);
}

export function requireEntity<K extends EntityKind>(dir: PartitionDirectory, accountId: string, kind: K, name: string): IamEntityOf<K> {
  const found = findEntity(dir, accountId, kind, name);
  if (!found) throw entityNotFound(kind, name);
  return found;
}

export const entityArn = (ctx: Pick<CallContext, "partition" | "accountId">, kind: NamedKind, path: string, name: string) =>
  iamArn(ctx.partition, ctx.accountId, `${kind}${path}${name}`);

/** What a new user, group or role starts with: its name, path, id and ARN, and no policies. */
export function newPrincipalEntity(ctx: Pick<CallContext, "partition" | "accountId">, kind: "user" | "group" | "role", name: string, path: string | undefined, now: number) {
  const idPrefix = { user: "AIDA", group: "AGPA", role: "AROA" }[kind];
  const p = path ?? "/";
  return {
    accountId: ctx.accountId,
    name,
    path: p,
    id: newIamId(idPrefix),
    arn: entityArn(ctx, kind, p, name),
    createDate: now,
    inlinePolicies: {} as Record<string, string>,
    attachedPolicies: [] as string[],
  };
}

export const asDate = (ms: number) => new Date(ms);

/** IAM returns policy documents URL-encoded (RFC 3986), as botocore and the AWS CLI expect. */
export const encodeDocument = (text: string) => encodeURIComponent(text);

/** Size as IAM counts it: white space is not counted. */
export const policySize = (text: string) => text.replace(/\s/g, "").length;

/** A policy document checked for IAM: its size (LimitExceeded with `tooLarge`), then its grammar. */
export function checkDocument(text: string, kind: PolicyKind, limit: number, tooLarge: () => Error): void {
  if (policySize(text) > limit) throw tooLarge();
  const parsed = parsePolicy(text, kind);
  if (!parsed.ok) throw parsed.error;
}

const MAX_TAGS = 50;

/** Tags after a TagUser/TagRole: same keys replaced, new keys added, at most fifty. */
export function mergeTags(current: IamTag[], added: IamTag[], limitName: string): IamTag[] {
  // Tag keys are case-insensitive in IAM: "Team" replaces "team".
  const byKey = new Map(current.map((t) => [t.Key.toLowerCase(), t]));
  for (const t of added) byKey.set(t.Key.toLowerCase(), { Key: t.Key, Value: t.Value });
  if (byKey.size > MAX_TAGS) throw limitExceeded(`Cannot exceed quota for ${limitName}: ${MAX_TAGS}`);
  return [...byKey.values()];
}

export function tagsOf(input: { Tags?: Tag[] }, limitName: string): IamTag[] {
  const tags = input.Tags ?? [];
  const keys = new Set(tags.map((t) => t.Key.toLowerCase()));
  if (keys.size !== tags.length) throw invalidDuplicateTags();
  return mergeTags([], tags, limitName);
}

const invalidDuplicateTags = () => validationError("Duplicate tag keys found. Please note that Tag keys are case insensitive.");

// ---- pages: Marker and MaxItems ----

/** The paging members every IAM list takes. */
export type PageInput = Pick<ListUsersRequest, "Marker" | "MaxItems">;

/** One page as IAM answers it, beside the page's items. */
interface PageMarker {
  IsTruncated: boolean;
  Marker?: string;
}

/** One page of items sorted by `keyOf`; the Marker is the key of the next item, opaque to callers. */
export function page<T>(items: T[], input: PageInput, keyOf: (item: T) => string): PageMarker & { items: T[] } {
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  let start = 0;
  if (input.Marker !== undefined) {
    const after = Buffer.from(input.Marker, "base64url").toString("utf8");
    start = sorted.findIndex((item) => keyOf(item) >= after);
    if (start < 0) start = sorted.length;
  }
  const max = input.MaxItems ?? 100;
  const slice = sorted.slice(start, start + max);
  const next = sorted[start + max];
  return next === undefined
    ? { items: slice, IsTruncated: false }
    : { items: slice, IsTruncated: true, Marker: Buffer.from(keyOf(next), "utf8").toString("base64url") };
}

export const byPathPrefix = (prefix: string | undefined) => (e: { path: string }) => prefix === undefined || e.path.startsWith(prefix);

// ---- output structures ----

const withTags = (tags: IamTag[]): { Tags?: Tag[] } => (tags.length > 0 ? { Tags: tags } : {});
/** AttachedPermissionsBoundary, as GetUser and GetRole give it (IAM's lists leave it out). */
const withBoundary = (arn: string | undefined): { PermissionsBoundary?: AttachedPermissionsBoundary } =>
  arn !== undefined ? { PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn } } : {};

/** A user; `detail` false for lists, which leave out its tags and permissions boundary as IAM's do. */
export function userOut(u: IamUser, detail = true): User {
  return {
    Path: u.path,
    UserName: u.name,
    UserId: u.id,
    Arn: u.arn,
    CreateDate: asDate(u.createDate),
    ...(detail ? { ...withBoundary(u.permissionsBoundary), ...withTags(u.tags) } : {}),
  };
}

export function groupOut(g: IamGroup): Group {
  return { Path: g.path, GroupName: g.name, GroupId: g.id, Arn: g.arn, CreateDate: asDate(g.createDate) };
}

export function roleOut(r: IamRole, detail: "create" | "get" | "list"): Role {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: asDate(r.createDate),
    AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    ...(detail !== "create" ? { MaxSessionDuration: r.maxSessionDuration } : {}),
    ...(detail !== "list" ? { ...withBoundary(r.permissionsBoundary), ...withTags(r.tags) } : {}),
    ...(detail === "get" ? { RoleLastUsed: {} } : {}),
  };
}

/** How many users, groups and roles have the policy attached. */
function attachmentCount(dir: PartitionDirectory, accountId: string, arn: string): number {
  let n = 0;
  for (const kind of ["user", "group", "role"] as const) for (const e of dir.list(accountId, kind)) if (e.attachedPolicies.includes(arn)) n++;
  return n;
}

/** How many users and roles have the policy as their permissions boundary. */
function boundaryUsageCount(dir: PartitionDirectory, accountId: string, arn: string): number {
  let n = 0;
  for (const kind of ["user", "role"] as const) for (const e of dir.list(accountId, kind)) if (e.permissionsBoundary === arn) n++;
  return n;
}

export interface PolicyUsage {
  attachments: number;
  boundaries: number;
}

export const policyUsage = (dir: PartitionDirectory, accountId: string, arn: string): PolicyUsage => ({
  attachments: attachmentCount(dir, accountId, arn),
  boundaries: boundaryUsageCount(dir, accountId, arn),
});

export function policyOut(p: IamManagedPolicy, usage: PolicyUsage, tags = true): Policy {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: usage.attachments,
    PermissionsBoundaryUsageCount: usage.boundaries,
    IsAttachable: true,
    ...(p.description !== undefined ? { Description: p.description } : {}),
    CreateDate: asDate(p.createDate),
    UpdateDate: asDate(p.updateDate),
    ...(tags ? withTags(p.tags) : {}),
  };
}
