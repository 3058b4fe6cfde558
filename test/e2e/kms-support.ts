// What the KMS end-to-end tests share: a KMS client on a test server, a clock that can be moved
// forward and back (the edge checks SigV4 dates against it, so it is moved only around a sweep),
// and an assertion on a service error's name, message and status.

import assert from "node:assert/strict";
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

export interface Expected {
  name: string;
  /** the exact message, or a pattern; omitted: not checked */
  message?: string | RegExp;
  status?: number;
}

/** The call fails with this service error. */
export async function refuses(call: Promise<unknown>, expected: Expected): Promise<void> {
  await assert.rejects(call, (e: unknown) => {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, expected.name, `error name (message: ${err.message})`);
    if (typeof expected.message === "string") assert.equal(err.message, expected.message);
    else if (expected.message) assert.match(err.message ?? "", expected.message);
    assert.equal(err.$metadata?.httpStatusCode, expected.status ?? 400);
    return true;
  });
}

export const sweep = (m: TestServer, region = REGION) => m.server.host.nodes.get(region)!.sweep();

export const DAY = 86_400_000;
