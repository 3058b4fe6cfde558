// The job runner on a manual clock: when jobs run, that a run never overlaps itself, that a failure
// stays in its job, and that nodes sharing a Region's store run each job once per period between them.

import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../store/sqlite/sqlite-store.js";
import type { RegionStore } from "../../store/store.js";
import { StoreFault } from "../../store/store-fault.js";
import { makeLogger } from "../../util/logger.js";
import { manualClock, type ManualClock } from "../../../test/support/manual-clock.js";
import { makeJobRunner, type Job } from "./job-runner.js";

const T0 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;

function storeFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "meridian-jobs-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "us-east-1.db");
}

function openStore(t: TestContext, file: string): RegionStore {
  const store = openSqliteStore(file);
  t.after(() => store.close());
  return store;
}

function runner(t: TestContext, store: RegionStore, clock: ManualClock, logs: string[] = []) {
  const r = makeJobRunner({ region: "us-east-1", store, clock, timers: clock, log: makeLogger((l) => logs.push(l)) });
  t.after(() => r.close());
  return r;
}

/** A job that records the time of each of its runs. */
function recording(name: string, everyMs = MINUTE): Job & { runs: number[] } {
  const runs: number[] = [];
  return { name, everyMs, runs, run: async (now) => void runs.push(now) };
}

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};

test("a job runs at start, then every everyMs and not before", async (t) => {
  const clock = manualClock(T0);
  const jobs = runner(t, openStore(t, storeFile(t)), clock);
  const job = recording("purge");
  jobs.add(job);
  await jobs.start();
  assert.deepEqual(job.runs, [T0]);
  await clock.advance(MINUTE - 1);
  assert.deepEqual(job.runs, [T0]);
  await clock.advance(1);
  await clock.advance(3 * MINUTE);
  assert.deepEqual(job.runs, [T0, T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE, T0 + 4 * MINUTE]);
});

test("each job keeps its own period", async (t) => {
  const clock = manualClock(T0);
  const jobs = runner(t, openStore(t, storeFile(t)), clock);
  const [often, seldom] = [recording("often"), recording("seldom", 5 * MINUTE)];
  jobs.add(often);
  jobs.add(seldom);
  await jobs.start();
  await clock.advance(10 * MINUTE);
  assert.equal(often.runs.length, 11);
  assert.deepEqual(seldom.runs, [T0, T0 + 5 * MINUTE, T0 + 10 * MINUTE]);
});

test("a job registered after start (secret rotation, say) runs at once, then on its period; names must be unique", async (t) => {
  const clock = manualClock(T0);
  const jobs = runner(t, openStore(t, storeFile(t)), clock);
  jobs.add(recording("purge"));
  await jobs.start();
  const later = recording("rotation");
  jobs.add(later);
  assert.throws(() => jobs.add(recording("rotation")), /already registered/);
  await clock.advance(0);
  await clock.advance(MINUTE);
  assert.deepEqual(later.runs, [T0, T0 + MINUTE]);
  assert.deepEqual(jobs.names(), ["purge", "rotation"]);
});

test("a failing job is logged, the others still run, and it is tried again next period", async (t) => {
  const clock = manualClock(T0);
  const logs: string[] = [];
  const jobs = runner(t, openStore(t, storeFile(t)), clock, logs);
  let attempts = 0;
  jobs.add({ name: "broken", everyMs: MINUTE, run: async () => void (attempts++, assert.fail("the disk is full")) });
  const after = recording("after");
  jobs.add(after);
  await jobs.start();
  await clock.advance(MINUTE);
  assert.equal(attempts, 2);
  assert.deepEqual(after.runs, [T0, T0 + MINUTE]);
  const failures = logs.map((l) => JSON.parse(l)).filter((l) => l.level === "error");
  assert.deepEqual(
    failures.map((l) => [l.msg, l.region, l.job, l.error]),
    [["background job failed", "us-east-1", "broken", "the disk is full"], ["background job failed", "us-east-1", "broken", "the disk is full"]],
  );
});

test("a job that meets a damaged store logs nothing of its own: the host logged the fault once", async (t) => {
  const clock = manualClock(T0);
  const logs: string[] = [];
  const jobs = runner(t, openStore(t, storeFile(t)), clock, logs);
  const fault = new StoreFault("us-east-1", "/data/us-east-1.sqlite", true, "database disk image is malformed");
  jobs.add({ name: "purge", everyMs: MINUTE, run: async () => Promise.reject(fault) });
  await jobs.start();
  await clock.advance(MINUTE);
  assert.deepEqual(logs, []);
});

test("a slow run does not overlap itself: a run asked for meanwhile waits for it", async (t) => {
  const clock = manualClock(T0);
  const jobs = runner(t, openStore(t, storeFile(t)), clock);
  let running = 0;
  let most = 0;
  let runs = 0;
  const slow = gate();
  jobs.add({
    name: "slow",
    everyMs: MINUTE,
    async run() {
      most = Math.max(most, ++running);
      if (++runs === 2) await slow.opened;
      running--;
    },
  });
  await jobs.start();
  const moving = clock.advance(MINUTE); // the second run starts and waits
  await new Promise((resolve) => setImmediate(resolve));
  const asked = jobs.runNow("slow");
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(runs, 2, "the run asked for has not started");
  slow.open();
  await Promise.all([moving, asked]);
  assert.deepEqual([runs, most], [3, 1]);
});

test("close stops the timers and waits for the run in progress", async (t) => {
  const clock = manualClock(T0);
  const jobs = runner(t, openStore(t, storeFile(t)), clock);
  let runs = 0;
  const slow = gate();
  jobs.add({ name: "slow", everyMs: MINUTE, run: async () => void (++runs === 2 && (await slow.opened)) });
  await jobs.start();
  const moving = clock.advance(MINUTE);
  await new Promise((resolve) => setImmediate(resolve));
  let closed = false;
  const closing = jobs.close().then(() => (closed = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(closed, false, "close waits for the run");
  slow.open();
  await Promise.all([closing, moving]);
  assert.equal(clock.pending(), 0, "no timer left");
  await clock.advance(10 * MINUTE);
  assert.equal(runs, 2);
});

test("a job whose lock another node holds is skipped, and runs once the lock is free", async (t) => {
  const clock = manualClock(T0);
  const store = openStore(t, storeFile(t));
  const jobs = runner(t, store, clock);
  const job = recording("purge");
  jobs.add(job);
  assert.equal(await store.tryLock("jobs/purge", "another-node", 30_000, T0), true);
  await jobs.start();
  await assert.rejects(jobs.runNow("purge"), /running on another node/);
  assert.deepEqual(job.runs, []);
  await store.releaseLock("jobs/purge", "another-node");
  await clock.advance(MINUTE);
  assert.deepEqual(job.runs, [T0 + MINUTE]);
});

test("two nodes sharing a Region's store run each job once per period between them", async (t) => {
  const clock = manualClock(T0);
  const file = storeFile(t);
  const [a, b] = [runner(t, openStore(t, file), clock), runner(t, openStore(t, file), clock)];
  const runs: number[] = [];
  const by: string[] = [];
  const job = (node: string): Job => ({ name: "purge", everyMs: MINUTE, run: async (now) => void (runs.push(now), by.push(node)) });
  a.add(job("a"));
  b.add(job("b"));
  await a.start();
  // the second node starts 20 s later: the job ran within its period, so it waits for the next
  await clock.advance(20_000);
  await b.start();
  await clock.advance(10 * MINUTE - 20_000);
  assert.deepEqual(runs, Array.from({ length: 11 }, (_, i) => T0 + i * MINUTE));

  // the node that ran it goes away: the other one carries on, on the same schedule
  await a.close();
  await clock.advance(2 * MINUTE);
  assert.deepEqual(runs.slice(11), [T0 + 11 * MINUTE, T0 + 12 * MINUTE]);
  assert.deepEqual(by.slice(11), ["b", "b"]);
});

test("a node restarted within a job's period waits for the period; one restarted after it runs the job at start", async (t) => {
  const clock = manualClock(T0);
  const file = storeFile(t);
  const first = runner(t, openStore(t, file), clock);
  first.add(recording("purge"));
  await first.start();
  await first.close();

  await clock.jump(30_000);
  const soon = runner(t, openStore(t, file), clock);
  const again = recording("purge");
  soon.add(again);
  await soon.start();
  assert.deepEqual(again.runs, [], "ran 30 s ago");
  await clock.advance(30_000);
  assert.deepEqual(again.runs, [T0 + MINUTE], "due a period after the last run");
  await soon.close();

  await clock.jump(7 * 86_400_000);
  const late = runner(t, openStore(t, file), clock);
  const resumed = recording("purge");
  late.add(resumed);
  await late.start();
  assert.deepEqual(resumed.runs, [clock.now()], "came due while it was down");
});
