// Who is calling, in which Region, for which service: SigV4 against the partition's access keys,
// or, in permissive mode, any well-formed signature (a 12-digit access key id picks the account).

import { ServiceError } from "./service-error.js";
import { verifySigV4, type SignedRequest } from "./sigv4.js";
import type { RegionHost } from "../region/region-host.js";
import type { RegionNode } from "../region/region-node.js";

export type AuthMode = "strict" | "permissive";

export interface Caller {
  accountId: string;
  principalArn: string;
  node: RegionNode;
  service: string;
}

const invalidToken = () =>
  new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.");

export function makeAuthenticator(host: RegionHost, mode: AuthMode, defaultAccountId: string, now: () => number) {
  /**
   * `global`: a global service's request (the Account API) is signed for any hosted Region of the
   * caller's partition and is not refused when that Region is an opt-in one the account has not enabled.
   */
  return async function authenticate(req: SignedRequest, expectedService: string, opts: { global?: boolean } = {}): Promise<Caller> {
    const verified = verifySigV4(req, {
      now: new Date(now()),
      checkSignature: mode === "strict",
      expectedService,
      isHostedRegion: (region) => host.node(region) !== undefined,
      // The credential scope's Region decides whose keys apply: each partition has its own.
      secretFor: (accessKeyId, region) => {
        const partition = host.node(region)?.info.partition;
        return partition ? host.credentials.lookup(partition, accessKeyId)?.secretAccessKey : undefined;
      },
    });
    const node = host.node(verified.region)!;
    let principal: { accountId: string; principalArn: string };
    if (mode === "strict") {
      const found = host.credentials.lookup(node.info.partition, verified.accessKeyId);
      if (!found) throw invalidToken();
      principal = found;
    } else {
      const accountId = /^\d{12}$/.test(verified.accessKeyId) ? verified.accessKeyId : defaultAccountId;
      principal = { accountId, principalArn: `arn:${node.info.partition}:iam::${accountId}:root` };
    }
    if (!opts.global && !(await host.isEnabled(principal.accountId, node.info.name))) throw invalidToken();
    return { accountId: principal.accountId, principalArn: principal.principalArn, node, service: verified.service };
  };
}
