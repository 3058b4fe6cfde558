// The pending event of each call in flight is its own, however calls overlap; the context is
// switched off between changes (reads pay nothing for it) and back on for the next one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pendingEventFor, withPendingEvent, type PendingCallEvent } from "./call-events.js";

function pending(region: string): PendingCallEvent {
  return { region, closed: false, taken: false, take: () => [], putBack() {} };
}

test("overlapping calls each see their own pending event, before and after the other ends", async () => {
  const a = pending("us-east-1");
  const b = pending("us-east-1");
  let releaseA!: () => void;
  const aWaits = new Promise<void>((r) => (releaseA = r));
  const seen: (PendingCallEvent | undefined)[] = [];
  const first = withPendingEvent(a, async () => {
    seen.push(pendingEventFor("us-east-1"));
    await aWaits;
    seen.push(pendingEventFor("us-east-1")); // b has ended meanwhile
  });
  await withPendingEvent(b, async () => {
    seen.push(pendingEventFor("us-east-1"));
    seen.push(pendingEventFor("eu-west-1")); // another Region's store takes nothing
  });
  releaseA();
  await first;
  assert.deepEqual(seen, [a, b, undefined, a]);
  assert.equal(pendingEventFor("us-east-1"), undefined, "outside any call");
  await withPendingEvent(b, async () => assert.equal(pendingEventFor("us-east-1"), b, "on again for the next change"));
});
