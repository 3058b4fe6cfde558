// Who is calling, in which Region, for which service: SigV4 against the partition's access keys
// (long-term keys from the identity directory, temporary ones from their sealed session token),
// or, in permissive mode, any well-formed signature (a 12-digit access key id picks the account).

import { ServiceError } from "./service-error.js";
import { verifySigV4, type SignedRequest } from "./sigv4.js";
import type { RegionHost } from "../region/region-host.js";
import type { RegionNode } from "../region/region-node.js";
import type { RequestPrincipal } from "../policy/policy-types.js";
import type { SessionClaims } from "../identity/sessions.js";
import { isSessionTokenSession } from "../identity/principals.js";

export type AuthMode = "strict" | "permissive";

export interface Caller {
  accountId: string;
  principal: RequestPrincipal;
  accessKeyId: string;
  /** set for temporary credentials */
  session?: SessionClaims;
  node: RegionNode;
  service: string;
}

const invalidToken = () =>
  new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.");
const expiredToken = () => new ServiceError("ExpiredTokenException", "The security token included in the request is expired");

export function makeAuthenticator(host: RegionHost, mode: AuthMode, defaultAccountId: string, now: () => number) {
  /**
   * A key's secret and whom it stands for now; undefined when the key (or its token) is unknown,
   * when the user or role behind it no longer exists (found by unique id: a new principal of the
   * same name is someone else), or when the session is not valid for `service`.
   */
  function resolve(partition: string, accessKeyId: string, token: string | undefined, service: string) {
    const directory = host.identity.partition(partition);
    if (!directory) return undefined;
    if (token === undefined) {
      const key = directory.keyFor(accessKeyId);
      const principal = key && directory.principalOfKey(key.record);
      return key && principal ? { secret: key.secretAccessKey, principal, session: undefined } : undefined;
    }
    const session = host.sessions.get(partition)?.open(token);
    if (!session || session.accessKeyId !== accessKeyId) return undefined;
    if (session.expiration <= now()) throw expiredToken();
    // GetSessionToken's credentials call IAM only with MFA, which Meridian does not have: AWS
    // answers such a call as one with an invalid token.
    if (service === "iam" && isSessionTokenSession(session)) return undefined;
    const principal = directory.sessionPrincipal(session);
    return principal ? { secret: session.secretAccessKey, principal, session } : undefined;
  }

  /**
   * `global`: a global service's request (Account, IAM, STS) is signed for any hosted Region of the
   * caller's partition and is not refused when that Region is an opt-in one the account has not enabled.
   */
  return async function authenticate(req: SignedRequest, expectedService: string, opts: { global?: boolean } = {}): Promise<Caller> {
    let resolved: ReturnType<typeof resolve>;
    const verified = verifySigV4(req, {
      now: new Date(now()),
      checkSignature: mode === "strict",
      expectedService,
      isHostedRegion: (region) => host.node(region) !== undefined,
      // The credential scope's Region decides whose keys apply: each partition has its own.
      secretFor: (accessKeyId, region, token) => {
        const partition = host.node(region)?.info.partition;
        resolved = partition === undefined ? undefined : resolve(partition, accessKeyId, token, expectedService);
        return resolved?.secret;
      },
    });
    const node = host.node(verified.region)!;
    let principal: RequestPrincipal;
    if (mode === "strict") {
      if (!resolved) throw invalidToken();
      principal = resolved.principal;
    } else {
      const accountId = /^\d{12}$/.test(verified.accessKeyId) ? verified.accessKeyId : defaultAccountId;
      principal = { arn: `arn:${node.info.partition}:iam::${accountId}:root`, account: accountId, type: "Root", userId: accountId };
    }
    if (!opts.global && !(await host.isEnabled(principal.account, node.info.name))) throw invalidToken();
    const caller: Caller = { accountId: principal.account, principal, accessKeyId: verified.accessKeyId, node, service: verified.service };
    if (resolved?.session) caller.session = resolved.session;
    return caller;
  };
}
