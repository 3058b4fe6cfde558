// Console sign-in (issue 16): an IAM user's password (its login profile), or an account root's
// access key pair, exchanged for short-lived session credentials of that identity, made as
// GetSessionToken makes them; the console holds only those. Sign-out ends the session at once.
// Guessing is throttled per user and per source address; every attempt is a ConsoleLogin event.

import { timingSafeEqual } from "node:crypto";
import type { IdentityDirectory, PartitionDirectory } from "../identity/directory.js";
import type { IssuedSession, SessionTokens } from "../identity/sessions.js";
import { userPrincipal } from "../identity/principals.js";
import type { IamUser, SignedOutSession } from "../contract/identity-types.js";
import type { RequestPrincipal } from "../contract/policy-types.js";
import type { StoredAuditEvent } from "../store/store.js";
import { ServiceError } from "../contract/service-error.js";
import type { Clock } from "../util/clock.js";
import { rootArn } from "../util/arn.js";
import { findEntity } from "../iam/iam-common.js";
import { verifyPassword, hashPassword } from "../iam/password/password-hash.js";
import { passwordExpired } from "../iam/password/password-rules.js";
import { changeOwnPassword, passwordPolicyOf } from "../iam/ops/login-profiles.js";
import { consoleLoginEvent, type SignInAttempt } from "./signin-audit.js";
import { SOURCE_RULE, USER_RULE, type SignInThrottle } from "./signin-throttle.js";
import type { SignInRequest } from "./signin-request.js";

/** A console session lasts an hour, as the root's GetSessionToken sessions at most do. */
const SESSION_SECONDS = 3600;

export interface SignInDeps {
  identity: Pick<IdentityDirectory, "partition">;
  sessions: Pick<Map<string, SessionTokens>, "get">;
  clock: Clock;
  throttle: SignInThrottle;
  /** the Region whose store keeps a partition's sign-in events (its home Region) */
  homeRegionOf(partition: string): string;
  appendEvent(region: string, event: StoredAuditEvent): Promise<void>;
}

export interface Facts {
  sourceIp: string;
  userAgent: string;
}

export interface SignedIn {
  credentials: IssuedSession;
  identity: { type: "IAMUser" | "Root"; arn: string; accountId: string; userName?: string };
  partition: string;
  homeRegion: string;
}

const failed = () => new ServiceError("AuthenticationFailed", "Your authentication information is incorrect. Please try again.", 401);
const resetRequired = () => new ServiceError("PasswordResetRequired", "You must change your password to sign in.", 403);
const hardExpired = () => new ServiceError("PasswordExpired", "Your password has expired. Ask your administrator to set a new one.", 403);
/** A sign-in refused while its user or source must wait; the edge says how long in Retry-After. */
export class SignInThrottled extends ServiceError {
  constructor(readonly retryAfterSeconds: number) {
    super("ThrottlingException", `Too many failed sign-in attempts. Try again in ${retryAfterSeconds} seconds.`, 429);
  }
}
const throttled = (ms: number) => new SignInThrottled(Math.ceil(ms / 1000));

/** Verifying against this when no user matches takes as long as a real check: the answer's timing tells nothing. */
const decoyHash = hashPassword("meridian-sign-in-decoy");

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

export function makeConsoleSignIn(deps: SignInDeps) {
  const directoryOf = (partition: string): PartitionDirectory => {
    const dir = deps.identity.partition(partition);
    if (!dir) throw new ServiceError("InvalidParameterException", `Unknown partition ${partition}.`);
    return dir;
  };
  const sessionsOf = (partition: string) => deps.sessions.get(partition)!;

  interface Verified {
    principal: RequestPrincipal;
    who: NonNullable<SignInAttempt["who"]>;
    passwordChanged?: boolean;
  }

  async function verifyUser(dir: PartitionDirectory, r: Extract<SignInRequest, { kind: "user" }>): Promise<Verified> {
    const user: IamUser | undefined = findEntity(dir, r.accountId, "user", r.userName);
    const profile = user?.loginProfile;
    const ok = await verifyPassword(r.password, profile?.passwordHash ?? (await decoyHash));
    if (!user || !profile || !ok) throw Object.assign(failed(), { who: user && whoOf(user) });
    const who = whoOf(user);
    const policy = passwordPolicyOf(dir, r.accountId);
    const expired = passwordExpired(policy, profile.passwordSetDate, deps.clock.now());
    if (expired && policy?.HardExpiry) throw Object.assign(hardExpired(), { who });
    if (!profile.passwordResetRequired && !expired) return { principal: userPrincipal(user), who };
    if (r.newPassword === undefined) throw Object.assign(resetRequired(), { who });
    await changeOwnPassword(dir, user, r.password, r.newPassword, deps.clock.now);
    const changed = dir.get(r.accountId, "user", user.name)!;
    return { principal: userPrincipal(changed), who, passwordChanged: true };
  }

  const whoOf = (u: IamUser) => ({ type: "IAMUser" as const, principalId: u.id, arn: u.arn, userName: u.name });

  function verifyRoot(dir: PartitionDirectory, r: Extract<SignInRequest, { kind: "root" }>): Verified {
    const key = dir.keyFor(r.accessKeyId);
    const arn = rootArn(dir.partition, r.accountId);
    const rootWho = { type: "Root" as const, principalId: r.accountId, arn };
    if (!key || key.record.userName !== undefined || key.record.accountId !== r.accountId || !sameSecret(key.secretAccessKey, r.secretAccessKey)) {
      throw Object.assign(failed(), { who: dir.hasAccount(r.accountId) ? rootWho : undefined });
    }
    return { principal: { arn, account: r.accountId, type: "Root", userId: r.accountId }, who: rootWho };
  }

  return {
    async signIn(r: SignInRequest, facts: Facts): Promise<SignedIn> {
      const dir = directoryOf(r.partition);
      const region = deps.homeRegionOf(r.partition);
      const name = r.kind === "user" ? r.userName.toLowerCase() : "root";
      const userKey = `user:${r.partition}/${r.accountId}/${name}`;
      const sourceKey = `source:${facts.sourceIp}`;
      const attempt = { time: deps.clock.now(), region, accountId: r.accountId, ...facts };
      const wait = deps.throttle.waitFor([userKey, sourceKey]);
      if (wait > 0) {
        await deps.appendEvent(region, consoleLoginEvent({ ...attempt, failure: "Too many failed attempts" }));
        throw throttled(wait);
      }
      let verified: Verified;
      try {
        verified = r.kind === "user" ? await verifyUser(dir, r) : verifyRoot(dir, r);
      } catch (e) {
        if (!(e instanceof ServiceError)) throw e;
        // A refused new password is no guess: it does not count against the user.
        if (e.code === "AuthenticationFailed") deps.throttle.failed([[userKey, USER_RULE], [sourceKey, SOURCE_RULE]]);
        const who = (e as { who?: SignInAttempt["who"] }).who;
        await deps.appendEvent(region, consoleLoginEvent({ ...attempt, ...(who ? { who } : {}), failure: e.code === "AuthenticationFailed" ? "Failed authentication" : e.message }));
        throw e;
      }
      deps.throttle.succeeded(userKey);
      const now = deps.clock.now();
      const credentials = sessionsOf(r.partition).issue({
        expiration: Math.floor(now / 1000) * 1000 + SESSION_SECONDS * 1000,
        createdAt: now,
        principal: verified.principal,
        issuer: { arn: verified.principal.arn, type: "User", principalId: verified.principal.userId ?? r.accountId },
      });
      await deps.appendEvent(region, consoleLoginEvent({ ...attempt, who: verified.who, ...(verified.passwordChanged ? { passwordChanged: true } : {}) }));
      const { type, arn, userName } = verified.who as { type: "IAMUser" | "Root"; arn: string; userName?: string };
      return { credentials, identity: { type, arn, accountId: r.accountId, ...(userName ? { userName } : {}) }, partition: r.partition, homeRegion: region };
    },

    /** End a session this sign-in issued: it no longer signs anything, in any Region of the partition. */
    async signOut(partition: string, sessionToken: string): Promise<void> {
      const dir = directoryOf(partition);
      const claims = sessionsOf(partition).open(sessionToken);
      if (!claims || claims.issuer.type !== "User") return; // nothing of ours to end
      const now = deps.clock.now();
      if (claims.expiration <= now) return;
      const entry: SignedOutSession = { accessKeyId: claims.accessKeyId, expiration: claims.expiration };
      const keep = (list: SignedOutSession[] | undefined) => [...(list ?? []).filter((s) => s.expiration > now), entry];
      await dir.change(() => {
        if (claims.principal.type === "Root") {
          const account = dir.get(claims.principal.account, "account", claims.principal.account);
          return { change: { put: account ? [{ ...account, signedOut: keep(account.signedOut) }] : [] }, result: undefined };
        }
        const user = dir.list(claims.principal.account, "user").find((u) => u.id === claims.issuer.principalId);
        return { change: { put: user ? [{ ...user, signedOut: keep(user.signedOut) }] : [] }, result: undefined };
      });
    },
  };
}

