// Identity copies between processes: the home's copy replaces a follower's, an older copy never
// replaces a newer one, the home ignores copies, secrets arrive sealed and open only where sent.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { makeRegionWrapper } from "../kms/root-key.js";
import { newTransportKeyPair } from "../replication/sealed-transfer.js";
import type { ReplicationMessage } from "../replication/replication-types.js";
import type { ReplicationTransport } from "../replication/transport.js";
import type { Topology } from "../config/topology.js";
import { makeIdentityDirectory } from "./directory.js";
import { makeIdentitySync } from "./identity-sync.js";
import type { IdentityCopy } from "../replication/identity-messages.js";
import { makeLogger } from "../util/logger.js";

const topology: Topology = {
  partitions: [{ name: "aws", homeRegion: "us-east-1", regions: [
    { name: "us-east-1", partition: "aws", optIn: false, endpoint: "http://127.0.0.1:1" },
    { name: "eu-west-1", partition: "aws", optIn: false, endpoint: "http://127.0.0.1:2" },
  ] }],
} as unknown as Topology;
const clock = { now: () => Date.now() };
const log = makeLogger(() => undefined);

function processFor(region: string, t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), "meridian-idsync-"));
  const store = openSqliteStore(join(dir, `${region}.sqlite`));
  t.after(() => {
    void store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const directory = makeIdentityDirectory([{ partition: "aws", store, wrapper: makeRegionWrapper(Buffer.alloc(32, 3), region) }], clock);
  return { directory, store };
}

test("the home's copies replace the follower's identities, newest wins, secrets open only in their Region", async (t) => {
  const sent: ReplicationMessage[] = [];
  const eu = newTransportKeyPair();
  const transport: ReplicationTransport = {
    send: async (m) => (sent.push(m), { status: "Noted" }),
    publicKeyOf: async () => eu.publicKey,
    probe: async () => undefined,
  };
  const home = processFor("us-east-1", t);
  const homeSync = makeIdentitySync({ topology, directory: home.directory, transport, hosts: (r) => r === "us-east-1", clock, log, retryMs: 60_000 });
  const follower = processFor("eu-west-1", t);
  const followerSync = makeIdentitySync({ topology, directory: follower.directory, transport, hosts: (r) => r === "eu-west-1", clock, log, retryMs: 60_000 });
  t.after(() => {
    homeSync.close();
    followerSync.close();
  });

  await home.directory.bootstrapAdmin("111111111111", { MERIDIAN_ADMIN_ACCESS_KEY_ID: "AKIAHOMEADMIN0000001", MERIDIAN_ADMIN_SECRET_ACCESS_KEY: "home-secret" });
  await homeSync.pushAll();
  const first = sent.at(-1) as IdentityCopy;
  assert.equal(first.dest, "eu-west-1");
  assert.doesNotMatch(JSON.stringify(first), /home-secret/, "the secret access key travels sealed");

  assert.deepEqual(await followerSync.apply(first, eu.privateKey), { status: "Noted" });
  const fdir = follower.directory.partition("aws")!;
  assert.equal(fdir.keyFor("AKIAHOMEADMIN0000001")?.secretAccessKey, "home-secret");
  assert.ok(fdir.isFollower());
  await assert.rejects(fdir.createAccount("222222222222", { accessKeyId: "AKIAROGUE00000000001", secretAccessKey: "x" }), { code: "ServiceFailure" });

  // A newer copy without the key takes it away; the older one, arriving late, changes nothing.
  const older = first;
  const newer: IdentityCopy = { ...first, seq: first.seq + 1, keys: [] };
  await followerSync.apply(newer, eu.privateKey);
  assert.equal(fdir.keyFor("AKIAHOMEADMIN0000001"), undefined);
  await followerSync.apply(older, eu.privateKey);
  assert.equal(fdir.keyFor("AKIAHOMEADMIN0000001"), undefined);

  // A copy sealed for another Region does not open here; the home ignores copies altogether.
  const other = newTransportKeyPair();
  await assert.rejects(followerSync.apply({ ...first, seq: first.seq + 5 }, other.privateKey));
  assert.deepEqual(await homeSync.apply({ ...first, keys: [], seq: first.seq + 9 }, eu.privateKey), { status: "Noted" });
  assert.equal(home.directory.partition("aws")!.keyFor("AKIAHOMEADMIN0000001")?.secretAccessKey, "home-secret");
});
