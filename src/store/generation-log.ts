// What moved a change counter (store.ts `generations`): both stores log every move in
// `generation_changes (kind, n, subject)`, in the transaction that made it, naming the record it
// changed (a secret's ARN) or nothing (it may have changed anything). A cache that sees a counter
// move reads the log for the moves it missed and forgets just those records.

/** the moves of each counter the log keeps: a cache further behind empties itself */
export const CHANGES_KEPT = 10_000;

/**
 * The subjects of the moves after `from` up to `to`, from the log's rows for that range; undefined
 * when the log cannot say: a row missing (pruned, or a move made before the log existed), a move
 * naming no subject, or a counter that went back.
 */
export function subjectsOfMoves(rows: readonly { subject: string | null }[], from: number, to: number): Set<string> | undefined {
  if (to < from || rows.length !== to - from) return undefined;
  const subjects = new Set<string>();
  for (const { subject } of rows) {
    if (subject === null) return undefined;
    subjects.add(subject);
  }
  return subjects;
}
