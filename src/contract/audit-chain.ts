// The audit trail's hash chain (issue 10 item 11), as CloudTrail's log file integrity validation
// chains its digests: each event's hash is SHA-256 over the hash of the event written before it in
// its Region and the event's stored bytes, so an event edited, removed or moved breaks every link
// after it. The store keeps, beside the events, the chain's anchor (the hash before the first event
// it still holds: the genesis value, or the last event retention pruned) and its head (the last
// event written), so pruning keeps what remains verifiable and a removed tail shows.
// Pure: the store computes links with `linkHash` as it writes and hands its rows to `verifyChain`.
// In the contract layer because it is the format of a record the store persists: the store links
// each event as it writes it, and `meridian audit verify` checks the links; neither owns the other.

import { hash } from "node:crypto";

/** The anchor of a chain nothing was ever pruned from. */
export const GENESIS = "0".repeat(64);

/** What the store keeps about its chain besides the events. */
export interface ChainState {
  /** the hash the first event still held links to */
  anchorHash: string;
  /** how many events were pruned before it */
  anchorPosition: number;
  /** the hash of the last event written */
  headHash: string;
  /** how many events were ever written */
  headPosition: number;
}

/** An event row as stored: what the hash covers, the link, and the columns queries filter on. */
export interface ChainedRow {
  seq: number;
  /** event_time: when the call arrived (epoch ms) */
  time: number;
  /** the CloudTrail event's JSON, byte for byte as stored */
  doc: string;
  prevHash: string | null;
  hash: string | null;
  /** the columns derived from the event (region, event_source, …), which must agree with it */
  columns: Record<string, string | null>;
}

/**
 * The hash of an event: SHA-256 over the previous event's hash and the event's canonical stored
 * bytes, as the UTF-8 text `<previous hash, hex>\n<event_time>\n<doc>` (the arrival time in ms,
 * which the document rounds to the second, and the document as stored), in lower-case hex.
 */
export function linkHash(prevHash: string, time: number, doc: string): string {
  // one per event on the read path: the one-shot crypto.hash costs about a third of a Hash object
  return hash("sha256", `${prevHash}\n${time}\n${doc}`, "hex");
}

/** The columns a store derives from an event; verification checks they still agree with it. */
export function derivedColumns(event: {
  awsRegion: string;
  eventSource: string;
  eventName: string;
  eventID: string;
  errorCode?: string;
  userIdentity: { arn?: string; invokedBy?: string; userName?: string; sessionContext?: { sessionIssuer: { userName: string } } };
}): Record<string, string | null> {
  const who = event.userIdentity;
  return {
    region: event.awsRegion,
    event_source: event.eventSource,
    event_name: event.eventName,
    principal_arn: who.arn ?? who.invokedBy ?? "",
    user_name: who.userName ?? who.sessionContext?.sessionIssuer.userName ?? null,
    event_id: event.eventID,
    error_code: event.errorCode ?? null,
  };
}

export type ChainVerdict =
  | { intact: true; events: number; pruned: number; head: string }
  | {
      intact: false;
      events: number;
      pruned: number;
      /** the chain position (1 = the first event ever written) of the first broken link */
      position: number;
      /** the row there, when there is one (absent for events missing at the end) */
      row?: { seq: number; eventId?: string; eventName?: string; eventTime?: string };
      problem: string;
    };

/**
 * Checks a Region's chain, rows oldest first (in the order they were written), as the store streams
 * them; stops at the first broken link (leaving the rows' loop, which releases the store's read).
 */
export async function verifyChain(state: ChainState, rows: Iterable<ChainedRow> | AsyncIterable<ChainedRow>, region?: string): Promise<ChainVerdict> {
  const expected = state.headPosition - state.anchorPosition;
  let prev = state.anchorHash;
  let count = 0;
  const broken = (row: ChainedRow, problem: string): ChainVerdict => {
    let event: { eventID?: string; eventName?: string; eventTime?: string } = {};
    try {
      event = JSON.parse(row.doc) as typeof event;
    } catch {
      // an unreadable document: the columns still say which event it was
    }
    return {
      intact: false,
      events: count,
      pruned: state.anchorPosition,
      position: state.anchorPosition + count,
      row: {
        seq: row.seq,
        eventId: event.eventID ?? row.columns.event_id ?? undefined,
        eventName: event.eventName ?? row.columns.event_name ?? undefined,
        eventTime: event.eventTime,
      },
      problem,
    };
  };
  for await (const row of rows) {
    count++;
    if (row.hash === null || row.prevHash === null) return broken(row, "it has no hash: it was added outside the chain");
    if (row.prevHash !== prev) {
      return broken(
        row,
        count === 1
          ? `it does not link to the chain's anchor (${short(prev)}): events before it were removed or reordered`
          : `it does not link to the event before it (expected ${short(prev)}, found ${short(row.prevHash)}): an event was removed or reordered`,
      );
    }
    if (linkHash(row.prevHash, row.time, row.doc) !== row.hash) return broken(row, "its content does not match its hash: the event was edited");
    const problem = columnProblem(row, region);
    if (problem) return broken(row, problem);
    prev = row.hash;
  }
  const end = { events: count, pruned: state.anchorPosition, position: state.anchorPosition + count + 1 };
  if (count < expected) {
    const missing = expected - count;
    return { intact: false, ...end, problem: `the chain's head records ${state.headPosition} events: ${missing} missing at the end (removed)` };
  }
  if (count > expected || prev !== state.headHash) {
    return { intact: false, ...end, problem: `the chain's head (${short(state.headHash)}, event ${state.headPosition}) is not the last event found: events were added or the head was changed` };
  }
  return { intact: true, events: count, pruned: state.anchorPosition, head: prev };
}

function columnProblem(row: ChainedRow, region: string | undefined): string | undefined {
  let event: Parameters<typeof derivedColumns>[0];
  try {
    event = JSON.parse(row.doc) as typeof event;
  } catch {
    return "its content is not an event: the event was edited";
  }
  if (region !== undefined && event.awsRegion !== region) return `it is an event of ${event.awsRegion}, not of this Region: it was moved`;
  const derived = derivedColumns(event);
  for (const [column, value] of Object.entries(derived)) {
    if ((row.columns[column] ?? null) !== value) return `its ${column} column does not match its content: the event was edited`;
  }
  return undefined;
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;
