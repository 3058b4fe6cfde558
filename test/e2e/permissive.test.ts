// `meridian serve --auth permissive`, the mode that replaces an emulator in CI: any well-formed SigV4
// request is accepted whatever its secret or clock, a 12-digit access key id selects that account,
// and the reset endpoints wipe state (refused in strict mode). Also the CLI's help and its refusal
// of a bad --port.

import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { ACCOUNT_ID, cliPath, spawnMeridian, startMeridian, waitForExit, type TestServer } from "../support/meridian.js";
import { rawRequest } from "../support/raw-request.js";

const clients: SecretsManagerClient[] = [];
function client(url: string, accessKeyId: string, secretAccessKey = "any-secret-at-all", region = "us-east-1") {
  const c = new SecretsManagerClient({ endpoint: url, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  clients.push(c);
  return c;
}

const names = async (sm: SecretsManagerClient) => ((await sm.send(new ListSecretsCommand({}))).SecretList ?? []).map((s) => s.Name).sort();

describe("--auth permissive", () => {
  let dataDir: string;
  let child: ChildProcess;
  let url: string;
  let output: () => string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "meridian-permissive-"));
    const started = spawnMeridian(dataDir, ["--auth", "permissive"]);
    child = started.child;
    output = started.output;
    url = await started.url;
  });

  after(async () => {
    for (const c of clients) c.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await waitForExit(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("the start banner says permissive, loudly", () => {
    const text = output();
    assert.match(text, /^!!! PERMISSIVE AUTH: any well-formed SigV4 request is accepted without checking its secret key or date\.$/m);
    assert.match(text, /^!!! Use only for tests on this machine\./m);
    assert.match(text, /export AWS_ACCESS_KEY_ID=test\n\s+export AWS_SECRET_ACCESS_KEY=test/);
  });

  test("any secret key works; a key id that is not 12 digits is the default account", async () => {
    const sm = client(url, "AKIAWHATEVERYOULIKE", "not-checked");
    const created = await sm.send(new CreateSecretCommand({ Name: "permissive/default", SecretString: "d" }));
    assert.match(created.ARN!, new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:permissive/default-`));
    // Another key id and another secret: the same default account.
    const other = client(url, "test", "test");
    assert.equal((await other.send(new GetSecretValueCommand({ SecretId: "permissive/default" }))).SecretString, "d");
  });

  test("a 12-digit access key id selects that account, and accounts are isolated", async () => {
    const a = client(url, "222222222222");
    const b = client(url, "333333333333", "another-secret");
    const inA = await a.send(new CreateSecretCommand({ Name: "permissive/shared-name", SecretString: "in-a" }));
    const inB = await b.send(new CreateSecretCommand({ Name: "permissive/shared-name", SecretString: "in-b" }));
    assert.match(inA.ARN!, /^arn:aws:secretsmanager:us-east-1:222222222222:secret:permissive\/shared-name-/);
    assert.match(inB.ARN!, /^arn:aws:secretsmanager:us-east-1:333333333333:secret:permissive\/shared-name-/);
    assert.equal((await a.send(new GetSecretValueCommand({ SecretId: "permissive/shared-name" }))).SecretString, "in-a");
    assert.equal((await b.send(new GetSecretValueCommand({ SecretId: "permissive/shared-name" }))).SecretString, "in-b");
    assert.deepEqual(await names(a), ["permissive/shared-name"]);
    assert.deepEqual(await names(client(url, "test")), ["permissive/default"]);
    // One account cannot reach the other's secret by ARN either.
    await assert.rejects(a.send(new GetSecretValueCommand({ SecretId: inB.ARN })), { name: "AccessDeniedException" });
  });

  test("the signature must still be well formed: unsigned and out-of-scope requests are refused, the clock is not checked", async () => {
    const unsigned = await rawRequest(url, { target: "secretsmanager.ListSecrets", body: {}, sign: false });
    assert.equal(unsigned.status, 400);
    assert.deepEqual(unsigned.json, { __type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" });
    const badRegion = await rawRequest(url, { target: "secretsmanager.ListSecrets", body: {}, region: "xx-fake-1" });
    assert.deepEqual(badRegion.json, { __type: "InvalidSignatureException", message: "Credential should be scoped to a valid region. " });
    const hoursOff = await rawRequest(url, { target: "secretsmanager.ListSecrets", body: {}, signedAt: new Date(Date.now() - 3 * 3600_000) });
    assert.equal(hoursOff.status, 200, hoursOff.text);
  });

  for (const path of ["/_meridian/reset", "/moto-api/reset"]) {
    test(`POST ${path} wipes every account's secrets`, async () => {
      const a = client(url, "444444444444");
      await a.send(new CreateSecretCommand({ Name: `permissive/before-reset${path.replaceAll("/", "-")}`, SecretString: "x" }));
      assert.ok((await names(a)).length > 0);
      // Emulator test clients call it unsigned.
      const res = await rawRequest(url, { path, sign: false, target: null, contentType: null });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.text, "{}");
      assert.equal(res.headers["content-type"], "application/json");
      assert.ok(res.headers["x-amzn-requestid"]);
      for (const key of ["444444444444", "222222222222", "333333333333", "AKIADEFAULTACCOUNT"]) assert.deepEqual(await names(client(url, key)), [], key);
      // And the server carries on: a name used before the reset is free again.
      await client(url, "222222222222").send(new CreateSecretCommand({ Name: "permissive/shared-name", SecretString: "again" }));
    });
  }
});

describe("--auth strict (the default)", () => {
  let m: TestServer;
  before(async () => {
    m = await startMeridian();
    await m.secrets().send(new CreateSecretCommand({ Name: "strict/kept", SecretString: "kept" }));
  });
  after(() => m.stop());

  for (const path of ["/_meridian/reset", "/moto-api/reset"]) {
    test(`POST ${path} is refused and changes nothing`, async () => {
      const res = await rawRequest(m.url, { path, sign: false, target: null, contentType: null });
      assert.equal(res.status, 403);
      assert.deepEqual(res.json, { __type: "AccessDeniedException", message: "Reset is only available in permissive mode." });
      assert.ok(res.headers["x-amzn-requestid"]);
      assert.equal((await m.secrets().send(new GetSecretValueCommand({ SecretId: "strict/kept" }))).SecretString, "kept");
    });
  }

  test("a well-formed signature with the wrong secret is refused", async () => {
    const res = await rawRequest(m.url, { target: "secretsmanager.ListSecrets", body: {}, credentials: { accessKeyId: "222222222222", secretAccessKey: "x" } });
    assert.deepEqual(res.json, { __type: "UnrecognizedClientException", message: "The security token included in the request is invalid." });
  });
});

describe("the meridian command", () => {
  function meridian(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [cliPath, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      });
    });
  }

  for (const args of [["--help"], ["-h"], ["serve", "--help"]]) {
    test(`meridian ${args.join(" ")} prints the usage and exits 0`, async () => {
      const r = await meridian(args);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: meridian <command> \[options\]/);
      assert.match(r.stdout, /^ {2}serve {2,}/m);
      for (const option of ["--host", "--port", "--data-dir", "--auth", "--account-id"]) assert.match(r.stdout, new RegExp(`^ {2}${option} `, "m"), option);
      for (const variable of ["MERIDIAN_HOST", "MERIDIAN_PORT", "MERIDIAN_DATA_DIR", "MERIDIAN_AUTH", "MERIDIAN_ACCOUNT_ID", "MERIDIAN_ROOT_KEY"]) {
        assert.ok(r.stdout.includes(variable), variable);
      }
      assert.equal(r.stderr, "");
    });
  }

  for (const port of ["abc", "70000", "-1", "", "1e3", "0x50", "80.5"]) {
    test(`serve --port '${port}' exits non-zero with a message and starts nothing`, async () => {
      const dataDir = join(tmpdir(), `meridian-never-created-${process.pid}`);
      const r = await meridian(["serve", `--port=${port}`, "--data-dir", dataDir]);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `meridian: invalid port '${port}': give a number from 0 to 65535 (0 for any free port)\n`);
      assert.doesNotMatch(r.stdout, /listening/);
      assert.throws(() => rmSync(dataDir), { code: "ENOENT" });
    });
  }

  test("an unknown command or option exits non-zero with a message", async () => {
    const unknownCommand = await meridian(["bogus"]);
    assert.equal(unknownCommand.code, 2);
    assert.equal(unknownCommand.stderr, "meridian: unknown command 'bogus' (try --help)\n");
    const unknownOption = await meridian(["serve", "--bogus"]);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /^meridian: Unknown option '--bogus'/);
    const badAuth = await meridian(["serve", "--auth", "lenient"]);
    assert.equal(badAuth.code, 2);
    assert.equal(badAuth.stderr, "meridian: --auth must be strict or permissive, not lenient\n");
  });
});
