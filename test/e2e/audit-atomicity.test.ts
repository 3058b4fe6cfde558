// Issue 12 item 2: a change's audit event was written in a second transaction after the change
// committed, so when that write failed the client got an error while the change stayed, and the
// trail never showed it. A change and its event now commit together, or neither does. The audit
// table is made to refuse inserts (a trigger, added from another connection while the server runs),
// as a full disk or a damaged page would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  TagResourceCommand,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";

const REFUSE = "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit write refused'); END";

function eventsNamed(db: Database.Database, name: string) {
  return (db.prepare("SELECT doc FROM audit_events WHERE event_name = ? ORDER BY seq").all(name) as { doc: string }[]).map(
    (r) => JSON.parse(r.doc) as { errorCode?: string; responseElements: Record<string, unknown> | null; requestParameters: Record<string, unknown> | null },
  );
}

test("a change whose audit event cannot be written does not happen; one that happens has exactly one event", async () => {
  const server = await startMeridian();
  const db = new Database(join(server.dataDir, "us-east-1.sqlite"));
  try {
    const sm = server.secrets();
    const kept = await sm.send(new CreateSecretCommand({ Name: "app/kept", SecretString: "v1", ClientRequestToken: "token-0000000000000000000000000000001" }));

    db.exec(REFUSE);
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: "app/unaudited", SecretString: "s" })));
    await assert.rejects(sm.send(new PutSecretValueCommand({ SecretId: "app/kept", SecretString: "v2", ClientRequestToken: "token-0000000000000000000000000000002" })));
    await assert.rejects(sm.send(new TagResourceCommand({ SecretId: "app/kept", Tags: [{ Key: "team", Value: "a" }] })));
    db.exec("DROP TRIGGER refuse_audit");

    // nothing the refused calls asked for happened
    await rejects(sm.send(new DescribeSecretCommand({ SecretId: "app/unaudited" })), "ResourceNotFoundException");
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/kept" }))).SecretString, "v1");
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: "app/kept" }))).Tags, undefined);
    assert.deepEqual(eventsNamed(db, "CreateSecret").map((e) => e.requestParameters?.name), ["app/kept"]);
    assert.equal(eventsNamed(db, "PutSecretValue").length, 0);

    // a change that commits has exactly one event, carrying the answer the client got
    const put = await sm.send(new PutSecretValueCommand({ SecretId: "app/kept", SecretString: "v2", ClientRequestToken: "token-0000000000000000000000000000003" }));
    const puts = eventsNamed(db, "PutSecretValue");
    assert.equal(puts.length, 1);
    assert.deepEqual(puts[0]!.responseElements, { arn: kept.ARN, name: "app/kept", versionId: put.VersionId, versionStages: ["AWSCURRENT"] });
    assert.equal(eventsNamed(db, "CreateSecret")[0]!.responseElements?.arn, kept.ARN);

    // a call that changes nothing (it fails) still has its event, with the error
    await rejects(sm.send(new PutSecretValueCommand({ SecretId: "app/missing", SecretString: "x", ClientRequestToken: "token-0000000000000000000000000000004" })), "ResourceNotFoundException");
    assert.deepEqual(eventsNamed(db, "PutSecretValue").map((e) => e.errorCode), [undefined, "ResourceNotFoundException"]);
  } finally {
    db.close();
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
});
