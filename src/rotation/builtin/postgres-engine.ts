// PostgreSQL for the rotators, through `pg`: names and passwords go into statements only through
// the driver's escapeIdentifier/escapeLiteral (ALTER ROLE takes no bind parameters).

import pg from "pg";
import { statementFailed, type DatabaseEngine, type DbSession } from "./database-engine.js";

export const postgresEngine: DatabaseEngine = {
  name: "PostgreSQL",
  engines: ["postgres", "aurora-postgresql"],
  defaultPort: 5432,
  maxUsernameLength: 63,
  excludeCharacters: ":/@\"'\\",
  masterUsesUserDatabase: true,
  singleUserCreatesMissingUser: true,
  async connect(credentials, ssl) {
    const client = new pg.Client({
      host: credentials.host,
      port: credentials.port,
      user: credentials.username,
      password: credentials.password,
      database: credentials.dbname ?? "postgres",
      connectionTimeoutMillis: 5000,
      ssl: ssl ? { rejectUnauthorized: true } : false,
    });
    // a server that goes away mid-session must fail the step, not the process
    client.on("error", () => undefined);
    await client.connect();
    return session(client);
  },
};

function session(client: pg.Client): DbSession {
  const ident = (name: string) => client.escapeIdentifier(name);
  const literal = (value: string) => client.escapeLiteral(value);
  return {
    async setOwnPassword(username, password) {
      await client.query(`ALTER USER ${ident(username)} WITH PASSWORD ${literal(password)}`).catch((e: unknown) => {
        throw statementFailed(`ALTER USER ${username}`, e);
      });
    },
    async setClonePassword(source, clone, password) {
      try {
        await client.query("BEGIN");
        const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [clone]);
        if (exists.rowCount === 0) {
          await client.query(`CREATE ROLE ${ident(clone)} WITH LOGIN PASSWORD ${literal(password)}`);
          await client.query(`GRANT ${ident(source)} TO ${ident(clone)}`);
        } else {
          await client.query(`ALTER USER ${ident(clone)} WITH PASSWORD ${literal(password)}`);
        }
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw statementFailed(`Setting the password of ${clone}`, e);
      }
    },
    async createLoginIfAbsent(username, password, dbname) {
      try {
        const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [username]);
        if (exists.rowCount !== 0) return;
        await client.query("BEGIN");
        await client.query(`CREATE ROLE ${ident(username)} WITH LOGIN PASSWORD ${literal(password)}`);
        // the template's default, to revoke or widen afterwards
        await client.query(`GRANT CONNECT ON DATABASE ${ident(dbname ?? "postgres")} TO ${ident(username)}`);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw statementFailed(`Creating user ${username}`, e);
      }
    },
    async selectNow() {
      await client.query("SELECT NOW()");
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
