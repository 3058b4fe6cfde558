// Console passwords (IAM login profiles): CreateLoginProfile, GetLoginProfile, UpdateLoginProfile,
// DeleteLoginProfile, and ChangePassword (an IAM user's own). Passwords are hashed before the
// directory change that stores them (src/iam/password/); the audit trail hides every Password member.

import type { IamUser, LoginProfileRecord, PasswordPolicyRecord } from "../../contract/identity-types.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { IamOperations, LoginProfile } from "../../generated/iam-api.js";
import type { PartitionDirectory } from "../../identity/directory.js";
import { accessDenied, entityAlreadyExists, iamError, noSuchEntity, validationError } from "../iam-errors.js";
import { asDate, directoryOf, requireEntity, type IamDeps } from "../iam-common.js";
import { callerUserName } from "./users.js";
import { hashPassword, matchesAny, verifyPassword } from "../password/password-hash.js";
import { passwordViolation, reusedPassword } from "../password/password-rules.js";

const violation = iamError("PasswordPolicyViolation", 400);
const invalidUserType = iamError("InvalidUserType", 400);

const loginProfileNotFound = (userName: string) => noSuchEntity(`Login Profile for User ${userName} cannot be found.`);

const profileOut = (user: IamUser, p: LoginProfileRecord): LoginProfile => ({
  UserName: user.name,
  CreateDate: asDate(p.createDate),
  PasswordResetRequired: p.passwordResetRequired,
});

export const passwordPolicyOf = (dir: PartitionDirectory, accountId: string): PasswordPolicyRecord | undefined =>
  dir.get(accountId, "account", accountId)?.passwordPolicy;

/**
 * A new password checked against the account's policy (and, when it asks, the user's earlier
 * passwords) and hashed; throws PasswordPolicyViolation.
 */
async function acceptNewPassword(dir: PartitionDirectory, accountId: string, password: string, earlier: readonly string[]): Promise<string> {
  const policy = passwordPolicyOf(dir, accountId);
  const broken = passwordViolation(password, policy);
  if (broken !== undefined) throw violation(broken);
  const reuse = policy?.PasswordReusePrevention ?? 0;
  if (reuse > 0 && (await matchesAny(password, earlier.slice(0, reuse)))) throw violation(reusedPassword(reuse));
  return hashPassword(password);
}

/** The hashes the next password is compared with: the current one first. */
const historyOf = (p: LoginProfileRecord | undefined) => (p ? [p.passwordHash, ...(p.previousHashes ?? [])] : []);

/** A user's login profile after a new password: the history kept as long as the policy asks. */
function withNewPassword(dir: PartitionDirectory, user: IamUser, hash: string, now: number, resetRequired: boolean): IamUser {
  const p = user.loginProfile!;
  const keep = passwordPolicyOf(dir, user.accountId)?.PasswordReusePrevention ?? 0;
  const previousHashes = historyOf(p).slice(0, keep);
  return { ...user, loginProfile: { ...p, passwordHash: hash, passwordSetDate: now, passwordResetRequired: resetRequired, previousHashes } };
}

/** The user a call names, else the calling IAM user. */
function userOf(dir: PartitionDirectory, ctx: CallContext, name: string | undefined): IamUser {
  const userName = name ?? callerUserName(ctx);
  if (userName === undefined) throw validationError("Must specify userName when calling with non-User credentials");
  return requireEntity(dir, ctx.accountId, "user", userName);
}

export function loginProfileOperations(deps: IamDeps): OperationTable<IamOperations> {
  return {
    async CreateLoginProfile(ctx, input) {
      const dir = directoryOf(deps, ctx);
      if (input.Password === undefined) throw validationError("Password is required to create a login profile.");
      const found = userOf(dir, ctx, input.UserName);
      const hash = await acceptNewPassword(dir, ctx.accountId, input.Password, []);
      return dir.change(() => {
        const user = requireEntity(dir, ctx.accountId, "user", found.name);
        if (user.loginProfile) throw entityAlreadyExists(`Login Profile for user ${user.name} already exists.`);
        const now = deps.clock.now();
        const loginProfile: LoginProfileRecord = { passwordHash: hash, createDate: now, passwordSetDate: now, passwordResetRequired: input.PasswordResetRequired ?? false };
        return { change: { put: [{ ...user, loginProfile }] }, result: { LoginProfile: profileOut(user, loginProfile) } };
      });
    },

    async GetLoginProfile(ctx, input) {
      const user = userOf(directoryOf(deps, ctx), ctx, input.UserName);
      if (!user.loginProfile) throw loginProfileNotFound(user.name);
      return { LoginProfile: profileOut(user, user.loginProfile) };
    },

    async UpdateLoginProfile(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const found = requireEntity(dir, ctx.accountId, "user", input.UserName);
      if (!found.loginProfile) throw loginProfileNotFound(found.name);
      const hash = input.Password === undefined ? undefined : await acceptNewPassword(dir, ctx.accountId, input.Password, historyOf(found.loginProfile));
      return dir.change(() => {
        const user = requireEntity(dir, ctx.accountId, "user", found.name);
        const p = user.loginProfile;
        if (!p) throw loginProfileNotFound(user.name);
        const resetRequired = input.PasswordResetRequired ?? p.passwordResetRequired;
        const updated = hash === undefined ? { ...user, loginProfile: { ...p, passwordResetRequired: resetRequired } } : withNewPassword(dir, user, hash, deps.clock.now(), resetRequired);
        return { change: { put: [updated] }, result: {} };
      });
    },

    async DeleteLoginProfile(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const user = userOf(dir, ctx, input.UserName);
        if (!user.loginProfile) throw loginProfileNotFound(user.name);
        const { loginProfile: _removed, ...rest } = user;
        return { change: { put: [rest] }, result: {} };
      });
    },

    async ChangePassword(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const name = callerUserName(ctx);
      if (name === undefined) throw invalidUserType("Only IAM users can change their own password.");
      const found = requireEntity(dir, ctx.accountId, "user", name);
      await changeOwnPassword(dir, found, input.OldPassword, input.NewPassword, deps.clock.now);
      return {};
    },
  };
}

/** ChangePassword, also what sign-in runs when a reset is required: the old password must match. */
export async function changeOwnPassword(dir: PartitionDirectory, found: IamUser, oldPassword: string, newPassword: string, now: () => number): Promise<void> {
  if (!found.loginProfile) throw loginProfileNotFound(found.name);
  if (!(await verifyPassword(oldPassword, found.loginProfile.passwordHash))) throw accessDenied("The old password is incorrect.");
  const hash = await acceptNewPassword(dir, found.accountId, newPassword, historyOf(found.loginProfile));
  await dir.change(() => {
    const user = requireEntity(dir, found.accountId, "user", found.name);
    if (!user.loginProfile || user.loginProfile.passwordHash !== found.loginProfile!.passwordHash) throw loginProfileNotFound(user.name);
    return { change: { put: [withNewPassword(dir, user, hash, now(), false)] }, result: undefined };
  });
}
