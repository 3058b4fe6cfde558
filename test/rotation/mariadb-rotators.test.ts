// The MariaDB and MySQL rotators against a real MariaDB (RDS's MySQL templates run unchanged on
// MariaDB): single user, alternating users with the clone's grants, and a resumed rotation.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import mysql from "mysql2/promise";
import { RotationStepError } from "../../src/rotation/rotation-function.js";
import { fakeSecrets } from "../support/fake-rotator-api.js";
import { mariadbMissing, startMariadb, type MariadbServer } from "../support/mariadb-server.js";
import { rotate, rotatorFor, runSteps } from "../support/rotate.js";

interface Login {
  username: string;
  password: string;
}

const FLAVOURS = [
  { engine: "mariadb", name: "MariaDB" },
  { engine: "mysql", name: "MySQL" },
] as const;

describe("MariaDB and MySQL rotators, over MariaDB", { skip: mariadbMissing }, () => {
  let server: MariadbServer;
  before(async () => {
    server = await startMariadb();
    await asMaster((c) => c.query("CREATE DATABASE appdb"));
  });
  after(() => server?.close());

  const connect = (login: Login, database?: string) =>
    mysql.createConnection({
      host: server.host,
      port: server.port,
      user: login.username,
      password: login.password,
      ...(database !== undefined && { database }),
    });

  async function asMaster<T>(work: (c: mysql.Connection) => Promise<T>): Promise<T> {
    const c = await connect(server.master);
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  }

  async function canLogin(login: Login): Promise<boolean> {
    try {
      const c = await connect(login, "appdb");
      await c.query("SELECT 1");
      await c.end();
      return true;
    } catch {
      return false;
    }
  }

  async function createUser({ username, password }: Login): Promise<void> {
    await asMaster(async (c) => {
      await c.query(`CREATE USER ${c.escape(username)}@'%' IDENTIFIED BY ${c.escape(password)}`);
      await c.query(`GRANT SELECT, INSERT ON appdb.* TO ${c.escape(username)}@'%'`);
    });
  }

  const secretJson = (engine: string, login: Login, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ engine, host: server.host, port: server.port, dbname: "appdb", ...login, ...extra });

  for (const { engine, name } of FLAVOURS) {
    test(`${name} single user: the new password logs in, the old one no longer does`, async () => {
      const old = { username: `${engine}_single`, password: "old-pw-1" };
      await createUser(old);
      const secrets = fakeSecrets();
      const arn = secrets.create(`${engine}-single`, secretJson(engine, old));

      await rotate(secrets, rotatorFor(`SecretsManagerRDS${name}RotationSingleUser`, secrets), arn, "token-1");

      const current = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Login;
      assert.equal(current.username, old.username);
      assert.notEqual(current.password, old.password);
      assert.equal(await canLogin(current), true);
      assert.equal(await canLogin(old), false);
    });

    test(`${name} alternating users: the clone gets the user's grants, both stay valid, the master is untouched`, async () => {
      const app = { username: `${engine.slice(0, 3)}_alt`, password: "alt-pw-1" };
      await createUser(app);
      const secrets = fakeSecrets();
      const masterArn = secrets.create(`${engine}-master`, secretJson(engine, server.master, { dbname: undefined }));
      const arn = secrets.create(`${engine}-alt`, secretJson(engine, app, { masterarn: masterArn }));
      const rotator = rotatorFor(`SecretsManagerRDS${name}RotationMultiUser`, secrets);

      await rotate(secrets, rotator, arn, "token-1");

      const clone = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Login;
      assert.equal(clone.username, `${app.username}_clone`);
      assert.equal(await canLogin(clone), true);
      assert.equal(await canLogin(app), true, "the previous user keeps its password until the next rotation");
      assert.equal(await canLogin(server.master), true);
      const grants = await asMaster(async (c) => (await c.query(`SHOW GRANTS FOR ${c.escape(clone.username)}@'%'`))[0] as mysql.RowDataPacket[]);
      assert.ok(
        grants.some((row) => /GRANT SELECT, INSERT ON `appdb`\.\*/.test(String(Object.values(row)[0]))),
        "the clone holds the user's grants",
      );

      await rotate(secrets, rotator, arn, "token-2");

      const back = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Login;
      assert.equal(back.username, app.username);
      assert.equal(await canLogin(back), true);
      assert.equal(await canLogin(app), false);
      assert.equal(await canLogin(clone), true);
    });
  }

  test("alternating users with a quote and a backslash in the name: escaped, not injected", async () => {
    const app = { username: "o'h\\ra", password: "it's \\ old" };
    await createUser(app);
    const secrets = fakeSecrets();
    const masterArn = secrets.create("quote-master", secretJson("mariadb", server.master, { dbname: undefined }));
    const arn = secrets.create("quote", secretJson("mariadb", app, { masterarn: masterArn }));

    await rotate(secrets, rotatorFor("SecretsManagerRDSMariaDBRotationMultiUser", secrets), arn, "token-1");

    const clone = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Login;
    assert.equal(clone.username, "o'h\\ra_clone");
    assert.equal(await canLogin(clone), true);
    assert.equal(await canLogin(app), true);
  });

  test("a setSecret that failed while MariaDB was away resumes with the same pending password", async () => {
    const old = { username: "resume", password: "resume-pw-1" };
    await createUser(old);
    const secrets = fakeSecrets();
    const arn = secrets.create("resume", secretJson("mariadb", old));
    const rotator = rotatorFor("SecretsManagerRDSMariaDBRotationSingleUser", secrets);
    secrets.stageRotation(arn, "token-1");
    await runSteps(rotator, arn, "token-1", ["createSecret"]);
    const pending = secrets.valueAt(arn, "AWSPENDING")!;

    await server.stop();
    try {
      await assert.rejects(runSteps(rotator, arn, "token-1", ["setSecret"]), (e: unknown) => {
        assert.ok(e instanceof RotationStepError);
        assert.match(e.message, /^setSecret: Unable to log into database with previous, current, or pending secret/);
        assert.ok(!e.message.includes(old.password) && !e.message.includes((JSON.parse(pending) as Login).password));
        return true;
      });
    } finally {
      await server.start();
    }

    await runSteps(rotator, arn, "token-1");

    assert.equal(secrets.valueAt(arn, "AWSCURRENT"), pending);
    assert.equal(await canLogin(JSON.parse(pending) as Login), true);
    assert.equal(await canLogin(old), false);
  });
});
