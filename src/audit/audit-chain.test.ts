// The hash chain as pure logic: how a link is computed, and what verification says of a chain
// intact, edited, with an event removed (in the middle, at the start, at the end), reordered,
// moved from another Region, or pruned by retention.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { GENESIS, derivedColumns, linkHash, verifyChain, type ChainState, type ChainedRow } from "../contract/audit-chain.js";

const T0 = Date.UTC(2026, 10, 28, 17, 0, 0);

function event(i: number, region = "eu-west-1") {
  return {
    userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/alice", userName: "alice" },
    eventTime: new Date(T0 + i * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: "secretsmanager.amazonaws.com",
    eventName: i % 2 ? "GetSecretValue" : "PutSecretValue",
    awsRegion: region,
    eventID: `event-${i}`,
  };
}

/** A chain of n events as a store writes it, and its state. */
function chain(n: number, from = GENESIS, position = 0): { rows: ChainedRow[]; state: ChainState } {
  const rows: ChainedRow[] = [];
  let prev = from;
  for (let i = 1; i <= n; i++) {
    const e = event(position + i);
    const doc = JSON.stringify(e);
    const hash = linkHash(prev, T0 + i, doc);
    rows.push({ seq: i, time: T0 + i, doc, prevHash: prev, hash, columns: derivedColumns(e) });
    prev = hash;
  }
  return { rows, state: { anchorHash: from, anchorPosition: position, headHash: prev, headPosition: position + n } };
}

test("a link is SHA-256 over the previous hash, then the event's time and document", async () => {
  const prev = createHash("sha256").update("x").digest("hex");
  const expected = createHash("sha256").update(`${prev}\n${T0}\n{"a":1}`).digest("hex");
  assert.equal(linkHash(prev, T0, '{"a":1}'), expected);
  assert.notEqual(linkHash(prev, T0 + 1, '{"a":1}'), expected, "the time is covered");
  assert.notEqual(linkHash(GENESIS, T0, '{"a":1}'), expected, "the previous hash is covered");
});

test("an intact chain, an empty one, and one whose oldest events were pruned verify", async () => {
  const { rows, state } = chain(5);
  assert.deepEqual(await verifyChain(state, rows, "eu-west-1"), { intact: true, events: 5, pruned: 0, head: state.headHash });
  assert.deepEqual(await verifyChain({ anchorHash: GENESIS, anchorPosition: 0, headHash: GENESIS, headPosition: 0 }, []), { intact: true, events: 0, pruned: 0, head: GENESIS });
  // retention removed the first two: the anchor is the second one's hash
  const pruned = { ...state, anchorHash: rows[1]!.hash!, anchorPosition: 2 };
  assert.deepEqual(await verifyChain(pruned, rows.slice(2)), { intact: true, events: 3, pruned: 2, head: state.headHash });
  // and all of them
  assert.equal((await verifyChain({ ...state, anchorHash: state.headHash, anchorPosition: 5 }, [])).intact, true);
});

test("an edited document, time or column breaks the chain at that event", async () => {
  const { rows, state } = chain(4);
  const edited = rows.map((r) => ({ ...r }));
  edited[2]!.doc = edited[2]!.doc.replace("alice", "bob");
  const v = await verifyChain(state, edited);
  assert.equal(v.intact, false);
  assert.ok(!v.intact);
  assert.equal(v.position, 3);
  assert.deepEqual(v.row, { seq: 3, eventId: "event-3", eventName: "GetSecretValue", eventTime: "2026-11-28T17:00:03Z" });
  assert.match(v.problem, /content does not match its hash: the event was edited/);

  const retimed = rows.map((r, i) => (i === 1 ? { ...r, time: r.time + 1 } : r));
  brokenAt(await verifyChain(state, retimed), 2, /edited/);

  const column = rows.map((r, i) => (i === 0 ? { ...r, columns: { ...r.columns, event_name: "ListSecrets" } } : r));
  brokenAt(await verifyChain(state, column), 1, /event_name column does not match/);

  const garbage = chain(1);
  garbage.rows[0]!.doc = "not json";
  garbage.rows[0]!.hash = linkHash(GENESIS, garbage.rows[0]!.time, "not json");
  brokenAt(await verifyChain({ ...garbage.state, headHash: garbage.rows[0]!.hash }, garbage.rows), 1, /not an event/);
});

test("a removed event breaks the chain at the one after it; at the start, the anchor; at the end, the head", async () => {
  const { rows, state } = chain(5);
  brokenAt(await verifyChain(state, [...rows.slice(0, 2), ...rows.slice(3)]), 3, /does not link to the event before it .*removed or reordered/);
  brokenAt(await verifyChain(state, rows.slice(1)), 1, /does not link to the chain's anchor/);
  const tail = await verifyChain(state, rows.slice(0, 3));
  assert.ok(!tail.intact);
  assert.equal(tail.row, undefined);
  assert.equal(tail.position, 4);
  assert.match(tail.problem, /records 5 events: 2 missing at the end/);
  brokenAt(await verifyChain(state, []), 1, /5 missing at the end/);
});

test("reordered events, an event added outside the chain, a moved head, another Region's event", async () => {
  const { rows, state } = chain(4);
  brokenAt(await verifyChain(state, [rows[0]!, rows[2]!, rows[1]!, rows[3]!]), 2, /removed or reordered/);
  const unhashed = { ...rows[3]!, seq: 5, hash: null, prevHash: null };
  brokenAt(await verifyChain(state, [...rows, unhashed]), 5, /no hash/);

  const longer = chain(5);
  brokenAt(await verifyChain(state, longer.rows), 6, /not the last event found/);

  const elsewhere = chain(2);
  const e = event(2, "us-east-1");
  const doc = JSON.stringify(e);
  const moved = { ...elsewhere.rows[1]!, doc, hash: linkHash(elsewhere.rows[0]!.hash!, elsewhere.rows[1]!.time, doc), columns: derivedColumns(e) };
  const v = await verifyChain({ ...elsewhere.state, headHash: moved.hash }, [elsewhere.rows[0]!, moved], "eu-west-1");
  brokenAt(v, 2, /an event of us-east-1, not of this Region/);
});

/** The verdict names the first broken link at this position, for this reason. */
function brokenAt(v: Awaited<ReturnType<typeof verifyChain>>, position: number, problem: RegExp): void {
  assert.ok(!v.intact, "expected a broken chain");
  assert.equal(v.position, position, v.problem);
  assert.match(v.problem, problem);
}
