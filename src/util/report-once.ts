// Reporting a lasting condition once, not on every request or retry that meets it: a subject is
// reported when it starts failing and again only after it has recovered and fails anew.

/**
 * `max` bounds what is remembered: subjects may come from unauthenticated requests (a peer's claimed
 * name), so past `max` failing subjects the rest share one report under `overflow`.
 */
export function makeReportOnce(max = 64, overflow = "(others)") {
  const failing = new Set<string>();
  return {
    /** `subject` failed: true when this is news to report (it was not failing already) */
    failed(subject: string): boolean {
      const key = failing.has(subject) || failing.size < max ? subject : overflow;
      if (failing.has(key)) return false;
      failing.add(key);
      return true;
    },
    /** `subject` works again: its next failure is news */
    recovered(subject: string): void {
      failing.delete(subject);
    },
  };
}
