// MySQL and MariaDB for the rotators, through `mysql2`: values reach statements only through the
// driver's escape(). The two templates differ in how the clone user gets its grants and password.

import mysql from "mysql2/promise";
import { statementFailed, type DatabaseEngine, type DbCredentials, type DbSession } from "./database-engine.js";

type Flavour = "MySQL" | "MariaDB";

function mysqlFamilyEngine(name: Flavour, engines: readonly string[], maxUsernameLength: number): DatabaseEngine {
  return {
    name,
    engines,
    defaultPort: 3306,
    maxUsernameLength,
    excludeCharacters: "/@\"'\\",
    masterUsesUserDatabase: false,
    singleUserCreatesMissingUser: false,
    async connect(credentials: DbCredentials, ssl: boolean) {
      const connection = await mysql.createConnection({
        host: credentials.host,
        port: credentials.port,
        user: credentials.username,
        password: credentials.password,
        ...(credentials.dbname !== undefined && { database: credentials.dbname }),
        connectTimeout: 5000,
        ...(ssl && { ssl: { rejectUnauthorized: true } }),
      });
      connection.on("error", () => undefined);
      return session(connection, name);
    },
  };
}

export const mysqlEngine = mysqlFamilyEngine("MySQL", ["mysql"], 16);
export const mariadbEngine = mysqlFamilyEngine("MariaDB", ["mariadb"], 80);

function session(connection: mysql.Connection, flavour: Flavour): DbSession {
  const q = (value: string) => connection.escape(value);
  const run = async (sql: string) => (await connection.query(sql))[0];
  const rows = async (sql: string) => (await run(sql)) as mysql.RowDataPacket[];
  // MySQL 8 took PASSWORD() away; before it (and in MariaDB) SET PASSWORD wants it
  const passwordValue = async (password: string) => {
    const [row] = await rows("SELECT VERSION() AS v");
    const version = String(row?.v);
    return !version.includes("MariaDB") && parseInt(version, 10) >= 8 ? q(password) : `PASSWORD(${q(password)})`;
  };
  return {
    async setOwnPassword(username, password) {
      try {
        await run(`SET PASSWORD = ${await passwordValue(password)}`);
      } catch (e) {
        throw statementFailed(`SET PASSWORD for ${username}`, e);
      }
    },
    async setClonePassword(source, clone, password) {
      try {
        if (flavour === "MySQL" && (await rows(`SELECT User FROM mysql.user WHERE User = ${q(clone)}`)).length === 0) {
          await run(`CREATE USER ${q(clone)} IDENTIFIED BY ${q(password)}`);
        }
        // each grant of the source user, given to the clone (MariaDB's also creates it and sets its password)
        for (const row of await rows(`SHOW GRANTS FOR ${q(source)}`)) {
          const head = String(Object.values(row)[0]).split(" TO ")[0];
          await run(`${head} TO ${q(clone)}${flavour === "MariaDB" ? ` IDENTIFIED BY ${q(password)}` : ""}`);
        }
        await copyTlsRequirement(source, clone);
        if (flavour === "MySQL") await run(`SET PASSWORD FOR ${q(clone)} = ${await passwordValue(password)}`);
      } catch (e) {
        throw statementFailed(`Setting the password of ${clone}`, e);
      }
    },
    async createLoginIfAbsent(username, password, dbname) {
      try {
        await run(`CREATE USER IF NOT EXISTS ${q(username)} IDENTIFIED BY ${q(password)}`);
        if (dbname !== undefined) await run(`GRANT USAGE ON ${connection.escapeId(dbname)}.* TO ${q(username)}`);
      } catch (e) {
        throw statementFailed(`Creating user ${username}`, e);
      }
    },
    async selectNow() {
      await run("SELECT NOW()");
    },
    async close() {
      await connection.end().catch(() => undefined);
    },
  };

  async function copyTlsRequirement(source: string, clone: string): Promise<void> {
    const [tls] = await rows(`SELECT ssl_type, ssl_cipher, x509_issuer, x509_subject FROM mysql.user WHERE User = ${q(source)}`);
    const sslType = String(tls?.ssl_type ?? "");
    const requirement =
      sslType === ""
        ? "NONE"
        : sslType === "ANY"
          ? "SSL"
          : sslType === "X509"
            ? "X509"
            : `CIPHER ${q(text(tls?.ssl_cipher))} AND ISSUER ${q(text(tls?.x509_issuer))} AND SUBJECT ${q(text(tls?.x509_subject))}`;
    await run(`ALTER USER ${q(clone)}@'%' REQUIRE ${requirement}`);
  }
}

/** A mysql.user blob column as text. */
const text = (value: unknown): string => (Buffer.isBuffer(value) ? value.toString("utf8") : String(value ?? ""));
