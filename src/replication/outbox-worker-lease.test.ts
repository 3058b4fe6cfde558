// Two nodes of one Region sharing a store (issue 11 item 5): each runs an outbox worker, and the
// workers claim entries with a lease, so each queued delivery is sent once, not once per node.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { makeOutboxWorker } from "./outbox-worker.js";
import { makeLogger } from "../util/logger.js";
import { systemClock } from "../util/clock.js";
import type { ReplicationTransport } from "./transport.js";
import type { ReplicationMessage } from "./replication-types.js";

test("two outbox workers sharing a store send each queued delivery once", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "meridian-workers-"));
  const store = openSqliteStore(join(dir, "us-east-1.db"));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const N = 60;
  for (let i = 0; i < N; i++) {
    const arn = `arn:aws:secretsmanager:us-east-1:111122223333:secret:s${i}-AbCdEf`;
    await store.enqueueOutbox({ arn, region: "eu-west-1", accountId: "111122223333", op: "remove", revision: 1 }, systemClock.now());
  }
  const sent = new Map<string, number>();
  // a delivery takes a little while, as over the network: the other node's worker runs meanwhile
  const transport: ReplicationTransport = {
    async send(message: ReplicationMessage) {
      if (message.kind === "remove") sent.set(message.primaryArn, (sent.get(message.primaryArn) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { status: "InSync", versions: [] } as never;
    },
    async publicKeyOf() {
      throw new Error("not used by removals");
    },
    async probe() {},
  };
  const worker = () =>
    makeOutboxWorker({ region: "us-east-1", store, keys: { decrypt: async () => { throw new Error("unused"); } }, transport, clock: systemClock, log: makeLogger(() => {}), concurrency: 4 });
  const [a, b] = [worker(), worker()];
  await Promise.all([a.settle(), b.settle()]);
  await Promise.all([a.stop(), b.stop()]);
  assert.equal(sent.size, N, "every entry delivered");
  assert.deepEqual([...sent.values()].filter((n) => n !== 1), [], "none delivered twice");
  assert.deepEqual(await store.dueOutbox(Number.MAX_SAFE_INTEGER, 100), []);
});
