// Issue 10, item 7: permissive mode cannot be turned on over a strict data directory, listens on
// loopback only unless the operator says otherwise, and its reset routes refuse a web page's POST.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startMeridian } from "../support/meridian.js";
import { rawRequest } from "../support/raw-request.js";
import { checkPermissiveHost, isLoopbackHost } from "../../src/edge/auth-mode.js";

const anyone = (url: string) =>
  new SecretsManagerClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });

test("a strict data directory is never opened in permissive mode, nor a permissive one in strict mode", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-sec7-"));
  try {
    const strict = await startMeridian({ dataDir });
    await strict.secrets().send(new CreateSecretCommand({ Name: "prod/db", SecretString: "the-real-password" }));
    await strict.stop();
    const before = readdirSync(dataDir).sort();

    await assert.rejects(startMeridian({ dataDir, auth: "permissive" }), /made with --auth strict; --auth permissive refuses to open it/);
    assert.deepEqual(readdirSync(dataDir).sort(), before, "the refused start changed nothing");
    assert.equal(readFileSync(join(dataDir, "auth-mode"), "utf8"), "strict\n");

    // The strict server still serves it, to its own keys only.
    const again = await startMeridian({ dataDir });
    try {
      assert.equal((await again.secrets().send(new GetSecretValueCommand({ SecretId: "prod/db" }))).SecretString, "the-real-password");
      await assert.rejects(anyone(again.url).send(new GetSecretValueCommand({ SecretId: "prod/db" })), { name: "UnrecognizedClientException" });
    } finally {
      await again.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const permissiveDir = mkdtempSync(join(tmpdir(), "meridian-sec7p-"));
  try {
    const p = await startMeridian({ dataDir: permissiveDir, auth: "permissive" });
    await anyone(p.url).send(new CreateSecretCommand({ Name: "ci/x", SecretString: "x" }));
    await p.stop();
    await assert.rejects(startMeridian({ dataDir: permissiveDir }), /made with --auth permissive; --auth strict refuses to open it/);
  } finally {
    rmSync(permissiveDir, { recursive: true, force: true });
  }
});

test("a data directory made before modes were recorded is taken as strict", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-sec7o-"));
  try {
    const strict = await startMeridian({ dataDir });
    await strict.stop();
    rmSync(join(dataDir, "auth-mode")); // as an older Meridian left it
    await assert.rejects(startMeridian({ dataDir, auth: "permissive" }), /made with --auth strict/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("permissive mode listens on loopback only unless --permissive-on-network", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) assert.ok(isLoopbackHost(host), host);
  for (const host of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "example.internal", "::ffff:10.0.0.1"]) assert.ok(!isLoopbackHost(host), host);
  assert.throws(() => checkPermissiveHost("permissive", "0.0.0.0", false), /listens on loopback only, not 0\.0\.0\.0.*--permissive-on-network/);
  assert.doesNotThrow(() => checkPermissiveHost("permissive", "0.0.0.0", true));
  assert.doesNotThrow(() => checkPermissiveHost("strict", "0.0.0.0", false));
});

test("the reset routes refuse a web page's cross-origin POST and form posts, and still serve emulator clients", async () => {
  const m = await startMeridian({ auth: "permissive" });
  try {
    const client = anyone(m.url);
    await client.send(new CreateSecretCommand({ Name: "ci/kept", SecretString: "kept" }));
    for (const path of ["/_meridian/reset", "/moto-api/reset"]) {
      const fromPage = await rawRequest(m.url, { path, sign: false, target: null, contentType: null, headers: { origin: "https://evil.example" } });
      assert.equal(fromPage.status, 403, fromPage.text);
      assert.deepEqual(fromPage.json, { __type: "AccessDeniedException", message: "Reset refuses requests from a web page (Origin header)." });
      for (const contentType of ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"]) {
        const form = await rawRequest(m.url, { path, sign: false, target: null, contentType, body: "a=b" });
        assert.equal(form.status, 403, `${contentType}: ${form.text}`);
        assert.match(form.text, /AccessDenied/); // a form post is answered in the query protocol's XML
      }
      const names = (await client.send(new ListSecretsCommand({}))).SecretList!.map((s) => s.Name);
      assert.deepEqual(names, ["ci/kept"], "nothing was wiped");
    }
    const json = await rawRequest(m.url, { path: "/moto-api/reset", sign: false, target: null, contentType: "application/json", body: "{}" });
    assert.equal(json.status, 200, json.text);
    assert.deepEqual((await client.send(new ListSecretsCommand({}))).SecretList, []);
  } finally {
    await m.stop();
  }
});
