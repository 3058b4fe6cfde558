// The account's password policy: GetAccountPasswordPolicy, UpdateAccountPasswordPolicy (members
// left out take IAM's defaults, as IAM's own update does), DeleteAccountPasswordPolicy. Kept on the
// account's record; sign-in and the login-profile calls check new passwords against it.

import type { IamAccount, PasswordPolicyRecord } from "../../contract/identity-types.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { IamOperations, PasswordPolicy } from "../../generated/iam-api.js";
import type { PartitionDirectory } from "../../identity/directory.js";
import { noSuchEntity } from "../iam-errors.js";
import { directoryOf, type IamDeps } from "../iam-common.js";

const policyNotFound = (accountId: string) => noSuchEntity(`The Password Policy with domain name ${accountId} cannot be found.`);

function accountOf(dir: PartitionDirectory, ctx: CallContext, now: number): IamAccount {
  return dir.get(ctx.accountId, "account", ctx.accountId) ?? { kind: "account", accountId: ctx.accountId, name: ctx.accountId, createDate: now };
}

/** GetAccountPasswordPolicy's answer: MaxPasswordAge, PasswordReusePrevention and HardExpiry only when set. */
const policyOut = (p: PasswordPolicyRecord): PasswordPolicy => ({
  MinimumPasswordLength: p.MinimumPasswordLength,
  RequireSymbols: p.RequireSymbols,
  RequireNumbers: p.RequireNumbers,
  RequireUppercaseCharacters: p.RequireUppercaseCharacters,
  RequireLowercaseCharacters: p.RequireLowercaseCharacters,
  AllowUsersToChangePassword: p.AllowUsersToChangePassword,
  ExpirePasswords: p.MaxPasswordAge > 0,
  ...(p.MaxPasswordAge > 0 ? { MaxPasswordAge: p.MaxPasswordAge, HardExpiry: p.HardExpiry } : {}),
  ...(p.PasswordReusePrevention > 0 ? { PasswordReusePrevention: p.PasswordReusePrevention } : {}),
});

export function passwordPolicyOperations(deps: IamDeps): OperationTable<IamOperations> {
  return {
    async GetAccountPasswordPolicy(ctx) {
      const policy = directoryOf(deps, ctx).get(ctx.accountId, "account", ctx.accountId)?.passwordPolicy;
      if (!policy) throw policyNotFound(ctx.accountId);
      return { PasswordPolicy: policyOut(policy) };
    },

    async UpdateAccountPasswordPolicy(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const passwordPolicy: PasswordPolicyRecord = {
        MinimumPasswordLength: input.MinimumPasswordLength ?? 6,
        RequireSymbols: input.RequireSymbols ?? false,
        RequireNumbers: input.RequireNumbers ?? false,
        RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
        RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
        AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
        MaxPasswordAge: input.MaxPasswordAge ?? 0,
        PasswordReusePrevention: input.PasswordReusePrevention ?? 0,
        HardExpiry: input.HardExpiry ?? false,
      };
      return dir.change(() => ({ change: { put: [{ ...accountOf(dir, ctx, deps.clock.now()), passwordPolicy }] }, result: {} }));
    },

    async DeleteAccountPasswordPolicy(ctx) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const account = dir.get(ctx.accountId, "account", ctx.accountId);
        if (!account?.passwordPolicy) throw policyNotFound(ctx.accountId);
        const { passwordPolicy: _removed, ...rest } = account;
        return { change: { put: [rest] }, result: {} };
      });
    },
  };
}
