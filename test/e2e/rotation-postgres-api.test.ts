// RotateSecret through the server's API, end to end: the SDK names the built-in
// SecretsManagerRDSPostgreSQLRotationSingleUser, Meridian runs AWS's four steps against a real
// PostgreSQL the test starts (scram-sha-256, so a wrong password really fails), and afterwards the
// secret's new password logs in and the old one no longer does.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, RotateSecretCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { postgresMissing, startPostgres, type PostgresServer } from "../support/postgres-server.js";

interface Login {
  username: string;
  password: string;
}

const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:SecretsManagerRDSPostgreSQLRotationSingleUser`;

describe("RotateSecret with the built-in PostgreSQL single-user rotator, through the API", { skip: postgresMissing }, () => {
  let db: PostgresServer;
  let m: TestServer;
  let sm: SecretsManagerClient;

  before(async () => {
    db = await startPostgres();
    await asSuperuser(async (c) => {
      await c.query("CREATE DATABASE appdb");
      await c.query("CREATE ROLE app WITH LOGIN PASSWORD 'app-pw-before'");
      await c.query("GRANT ALL ON DATABASE appdb TO app");
    });
    m = await startMeridian({ regions: ["us-east-1"] });
    sm = m.secrets("us-east-1");
  });
  after(async () => {
    await m?.stop();
    await db?.close();
  });

  async function asSuperuser(work: (c: pg.Client) => Promise<void>): Promise<void> {
    const c = new pg.Client({ host: db.host, port: db.port, user: db.superuser.username, password: db.superuser.password, database: "postgres" });
    await c.connect();
    try {
      await work(c);
    } finally {
      await c.end();
    }
  }

  async function canLogin(login: Login): Promise<boolean> {
    const c = new pg.Client({ host: db.host, port: db.port, user: login.username, password: login.password, database: "appdb" });
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

  test("the new password logs in, the old one fails; versions, labels and dates as AWS leaves them", async () => {
    const old: Login = { username: "app", password: "app-pw-before" };
    assert.equal(await canLogin(old), true);
    const secretString = JSON.stringify({ engine: "postgres", host: db.host, port: db.port, dbname: "appdb", ...old });
    const created = await sm.send(new CreateSecretCommand({ Name: `app/db-${randomUUID()}`, SecretString: secretString }));
    const token = randomUUID();

    const out = await sm.send(new RotateSecretCommand({ SecretId: created.Name, RotationLambdaARN: FUNCTION, RotationRules: { AutomaticallyAfterDays: 30 }, ClientRequestToken: token }));
    assert.deepEqual([out.ARN, out.VersionId], [created.ARN, token]);
    await m.server.host.node("us-east-1")!.rotation.idle();

    const d = await sm.send(new DescribeSecretCommand({ SecretId: created.ARN }));
    assert.equal(d.RotationEnabled, true);
    assert.equal(d.RotationLambdaARN, FUNCTION);
    assert.ok(d.LastRotatedDate, "LastRotatedDate is set");
    assert.ok(d.NextRotationDate && d.NextRotationDate > d.LastRotatedDate!);
    assert.deepEqual(d.VersionIdsToStages?.[created.VersionId!], ["AWSPREVIOUS"]);
    assert.ok(d.VersionIdsToStages?.[token]?.includes("AWSCURRENT"));

    const current = await sm.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    assert.equal(current.VersionId, token);
    const login = JSON.parse(current.SecretString!) as Login & { host: string; engine: string };
    assert.deepEqual([login.engine, login.host, login.username], ["postgres", db.host, "app"]);
    assert.notEqual(login.password, old.password);
    assert.equal(await canLogin(login), true, "the new password logs in");
    assert.equal(await canLogin(old), false, "the old password no longer does");

    const events = await m.server.host.node("us-east-1")!.store.queryAuditEvents({ eventName: "RotationSucceeded" });
    assert.ok(events.some((e) => e.event.additionalEventData?.SecretId === created.ARN));
  });
});
