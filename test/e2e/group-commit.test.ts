// Group commit at the edge: a response waits until the changes it reports are on disk, and when the
// disk refuses to sync, the response is withheld (the connection is dropped), never sent as if the
// change were safe; the server goes on serving.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CreateSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { waitFor } from "../support/wait-for.js";

let m: TestServer;
before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
});
after(() => m.stop());

test("a write's response waits for the sync; a failed sync withholds it", async () => {
  const store = m.server.host.node("us-east-1")!.store; // a call's answer waits for its Region's store
  const whenDurable = store.whenDurable.bind(store);
  const sm = m.secrets();

  // A sync that has not finished holds the response back.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let synced = false;
  let holding = false;
  store.whenDurable = () => {
    const pending = whenDurable();
    if (!pending) return undefined;
    holding = true;
    return held.then(() => pending).then(() => void (synced = true));
  };
  let answered = false;
  const create = sm.send(new CreateSecretCommand({ Name: "held", SecretString: "v1" })).then((r) => ((answered = true), r));
  await waitFor(() => holding, { what: "the write's response to wait for a sync" });
  assert.equal(answered, false, "no answer before the sync");
  release();
  await create;
  assert.ok(synced && answered);

  // A sync the disk refuses: no answer, the connection is dropped.
  store.whenDurable = () => Promise.reject(new Error("EIO: the disk refused"));
  await assert.rejects(sm.send(new CreateSecretCommand({ Name: "refused", SecretString: "v1" })), (e: Error) => {
    assert.doesNotMatch(e.name, /SecretsManagerServiceException|ResourceExists/, "not an AWS answer");
    return true;
  });
  assert.ok(m.logs.some((l) => l.includes("store sync failed")), "the refusal is logged");

  store.whenDurable = whenDurable;
  const read = await sm.send(new GetSecretValueCommand({ SecretId: "held" }));
  assert.equal(read.SecretString, "v1", "the server goes on serving");
});
