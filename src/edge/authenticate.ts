// Who is calling, in which Region, for which service: SigV4 against the partition's access keys
// (long-term keys from the identity directory, temporary ones from their sealed session token),
// or, in permissive mode, any well-formed signature (a 12-digit access key id picks the account).
// In two steps: `begin` on the request's head refuses a request that is not signed by a key we
// hold before its body is read (DESIGN §12); `finish` checks the signature over the body.

import { ServiceError } from "../contract/service-error.js";
import { precheckSigV4, type RequestHead, type SignedRequest } from "./sigv4.js";
import type { RegionHost } from "../region/region-host.js";
import type { RegionNode } from "../region/region-node.js";
import type { RequestPrincipal } from "../contract/policy-types.js";
import type { SessionClaims } from "../identity/sessions.js";
import { isSessionTokenSession } from "../identity/principals.js";
import { rootArn } from "../util/arn.js";

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
/** A request whose head passed: who it claims to be, and the key that must have signed its body. */
export interface PendingCaller {
  /** the service of the credential scope */
  readonly service: string;
  /** the signature over `body`, then who the caller is; `expectedService` is the one the request turned out to address */
  finish(body: Buffer, expectedService: string, opts?: { global?: boolean }): Promise<Caller>;
}

const expiredToken = () => new ServiceError("ExpiredTokenException", "The security token included in the request is expired");

export function makeAuthenticator(host: RegionHost, mode: AuthMode, defaultAccountId: string, now: () => number) {
  /** a hosted Region, in service or not (a Region out of service answers its own calls with its fault) */
  const infoOf = (region: string) => host.node(region)?.info ?? host.outages.get(region)?.info;
  /** the fault of the Region whose store holds the partition's identities, when it is out of service */
  const identityFault = (partition: string) => host.outages.get(host.homeRegionOf(partition))?.fault;

  /**
   * A key's secret and whom it stands for now; undefined when the key (or its token) is unknown,
   * when the user or role behind it no longer exists (found by unique id: a new principal of the
   * same name is someone else).
   */
  function resolve(partition: string, accessKeyId: string, token: string | undefined) {
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
    const principal = directory.sessionPrincipal(session);
    return principal ? { secret: session.secretAccessKey, principal, session } : undefined;
  }

  /**
   * Everything that needs no body: the signature's form, scope and clock, and (strict mode) that its
   * key or session token is one we hold. `expectedService` when the route already names it.
   */
  function begin(head: RequestHead, expectedService?: string): PendingCaller {
    let resolved: ReturnType<typeof resolve>;
    const prechecked = precheckSigV4(head, {
      now: new Date(now()),
      checkSignature: mode === "strict",
      expectedService,
      isHostedRegion: (region) => infoOf(region) !== undefined,
      // The credential scope's Region decides whose keys apply: each partition has its own.
      secretFor: (accessKeyId, region, token) => {
        const partition = infoOf(region)?.partition;
        // No key can be checked when the store holding the partition's identities was out of service at start.
        if (partition !== undefined && !host.identity.partition(partition)) {
          const fault = identityFault(partition);
          if (fault) throw fault;
        }
        resolved = partition === undefined ? undefined : resolve(partition, accessKeyId, token);
        return resolved?.secret;
      },
    });
    const claimed = prechecked.claimed;
    if (mode === "strict" && !resolved) throw invalidToken();
    return {
      service: claimed.service,
      /**
       * `global`: a global service's request (Account, IAM, STS) is signed for any hosted Region of the
       * caller's partition and is not refused when that Region is an opt-in one the account has not enabled.
       */
      async finish(body, service, opts = {}) {
        if (claimed.service !== service) {
          throw new ServiceError("InvalidSignatureException", `Credential should be scoped to correct service: '${service}'. `);
        }
        const verified = prechecked.verify(body);
        const node = host.node(verified.region);
        // A Region out of service answers only its caller, once the signature checked out.
        if (!node) throw host.outages.get(verified.region)?.fault ?? invalidToken();
        // A global call runs, and is recorded, where the partition's identities are.
        if (opts.global) {
          const fault = identityFault(node.info.partition);
          if (fault) throw fault;
        }
        let principal: RequestPrincipal;
        if (resolved) {
          // GetSessionToken's credentials call IAM only with MFA, which Meridian does not have: AWS
          // answers such a call as one with an invalid token.
          if (service === "iam" && resolved.session && isSessionTokenSession(resolved.session)) throw invalidToken();
          principal = resolved.principal;
        } else {
          const accountId = /^\d{12}$/.test(verified.accessKeyId) ? verified.accessKeyId : defaultAccountId;
          principal = { arn: rootArn(node.info.partition, accountId), account: accountId, type: "Root", userId: accountId };
        }
        if (!opts.global && !(await host.isEnabled(principal.account, node.info.name))) throw invalidToken();
        const caller: Caller = { accountId: principal.account, principal, accessKeyId: verified.accessKeyId, node, service: verified.service };
        if (resolved?.session) caller.session = resolved.session;
        return caller;
      },
    };
  }

  /** Both steps at once, for a request already read. */
  function authenticate(req: SignedRequest, expectedService: string, opts: { global?: boolean } = {}): Promise<Caller> {
    return begin(req, expectedService).finish(req.body, expectedService, opts);
  }

  return { begin, authenticate };
}

export type Authenticator = ReturnType<typeof makeAuthenticator>;
