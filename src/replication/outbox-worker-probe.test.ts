// A replica Region that does not answer for a long time (issue 12 item 8): the worker probes it on a
// short fixed interval instead of retrying its deliveries with a growing backoff, so the delivery
// happens within a probe interval of its coming back, however long it was away. A Region that
// answers but refuses keeps the per-entry backoff and is not probed. Time is a manual clock.

import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { makeOutboxWorker } from "./outbox-worker.js";
import { makeLogger } from "../util/logger.js";
import { manualClock } from "../../test/support/manual-clock.js";
import { RegionUnreachable, type ApplyOutcome, type ReplicationMessage } from "./replication-types.js";
import type { ReplicationTransport } from "./transport.js";

const DEST = "eu-west-1";
const arn = (i: number) => `arn:aws:secretsmanager:us-east-1:111122223333:secret:s${i}-AbCdEf`;

/** A destination that is down, answering with an error, or up; what was sent to it and how often it was probed. */
function fakePeer() {
  const peer = {
    state: "down" as "down" | "failing" | "up",
    delivered: new Set<string>(),
    sends: 0,
    probes: 0,
  };
  const transport: ReplicationTransport = {
    async send(message: ReplicationMessage): Promise<ApplyOutcome> {
      peer.sends++;
      if (peer.state === "down") throw new RegionUnreachable(`Region ${DEST} is unreachable: connect ECONNREFUSED`);
      if (peer.state === "failing") throw new RegionUnreachable(`Region ${DEST} answered 503`, true);
      if (message.kind === "remove") peer.delivered.add(message.primaryArn);
      return { status: "Removed" };
    },
    async publicKeyOf() {
      throw new Error("not used by removals");
    },
    async probe() {
      peer.probes++;
      if (peer.state === "down") throw new RegionUnreachable(`Region ${DEST} is unreachable: connect ECONNREFUSED`);
    },
  };
  return { peer, transport };
}

async function setUp(t: TestContext, entries: number) {
  const dir = mkdtempSync(join(tmpdir(), "meridian-probe-"));
  const store = openSqliteStore(join(dir, "us-east-1.db"));
  const clock = manualClock();
  const { peer, transport } = fakePeer();
  const worker = makeOutboxWorker({
    region: "us-east-1",
    store,
    keys: { decrypt: async () => { throw new Error("unused"); } },
    transport,
    clock,
    timers: clock,
    log: makeLogger(() => {}),
  });
  t.after(async () => {
    await worker.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; i < entries; i++) {
    await store.enqueueOutbox({ arn: arn(i), region: DEST, accountId: "111122223333", op: "remove", revision: 1 }, clock.now());
  }
  /** `seconds` of time, the worker going through its outbox after each (as its poll would) */
  const pass = async (seconds: number) => {
    for (let s = 0; s < seconds; s++) {
      await clock.advance(1000);
      await worker.settle();
    }
  };
  return { store, clock, peer, worker, pass };
}

test("a Region back after ten minutes away gets its deliveries within a probe interval, not a backoff", async (t) => {
  const { peer, worker, pass, store } = await setUp(t, 20);
  await worker.settle();
  assert.equal(peer.delivered.size, 0);
  const sendsWhenSilent = peer.sends;

  await pass(600);
  assert.equal(peer.sends, sendsWhenSilent, "while it does not answer, no delivery is sent: it is probed");
  assert.ok(peer.probes >= 590 && peer.probes <= 600, `probed once a second (${peer.probes} probes in 600 s)`);

  peer.state = "up";
  await pass(1);
  assert.equal(peer.delivered.size, 20, "every queued delivery went out within one probe interval of its return");
  assert.deepEqual(await store.dueOutbox(Number.MAX_SAFE_INTEGER, 100), []);
});

test("a Region that answers with an error keeps the per-entry backoff and is not probed", async (t) => {
  const { peer, worker, pass } = await setUp(t, 1);
  peer.state = "failing";
  await worker.settle();
  await pass(120);
  assert.equal(peer.probes, 0);
  // backoff from 0.2 s doubling to the 30 s cap: about ten attempts in two minutes, not one a second
  assert.ok(peer.sends >= 4 && peer.sends <= 16, `${peer.sends} attempts in 120 s`);

  peer.state = "up";
  await pass(60);
  assert.equal(peer.delivered.size, 1, "delivered at the next attempt, at most a capped backoff later");
});
