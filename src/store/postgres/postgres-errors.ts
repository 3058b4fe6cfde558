// What PostgreSQL's errors mean to the store seam, by SQLSTATE (never by message): damaged data
// (make-store.ts turns it into the Region's StoreFault), a unique violation (the seam's conflict),
// a full disk (StoreUnavailable: changes wait, reads go on).

const code = (e: unknown): string | undefined => {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === "string" ? c : undefined;
};

/** XX001 data_corrupted, XX002 index_corrupted: the database found its own pages damaged. */
export function isPostgresDamage(e: unknown): boolean {
  const c = code(e);
  return c === "XX001" || c === "XX002";
}

export const isUniqueViolation = (e: unknown) => code(e) === "23505";

/** 53100 disk_full */
export const isDiskFull = (e: unknown) => code(e) === "53100";
