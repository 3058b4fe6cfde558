// DESIGN §4/§5.3: replication never carries a plaintext value. Every message a Region receives
// (captured as the JSON it crosses as), every outbox row queued for a delivery and every
// replica_status row is searched for the known values, as text and as base64, through every path
// that sends values: create, put, update, a new Region that gets every version, a replica under its
// own KMS key, and the anti-entropy pass resending what a replica lost.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import {
  CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, ReplicateSecretToRegionsCommand, UpdateSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import type { TestServer } from "../support/meridian.js";
import type { ReplicationMessage } from "../../src/replication/replication-types.js";
import { EU, PRIMARY, SPARE, WEST, antiEntropy, inRegion, settle, startReplicationServer, uniqueName } from "./replication-support.js";
import { kmsClient } from "./kms-support.js";

const text = () => `plaintext-${randomBytes(24).toString("hex")}`;
const strings = { created: text(), put: text(), updated: text(), keyed: text() };
const binary = randomBytes(48);
const needles: Array<[string, string]> = [
  ...Object.entries(strings).flatMap(([k, v]): Array<[string, string]> => [
    [`${k} (text)`, v],
    [`${k} (base64)`, Buffer.from(v).toString("base64")],
    [`${k} (hex)`, Buffer.from(v).toString("hex")],
  ]),
  ["binary (base64)", binary.toString("base64")],
  ["binary (hex)", binary.toString("hex")],
];

let m: TestServer;
const messages: string[] = [];
const outboxRows: string[] = [];

before(async () => {
  m = await startReplicationServer();
  // Every message a Region applies, as the JSON it travels as.
  for (const node of m.server.host.nodes.values()) {
    const receiver = node.replication.receiver;
    const apply = receiver.apply.bind(receiver);
    receiver.apply = async (message: ReplicationMessage) => {
      messages.push(JSON.stringify(message));
      const outcome = await apply(message);
      messages.push(JSON.stringify(outcome));
      return outcome;
    };
  }
});
after(() => m.stop());

function rows(region: string, table: "outbox" | "replica_status"): string[] {
  const db = new Database(join(m.dataDir, `${region}.sqlite`), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT * FROM ${table}`).all() as object[]).map((r) => JSON.stringify(r));
  } finally {
    db.close();
  }
}

/** Run `change` with the primary's worker held, capture what it queued, then deliver it. */
async function queued(change: () => Promise<unknown>) {
  const worker = m.server.host.nodes.get(PRIMARY)!.replication.worker;
  await worker.stop();
  try {
    await change();
    outboxRows.push(...rows(PRIMARY, "outbox"));
  } finally {
    worker.start();
  }
  await settle(m);
}

function assertNoPlaintext(where: string, docs: string[]) {
  for (const doc of docs) for (const [label, needle] of needles) assert.ok(!doc.includes(needle), `${label} found in ${where}: ${doc.slice(0, 200)}`);
}

test("no replication message, outbox row or replica status carries a plaintext value", async () => {
  const primary = m.secrets(PRIMARY);
  const name = uniqueName("no-plaintext");
  const bin = uniqueName("no-plaintext-bin");
  const keyed = uniqueName("no-plaintext-keyed");
  const euKms = kmsClient(m, EU);
  const euKey = (await euKms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  euKms.destroy();

  await queued(() =>
    primary.send(new CreateSecretCommand({ Name: name, SecretString: strings.created, AddReplicaRegions: [{ Region: EU }] })),
  );
  await queued(() => primary.send(new CreateSecretCommand({ Name: bin, SecretBinary: binary, AddReplicaRegions: [{ Region: WEST }] })));
  await queued(() => primary.send(new PutSecretValueCommand({ SecretId: name, SecretString: strings.put })));
  await queued(() => primary.send(new UpdateSecretCommand({ SecretId: name, SecretString: strings.updated, Description: "d" })));
  await queued(() => primary.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: WEST }, { Region: SPARE }] })));
  await queued(() =>
    primary.send(new CreateSecretCommand({ Name: keyed, SecretString: strings.keyed, AddReplicaRegions: [{ Region: EU, KmsKeyId: euKey }] })),
  );
  // A replica lost from its store: the anti-entropy pass resends every value.
  const arn = (await m.server.host.nodes.get(PRIMARY)!.store.findSecretByName("111111111111", name))!.arn;
  await m.server.host.nodes.get(EU)!.store.purgeSecret(inRegion(arn, EU));
  await antiEntropy(m);

  // The values did travel, sealed, and arrived.
  for (const region of [EU, WEST, SPARE]) {
    assert.equal((await m.secrets(region).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, strings.updated, region);
  }
  assert.deepEqual(Buffer.from((await m.secrets(WEST).send(new GetSecretValueCommand({ SecretId: bin }))).SecretBinary!), binary);
  assert.equal((await m.secrets(EU).send(new GetSecretValueCommand({ SecretId: keyed }))).SecretString, strings.keyed);
  const sealed = messages.filter((doc) => doc.includes('"sealed"'));
  assert.ok(sealed.length >= 7, `messages with sealed values: ${sealed.length}`);
  assert.ok(outboxRows.length >= 6, `outbox rows captured: ${outboxRows.length}`);

  assertNoPlaintext("a replication message", messages);
  assertNoPlaintext("an outbox row", outboxRows);
  for (const region of m.server.host.nodes.keys()) {
    assertNoPlaintext(`${region}'s outbox`, rows(region, "outbox"));
    assertNoPlaintext(`${region}'s replica_status`, rows(region, "replica_status"));
  }
  assert.ok(rows(PRIMARY, "replica_status").length >= 4);
  assertNoPlaintext("the server's log", m.logs);
});
