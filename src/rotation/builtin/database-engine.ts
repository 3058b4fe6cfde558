// The seam between the database rotators (database-rotator.ts) and a database: how to log in with
// a secret's credentials and the few statements AWS's templates run. One implementation per
// driver: postgres-engine.ts (pg), mysql-engine.ts (mysql2, MySQL and MariaDB flavours).

export interface DbCredentials {
  host: string;
  port: number;
  username: string;
  password: string;
  dbname?: string;
}

export interface DbSession {
  /** Sets the logged-in user's own password (single user). */
  setOwnPassword(username: string, password: string): Promise<void>;
  /** As the master: creates `clone` with the grants of `source` when absent, then sets its password. */
  setClonePassword(source: string, clone: string, password: string): Promise<void>;
  /** Creates `username` able to log into `dbname` with `password` when absent (as the master). */
  createLoginIfAbsent(username: string, password: string, dbname: string | undefined): Promise<void>;
  /** The templates' permission check: SELECT NOW(). */
  selectNow(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseEngine {
  /** As the templates name it in messages: "PostgreSQL", "MySQL", "MariaDB". */
  name: string;
  /** The `engine` values of a secret this rotator accepts. */
  engines: readonly string[];
  defaultPort: number;
  /** The longest username the database allows (the `_clone` user must fit). */
  maxUsernameLength: number;
  /** The characters GetRandomPassword must leave out, as the template's default EXCLUDE_CHARACTERS. */
  excludeCharacters: string;
  /** Whether the master logs into the rotated user's `dbname` rather than its own (PostgreSQL's template). */
  masterUsesUserDatabase: boolean;
  /** Whether single-user rotation with a `masterarn` first creates a missing user (PostgreSQL's template). */
  singleUserCreatesMissingUser: boolean;
  /** Logs in; rejects when the database refuses or cannot be reached. */
  connect(credentials: DbCredentials, ssl: boolean): Promise<DbSession>;
}

/** A driver error with what can be shown of it: SQL text may hold a password, so only the code. */
export function statementFailed(what: string, e: unknown): Error {
  const code = typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : "unknown error";
  return new Error(`${what} failed (${code})`);
}
