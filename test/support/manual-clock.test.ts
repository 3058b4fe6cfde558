// The manual clock the background-job tests run on: timers fire in due order at their due times
// when time is advanced, once at the new time when it jumps, never when cancelled.

import { test } from "node:test";
import assert from "node:assert/strict";
import { manualClock } from "./manual-clock.js";

test("advance fires each timer at its due time, in order, timers set meanwhile included, and awaits their work", async () => {
  const clock = manualClock(1_000);
  const fired: string[] = [];
  clock.after(30, () => void fired.push(`b@${clock.now()}`));
  clock.after(10, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    fired.push(`a@${clock.now()}`);
    clock.after(15, () => void fired.push(`a2@${clock.now()}`));
  });
  clock.after(30, () => void fired.push(`c@${clock.now()}`));
  clock.after(100, () => void fired.push("late"));
  await clock.advance(30);
  assert.deepEqual(fired, ["a@1010", "a2@1025", "b@1030", "c@1030"]);
  assert.equal(clock.now(), 1_030);
  assert.equal(clock.pending(), 1);
});

test("jump fires what came due once, at the new time; a cancelled timer never fires", async () => {
  const clock = manualClock(0);
  const fired: number[] = [];
  const repeat = () => void (fired.push(clock.now()), clock.after(10, repeat));
  clock.after(10, repeat);
  const cancel = clock.after(5, () => void fired.push(-1));
  cancel();
  await clock.jump(1_000);
  assert.deepEqual(fired, [1_000]);
  await clock.advance(20);
  assert.deepEqual(fired, [1_000, 1_010, 1_020]);
});
