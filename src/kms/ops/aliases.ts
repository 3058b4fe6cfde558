// CreateAlias, UpdateAlias, DeleteAlias, ListAliases. Aliases name keys in one account and Region;
// the alias/aws/ prefix belongs to AWS managed keys.

import type { CallContext, OperationTable } from "../../contract/call-context.js";
import { aliasNotFound, kmsError, kmsValidation, reservedAlias } from "../kms-errors.js";
import type { KeyRecord } from "../../contract/kms-types.js";
import type { AliasListEntry, KmsOperations, ListAliasesResponse } from "../../generated/kms-api.js";
import { callerKey, customerKey, notPendingDeletion, type KmsAction } from "./key-access.js";
import { markerPage } from "./render.js";
import type { KmsDeps } from "./kms-deps.js";

function checkAliasName(name: string): void {
  if (!name.startsWith("alias/")) {
    throw kmsValidation('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  if (name.startsWith("alias/aws/")) throw reservedAlias();
}

const isAliasRef = (ref: string) => ref.startsWith("alias/") || /^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(ref);

export function aliasOps({ keys, store, clock }: KmsDeps): OperationTable<KmsOperations> {
  /** An alias points at one of the caller's customer keys, given by key id or key ARN (not by another alias). */
  async function target(ctx: CallContext, targetKeyId: string, action: KmsAction): Promise<KeyRecord> {
    if (isAliasRef(targetKeyId)) throw kmsValidation("Aliases must refer to keys. Not aliases");
    return notPendingDeletion(await customerKey(keys, ctx, targetKeyId, action));
  }

  return {
    async CreateAlias(ctx, input) {
      checkAliasName(input.AliasName);
      if (isAliasRef(input.TargetKeyId)) throw kmsValidation("Aliases must refer to keys. Not aliases");
      if (await store.getAlias(ctx.accountId, input.AliasName)) {
        throw kmsError("AlreadyExistsException", `An alias with the name ${keys.aliasArn(ctx.accountId, input.AliasName)} already exists`);
      }
      const key = await target(ctx, input.TargetKeyId, "CreateAlias");
      const now = clock.now();
      await store.putAlias({ accountId: ctx.accountId, aliasName: input.AliasName, targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now });
      return {};
    },
    // The key the alias leaves may be in any state; the key it moves to may not be pending deletion.
    async UpdateAlias(ctx, input) {
      checkAliasName(input.AliasName);
      const alias = await store.getAlias(ctx.accountId, input.AliasName);
      if (!alias) throw aliasNotFound(keys.aliasArn(ctx.accountId, input.AliasName));
      const key = await target(ctx, input.TargetKeyId, "UpdateAlias");
      await store.putAlias({ ...alias, targetKeyId: key.keyId, lastUpdatedDate: clock.now() });
      return {};
    },
    async DeleteAlias(ctx, input) {
      checkAliasName(input.AliasName);
      if (!(await store.getAlias(ctx.accountId, input.AliasName))) throw aliasNotFound(keys.aliasArn(ctx.accountId, input.AliasName));
      await store.deleteAlias(ctx.accountId, input.AliasName);
      return {};
    },
    async ListAliases(ctx, input): Promise<ListAliasesResponse> {
      await keys.defaultKey(ctx.accountId);
      let aliases = await store.listAliases(ctx.accountId);
      if (input.KeyId !== undefined) {
        const key = await callerKey(keys, ctx, input.KeyId, "ListAliases");
        aliases = aliases.filter((a) => a.targetKeyId === key.keyId);
      }
      const { page, Truncated, NextMarker } = markerPage(aliases, input.Limit, input.Marker);
      return {
        Aliases: page.map((a): AliasListEntry => ({
          AliasName: a.aliasName,
          AliasArn: keys.aliasArn(a.accountId, a.aliasName),
          TargetKeyId: a.targetKeyId,
          CreationDate: new Date(a.creationDate),
          LastUpdatedDate: new Date(a.lastUpdatedDate),
        })),
        Truncated,
        NextMarker,
      };
    },
  };
}
