// IAM's calls as the policy engine sees them: iam:<Operation> on the user, group, role or managed
// policy the input names (arn:<partition>:iam::<account>:user/<path><name>), the caller itself for
// the calls that default to it (GetUser, the access-key calls), "*" for the account-wide lists.
// Condition keys: aws:RequestTag/* and aws:TagKeys for tagging, iam:PolicyARN for attaching,
// iam:PermissionsBoundary (the boundary a call sets, else the one the user or role has), and the
// tags of an existing user or role as aws:ResourceTag/* (and iam:ResourceTag/*).

import { requestTagKeys, resourceTagKeys, type AccessDescriber, type AccessRequest } from "../contract/access-request.js";
import type { ContextValue } from "../contract/policy-types.js";
import type { CallContext } from "../contract/call-context.js";
import type { Tag, TagUserRequest, UntagUserRequest } from "../generated/iam-api.js";
import { entityArn, findEntity, type IamDeps } from "./iam-common.js";

/** The calls that carry iam:PermissionsBoundary (Service Authorization Reference, IAM actions). */
const BOUNDARY_KEYED = new Set(
  ["User", "Role"].flatMap((e) => [
    `Create${e}`,
    `Put${e}PermissionsBoundary`,
    `Delete${e}PermissionsBoundary`,
    `Attach${e}Policy`,
    `Detach${e}Policy`,
    `Put${e}Policy`,
    `Delete${e}Policy`,
  ]),
);

/** Account-wide lists: they name no resource. */
const UNSCOPED = new Set(["ListUsers", "ListRoles", "ListGroups", "ListPolicies", "GetAccountSummary", "ListAccountAliases", "GetAccountPasswordPolicy", "UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy"]);

/** The members naming what a call acts on, as text in every IAM input that has them. */
const NAMING = ["UserName", "GroupName", "RoleName", "PolicyArn", "PolicyName", "AccessKeyId", "Path", "PermissionsBoundary"] as const;

/** What the describer reads of an input: the naming members, and the tags a call sets or removes. */
type IamInput = Partial<Record<(typeof NAMING)[number], string>> & Partial<Pick<TagUserRequest, "Tags">> & Partial<Pick<UntagUserRequest, "TagKeys">>;

const isTag = (t: unknown): t is Tag => typeof t === "object" && t !== null && "Key" in t && typeof t.Key === "string" && "Value" in t && typeof t.Value === "string";
const isText = (v: unknown): v is string => typeof v === "string";

/**
 * The members the describer reads, each kept only when it has its model type. The edge has validated
 * the input against the operation's own shape, so this drops nothing there; it is what lets one
 * describer read the inputs of every operation.
 */
function readInput(input: unknown): IamInput {
  if (typeof input !== "object" || input === null) return {};
  const member = (name: string): unknown => (Object.hasOwn(input, name) ? (input as Record<string, unknown>)[name] : undefined);
  const out: IamInput = {};
  for (const name of NAMING) {
    const v = member(name);
    if (isText(v)) out[name] = v;
  }
  const tags = member("Tags");
  if (Array.isArray(tags)) out.Tags = tags.filter(isTag);
  const tagKeys = member("TagKeys");
  if (Array.isArray(tagKeys)) out.TagKeys = tagKeys.filter(isText);
  return out;
}

export function makeIamAccess(deps: IamDeps): AccessDescriber {
  return async (ctx: CallContext, operation: string, input: unknown) => {
    const i = readInput(input);
    const dir = deps.identity.partition(ctx.partition);
    const conditions: Record<string, ContextValue | undefined> = {};
    const request = (resource: string): AccessRequest[] => [{ action: `iam:${operation}`, resource, resourceAccount: ctx.accountId, conditions }];

    if (i.Tags !== undefined || i.TagKeys !== undefined) Object.assign(conditions, requestTagKeys(i.Tags, i.TagKeys));
    if (/^(Attach|Detach)(User|Group|Role)Policy$/.test(operation) && i.PolicyArn !== undefined) conditions["iam:PolicyARN"] = i.PolicyArn;
    if (UNSCOPED.has(operation)) return request("*");

    /** An entity's ARN: the existing one's (its path included), else the one the input would create. */
    const named = (kind: "user" | "group" | "role", name: string) => {
      const found = dir && findEntity(dir, ctx.accountId, kind, name);
      if (found && "tags" in found) Object.assign(conditions, resourceTagKeys("iam", found.tags));
      if (BOUNDARY_KEYED.has(operation)) {
        const boundary = i.PermissionsBoundary ?? (found && "permissionsBoundary" in found ? found.permissionsBoundary : undefined);
        if (boundary !== undefined) conditions["iam:PermissionsBoundary"] = boundary;
      }
      return found?.arn ?? entityArn(ctx, kind, i.Path ?? "/", name);
    };
    if (i.RoleName !== undefined) return request(named("role", i.RoleName));
    if (i.GroupName !== undefined) return request(named("group", i.GroupName));
    if (i.UserName !== undefined) return request(named("user", i.UserName));
    if (i.PolicyArn !== undefined) return request(i.PolicyArn);
    if (operation === "CreatePolicy" && i.PolicyName !== undefined) return request(entityArn(ctx, "policy", i.Path ?? "/", i.PolicyName));
    if (operation === "GetAccessKeyLastUsed" && i.AccessKeyId !== undefined) {
      const key = dir?.storedKey(i.AccessKeyId)?.record;
      if (key && key.accountId === ctx.accountId) return request(key.principalArn);
    }
    // GetUser, CreateAccessKey, ListAccessKeys … without a name act on the caller.
    return request(ctx.principal?.arn ?? ctx.principalArn);
  };
}
