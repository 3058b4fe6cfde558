// The PostgreSQL rotators against a real PostgreSQL (scram-sha-256, so a wrong password fails):
// single user, alternating users, and a rotation that resumes after the database was away.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { RotationStepError } from "../../src/rotation/rotation-function.js";
import { fakeSecrets } from "../support/fake-rotator-api.js";
import { postgresMissing, startPostgres, type PostgresServer } from "../support/postgres-server.js";
import { rotate, rotatorFor, runSteps } from "../support/rotate.js";

interface Login {
  username: string;
  password: string;
}

describe("PostgreSQL rotators", { skip: postgresMissing }, () => {
  let server: PostgresServer;
  before(async () => {
    server = await startPostgres();
    await asSuperuser(async (c) => {
      await c.query("CREATE DATABASE appdb");
    });
  });
  after(() => server?.close());

  const connect = (login: Login, database = "appdb") =>
    new pg.Client({ host: server.host, port: server.port, user: login.username, password: login.password, database });

  async function asSuperuser(work: (c: pg.Client) => Promise<void>): Promise<void> {
    const c = connect(server.superuser, "postgres");
    await c.connect();
    try {
      await work(c);
    } finally {
      await c.end();
    }
  }

  async function canLogin(login: Login): Promise<boolean> {
    const c = connect(login);
    try {
      await c.connect();
      await c.query("SELECT 1");
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  async function createUser(username: string, password: string): Promise<void> {
    await asSuperuser(async (c) => {
      await c.query(`CREATE ROLE ${c.escapeIdentifier(username)} WITH LOGIN PASSWORD ${c.escapeLiteral(password)}`);
      await c.query(`GRANT ALL ON DATABASE appdb TO ${c.escapeIdentifier(username)}`);
    });
  }

  const secretJson = (login: Login, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ engine: "postgres", host: server.host, port: server.port, dbname: "appdb", ...login, ...extra });

  test("single user: the new password logs in, the old one no longer does", async () => {
    const old = { username: "single", password: "old-pw-1" };
    await createUser(old.username, old.password);
    const secrets = fakeSecrets();
    const arn = secrets.create("single", secretJson(old));
    const rotator = rotatorFor("SecretsManagerRDSPostgreSQLRotationSingleUser", secrets);

    await rotate(secrets, rotator, arn, "token-1");

    const current = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Login;
    assert.equal(current.username, "single");
    assert.notEqual(current.password, old.password);
    for (const c of ":/@\"'\\") assert.ok(!current.password.includes(c), `the template excludes ${c}`);
    assert.deepEqual(secrets.stagesOf(arn), { v1: ["AWSPREVIOUS"], "token-1": ["AWSPENDING", "AWSCURRENT"] });
    assert.equal(await canLogin(current), true);
    assert.equal(await canLogin(old), false);
  });

  test("single user: a name needing quotes and a password with quotes and backslashes are set as they are", async () => {
    const old = { username: `We"ird user`, password: `it's a \\ pass"word` };
    await createUser(old.username, old.password);
    const secrets = fakeSecrets();
    const arn = secrets.create("weird", secretJson(old));
    const rotator = rotatorFor("SecretsManagerRDSPostgreSQLRotationSingleUser", secrets);

    await rotate(secrets, rotator, arn, "token-1");

    const current = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Login;
    assert.equal(await canLogin(current), true);
    assert.equal(await canLogin(old), false);
  });

  test("single user with a masterarn: a user missing from the database is created by the master, then rotated", async () => {
    const fresh = { username: "fresh", password: "fresh-pw-1" };
    const secrets = fakeSecrets();
    const masterArn = secrets.create("master-single", secretJson(server.superuser, { dbname: "postgres" }));
    const arn = secrets.create("fresh", secretJson(fresh, { masterarn: masterArn }));
    assert.equal(await canLogin(fresh), false);

    await rotate(secrets, rotatorFor("SecretsManagerRDSPostgreSQLRotationSingleUser", secrets), arn, "token-1");

    const current = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Login;
    assert.equal(current.username, "fresh");
    assert.equal(await canLogin(current), true);
    assert.equal(await canLogin(fresh), false);
  });

  test("alternating users: the clone is created with the user's grants, both stay valid, the master is untouched", async () => {
    const app = { username: "alt", password: "alt-pw-1" };
    await createUser(app.username, app.password);
    const secrets = fakeSecrets();
    const masterArn = secrets.create("master", secretJson(server.superuser, { dbname: "postgres" }));
    const arn = secrets.create("alt", secretJson(app, { masterarn: masterArn }));
    const rotator = rotatorFor("SecretsManagerRDSPostgreSQLRotationMultiUser", secrets);

    await rotate(secrets, rotator, arn, "token-1");

    const clone = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Login & { masterarn: string };
    assert.equal(clone.username, "alt_clone");
    assert.equal(clone.masterarn, masterArn);
    assert.equal(await canLogin(clone), true);
    assert.equal(await canLogin(app), true, "the previous user keeps its password until the next rotation");
    assert.equal(await canLogin(server.superuser), true);
    assert.equal(secrets.valueAt(masterArn, "AWSCURRENT"), secretJson(server.superuser, { dbname: "postgres" }));
    await asSuperuser(async (c) => {
      const member = await c.query("SELECT pg_has_role('alt_clone', 'alt', 'MEMBER') AS m");
      assert.equal((member.rows[0] as { m: boolean }).m, true, "the clone holds the user's grants");
    });

    await rotate(secrets, rotator, arn, "token-2");

    const back = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Login;
    assert.equal(back.username, "alt");
    assert.notEqual(back.password, app.password);
    assert.equal(await canLogin(back), true);
    assert.equal(await canLogin(app), false);
    assert.equal(await canLogin(clone), true);
  });

  test("a setSecret that failed while the database was away resumes with the same pending password", async () => {
    const old = { username: "resume", password: "resume-pw-1" };
    await createUser(old.username, old.password);
    const secrets = fakeSecrets();
    const arn = secrets.create("resume", secretJson(old));
    const rotator = rotatorFor("SecretsManagerRDSPostgreSQLRotationSingleUser", secrets);
    secrets.stageRotation(arn, "token-1");
    await runSteps(rotator, arn, "token-1", ["createSecret"]);
    const pending = secrets.valueAt(arn, "AWSPENDING")!;

    await server.stop();
    try {
      await assert.rejects(runSteps(rotator, arn, "token-1", ["setSecret"]), (e: unknown) => {
        assert.ok(e instanceof RotationStepError);
        assert.match(e.message, /^setSecret: Unable to log into database with previous, current, or pending secret/);
        assert.match(e.message, /ECONNREFUSED/);
        assert.ok(!e.message.includes(old.password) && !e.message.includes((JSON.parse(pending) as Login).password));
        return true;
      });
    } finally {
      await server.start();
    }
    assert.equal(secrets.valueAt(arn, "AWSPENDING"), pending);
    assert.equal(secrets.valueAt(arn, "AWSCURRENT"), secretJson(old));

    await runSteps(rotator, arn, "token-1");

    assert.equal(secrets.valueAt(arn, "AWSCURRENT"), pending);
    assert.equal(await canLogin(JSON.parse(pending) as Login), true);
    assert.equal(await canLogin(old), false);
  });
});
