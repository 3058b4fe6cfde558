// Access keys: CreateAccessKey (Active, at most two per user), ListAccessKeys, UpdateAccessKey
// (Active/Inactive: an inactive key no longer signs anything), DeleteAccessKey, GetAccessKeyLastUsed.
// Without UserName they act on the caller: an IAM user's own keys, or the root user's.

import { newAccessKeyId, newSecretAccessKey, type PartitionDirectory } from "../../identity/directory.js";
import type { AccessKeyRecord } from "../../contract/identity-types.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { AccessKey, AccessKeyMetadata, IamOperations } from "../../generated/iam-api.js";
import { accessKeyNotFound, quota, validationError } from "../iam-errors.js";
import { asDate, directoryOf, page, requireEntity, type IamDeps } from "../iam-common.js";
import { callerUserName, nonUserCaller } from "./users.js";
import { rootArn } from "../../util/arn.js";

const KEYS_PER_USER = 2;

/** Whose keys a call means: a user (checked to exist), or the root user (undefined). */
function keyOwner(dir: PartitionDirectory, ctx: CallContext, userName: string | undefined): { userName?: string; userId?: string; arn: string } {
  const name = userName ?? callerUserName(ctx);
  if (name !== undefined) {
    const user = requireEntity(dir, ctx.accountId, "user", name);
    return { userName: user.name, userId: user.id, arn: user.arn };
  }
  if (ctx.principal !== undefined && ctx.principal.type !== "Root") throw nonUserCaller();
  return { arn: rootArn(ctx.partition, ctx.accountId) };
}

const keysOf = (dir: PartitionDirectory, accountId: string, userName: string | undefined) =>
  dir.accessKeys(accountId, userName).filter((k) => k.userName === userName);

function ownedKey(dir: PartitionDirectory, ctx: CallContext, owner: { userName?: string }, accessKeyId: string) {
  const key = dir.storedKey(accessKeyId);
  if (!key || key.record.accountId !== ctx.accountId || key.record.userName !== owner.userName) throw accessKeyNotFound(accessKeyId);
  return key;
}

const metadataOut = (k: AccessKeyRecord): AccessKeyMetadata => ({
  ...(k.userName !== undefined ? { UserName: k.userName } : {}),
  AccessKeyId: k.accessKeyId,
  Status: k.status,
  CreateDate: asDate(k.createdDate),
});

/**
 * A new key with its secret, the one answer that shows it. The root user's own keys have no user
 * name to give, so there UserName is left out although the model calls it required.
 */
const newKeyOut = (k: AccessKeyRecord, secretAccessKey: string): AccessKey => {
  const key: Omit<AccessKey, "UserName"> & Pick<AccessKeyMetadata, "UserName"> = {
    ...(k.userName !== undefined ? { UserName: k.userName } : {}),
    AccessKeyId: k.accessKeyId,
    Status: k.status,
    SecretAccessKey: secretAccessKey,
    CreateDate: asDate(k.createdDate),
  };
  return key as AccessKey;
};

export function accessKeyOperations(deps: IamDeps): OperationTable<IamOperations> {
  return {
    async CreateAccessKey(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const owner = keyOwner(dir, ctx, input.UserName);
        if (keysOf(dir, ctx.accountId, owner.userName).length >= KEYS_PER_USER) throw quota("AccessKeysPerUser", KEYS_PER_USER);
        const record: AccessKeyRecord = {
          accessKeyId: newAccessKeyId(),
          accountId: ctx.accountId,
          principalArn: owner.arn,
          // Bound to the user's unique id: the key never signs for a later user of the same name.
          ...(owner.userName !== undefined ? { userName: owner.userName, userId: owner.userId } : {}),
          wrappedSecret: Buffer.alloc(0), // the directory wraps the secret when it stores the key
          status: "Active",
          createdDate: deps.clock.now(),
        };
        const secretAccessKey = newSecretAccessKey();
        return {
          change: { putKeys: [{ record, secretAccessKey }] },
          result: { AccessKey: newKeyOut(record, secretAccessKey) },
        };
      });
    },

    async ListAccessKeys(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const owner = keyOwner(dir, ctx, input.UserName);
      const { items, ...rest } = page(keysOf(dir, ctx.accountId, owner.userName), input, (k) => k.accessKeyId);
      return { AccessKeyMetadata: items.map(metadataOut), ...rest };
    },

    async UpdateAccessKey(ctx, input) {
      if (input.Status !== "Active" && input.Status !== "Inactive") {
        throw validationError(`Value '${input.Status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
      }
      const status = input.Status;
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const key = ownedKey(dir, ctx, keyOwner(dir, ctx, input.UserName), input.AccessKeyId);
        return { change: { putKeys: [{ ...key, record: { ...key.record, status } }] }, result: {} };
      });
    },

    async DeleteAccessKey(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const key = ownedKey(dir, ctx, keyOwner(dir, ctx, input.UserName), input.AccessKeyId);
        return { change: { removeKeys: [key.record.accessKeyId] }, result: {} };
      });
    },

    async GetAccessKeyLastUsed(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const key = dir.storedKey(input.AccessKeyId);
      if (!key || key.record.accountId !== ctx.accountId) throw accessKeyNotFound(input.AccessKeyId);
      const used = await dir.lastUsedOf(key.record.accessKeyId);
      return {
        ...(key.record.userName !== undefined ? { UserName: key.record.userName } : {}),
        // IAM's answer for a key it has not seen used: N/A for the Region and the service.
        AccessKeyLastUsed: used
          ? { LastUsedDate: asDate(used.date), ServiceName: used.service, Region: used.region }
          : { ServiceName: "N/A", Region: "N/A" },
      };
    },
  };
}
