// What the multi-Region end-to-end tests share: a server hosting a few Regions of each partition,
// waiting for replication without sleeping (each Region's outbox worker is settled until nothing is
// left to deliver), and the anti-entropy pass.

import { randomUUID } from "node:crypto";
import { DescribeSecretCommand, type ReplicationStatusType, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { systemClock, type Clock } from "../../src/util/clock.js";

export const PRIMARY = "us-east-1";
/** Two replica Regions of the commercial partition, hosted by the test server. */
export const EU = "eu-west-1";
export const WEST = "us-west-2";
/** a third one, for the secrets a promoted replica replicates on its own */
export const SPARE = "eu-central-1";
/** hosted, opt-in, and not enabled for the test account */
export const OPT_IN = "af-south-1";
/** in the built-in topology but not hosted by the test server: unreachable */
export const ELSEWHERE = "ap-southeast-2";

export const HOSTED = [PRIMARY, EU, WEST, SPARE, OPT_IN, "us-gov-west-1", "cn-north-1"];

export const NOT_ON_REPLICA = "Operation not permitted on a replica secret. Call must be made in primary secret's region.";

/** The servers' clocks, to count what is due by the time the server sees. */
const clocks = new WeakMap<TestServer, Clock>();

/** A clock that can be moved forward, for backoffs (the edge accepts 15 minutes of SigV4 skew). */
export function movableClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms) };
}

export async function startReplicationServer(clock: Clock = systemClock): Promise<TestServer> {
  const m = await startMeridian({ regions: HOSTED, clock });
  clocks.set(m, clock);
  return m;
}

/**
 * Deliver everything that is due in every hosted Region. Applying a change in one Region can queue
 * work in another (a promotion notice, a Region dropped from a primary), so the Regions are gone
 * through until a whole round finds nothing new to deliver.
 */
export async function settle(m: TestServer): Promise<void> {
  const nodes = [...m.server.host.nodes.values()];
  for (let round = 0; round < 5; round++) {
    for (const node of nodes) await node.replication.worker.settle();
    if ((await pending(m)) === 0) return;
  }
}

async function pending(m: TestServer): Promise<number> {
  let n = 0;
  for (const node of m.server.host.nodes.values()) {
    n += (await node.store.dueOutbox((clocks.get(m) ?? systemClock).now(), 10_000)).length;
  }
  return n;
}

/** Run the anti-entropy job of a Region now, then deliver. */
export async function antiEntropy(m: TestServer, region = PRIMARY): Promise<void> {
  await m.server.host.nodes.get(region)!.jobs.runNow("anti-entropy");
  await settle(m);
}

export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export const inRegion = (arn: string, region: string) => arn.split(":").map((p, i) => (i === 3 ? region : p)).join(":");

/** The primary's ReplicationStatus entry for one Region. */
export async function statusOf(sm: SecretsManagerClient, secretId: string, region: string): Promise<ReplicationStatusType | undefined> {
  const d = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  return d.ReplicationStatus?.find((s) => s.Region === region);
}
