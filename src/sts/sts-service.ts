// The STS API (query protocol, signing name `sts`): GetCallerIdentity, AssumeRole (the trust policy
// is decided by the policy engine before the operation runs, see sts-access.ts; session policies
// are checked in session-policies.ts) and GetSessionToken (which takes no session policies on AWS).
// Temporary credentials are sealed session tokens (identity/sessions.ts) that SigV4 accepts until
// they expire or their user or role is deleted (identity/principals.ts); nothing is stored.
// GetSessionToken's credentials reach STS only for AssumeRole and GetCallerIdentity (a session
// asking for another session is refused here) and IAM not at all (edge/authenticate.ts), as on AWS
// without MFA.

import type { IdentityDirectory } from "../identity/directory.js";
import type { SessionTokens, IssuedSession } from "../identity/sessions.js";
import type { RequestPrincipal } from "../contract/policy-types.js";
import type { CallContext, OperationTable } from "../contract/call-context.js";
import type { Clock } from "../util/clock.js";
import { accessDenied, validationError } from "../iam/iam-errors.js";
import { makeStsAccess, roleOfArn } from "./sts-access.js";
import { checkSessionPolicies } from "./session-policies.js";
import { assumedRoleArn } from "../util/arn.js";
import type * as STS from "../generated/sts-api.js";

export interface StsDeps {
  identity: Pick<IdentityDirectory, "partition">;
  sessions: Pick<Map<string, SessionTokens>, "get">;
  clock: Clock;
}

const DEFAULT_ROLE_SESSION = 3600;
/** A role session assuming another role (role chaining) lasts at most an hour. */
const CHAINED_MAX = 3600;
const DEFAULT_SESSION_TOKEN = 43_200;
/** The root user's GetSessionToken sessions last at most an hour (longer requests get one hour). */
const ROOT_SESSION_MAX = 3600;

function principalOf(ctx: CallContext): RequestPrincipal {
  return ctx.principal ?? { arn: ctx.principalArn, account: ctx.accountId, type: "Root", userId: ctx.accountId };
}

const credentialsOut = (s: IssuedSession): STS.Credentials => ({
  AccessKeyId: s.accessKeyId,
  SecretAccessKey: s.secretAccessKey,
  SessionToken: s.sessionToken,
  Expiration: new Date(s.expiration),
});

export function makeStsService(deps: StsDeps) {
  const sessionsOf = (ctx: CallContext) => {
    const sessions = deps.sessions.get(ctx.partition);
    if (!sessions) throw new Error(`no session sealer for partition ${ctx.partition}`);
    return sessions;
  };
  /** Whole seconds, as STS gives Expiration. */
  const startOfSecond = () => Math.floor(deps.clock.now() / 1000) * 1000;

  // Each handler names its output type: a returned object literal is checked for unknown members
  // only against a declared return type, not one the table's type merely implies.
  const operations: OperationTable<STS.StsOperations> = {
    async GetCallerIdentity(ctx): Promise<STS.GetCallerIdentityResponse> {
      const p = principalOf(ctx);
      return { UserId: p.userId ?? p.account, Account: p.account, Arn: p.arn };
    },

    async AssumeRole(ctx, input): Promise<STS.AssumeRoleResponse> {
      const caller = principalOf(ctx);
      if (caller.type === "Root") throw accessDenied("Roles may not be assumed by root accounts.");
      const role = roleOfArn(deps.identity, ctx.partition, input.RoleArn);
      if (!role) throw accessDenied(`User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`);
      const duration = input.DurationSeconds ?? DEFAULT_ROLE_SESSION;
      if (caller.type === "AssumedRole" && duration > CHAINED_MAX) {
        throw validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
      }
      if (duration > role.maxSessionDuration) throw validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
      const checked = checkSessionPolicies(input, deps.identity.partition(ctx.partition), role.accountId);

      const sessionArn = assumedRoleArn(ctx.partition, role.accountId, role.name, input.RoleSessionName);
      const assumedRoleId = `${role.id}:${input.RoleSessionName}`;
      // Session tags win over the role's own tags of the same key.
      const tags = Object.fromEntries([...role.tags, ...(input.Tags ?? [])].map((t) => [t.Key, t.Value]));
      const now = startOfSecond();
      const issued = sessionsOf(ctx).issue({
        expiration: now + duration * 1000,
        createdAt: deps.clock.now(),
        principal: { arn: sessionArn, account: role.accountId, type: "AssumedRole", roleArn: role.arn, userId: assumedRoleId, tags },
        issuer: { arn: role.arn, type: "Role", principalId: role.id },
        ...(checked.refs ? { sessionPolicies: checked.refs } : {}),
      });
      return {
        Credentials: credentialsOut(issued),
        AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: sessionArn },
        ...(checked.packedPolicySize !== undefined ? { PackedPolicySize: checked.packedPolicySize } : {}),
      };
    },

    async GetSessionToken(ctx, input): Promise<STS.GetSessionTokenResponse> {
      const caller = principalOf(ctx);
      if (ctx.temporary || (caller.type !== "User" && caller.type !== "Root")) throw accessDenied("Cannot call GetSessionToken with session credentials");
      let duration = input.DurationSeconds ?? DEFAULT_SESSION_TOKEN;
      if (caller.type === "Root") duration = Math.min(duration, ROOT_SESSION_MAX);
      const issued = sessionsOf(ctx).issue({
        expiration: startOfSecond() + duration * 1000,
        createdAt: deps.clock.now(),
        principal: caller,
        issuer: { arn: caller.arn, type: "User", principalId: caller.userId ?? caller.account },
      });
      return { Credentials: credentialsOut(issued) };
    },
  };
  return { operations, access: makeStsAccess(deps.identity) };
}
