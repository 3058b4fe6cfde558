// What the KMS end-to-end tests share: a KMS client on a test server, a clock that can be moved
// forward and back (the edge checks SigV4 dates against it, so it is moved only around a sweep),
// and a sweep of a Region: every background job of it, run now.

import { KMSClient } from "@aws-sdk/client-kms";
import { ADMIN, type TestServer } from "../support/meridian.js";

export const REGION = "us-east-1";

export function kmsClient(m: TestServer, region = REGION, credentials = ADMIN): KMSClient {
  return new KMSClient({ endpoint: m.url, region, credentials, maxAttempts: 1 });
}

/** A clock `offset` milliseconds ahead of the real one. */
export function movableClock() {
  let offset = 0;
  return {
    clock: { now: () => Date.now() + offset },
    /** run `work` (a sweep, say) as if `ms` later, then come back to the present */
    async later<T>(ms: number, work: () => Promise<T>): Promise<T> {
      offset += ms;
      try {
        return await work();
      } finally {
        offset -= ms;
      }
    },
  };
}

export const sweep = (m: TestServer, region = REGION) => m.server.host.nodes.get(region)!.jobs.runNow();

export const DAY = 86_400_000;
