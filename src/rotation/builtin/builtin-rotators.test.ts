// The built-in rotators without a database: the generic password rotator through all four steps,
// and the checks every template makes before a step (AWSPENDING, AWSCURRENT, the secret's JSON).

import { test } from "node:test";
import assert from "node:assert/strict";
import { RotationStepError } from "../rotation-function.js";
import { builtinRotator, GENERIC_PASSWORD_ROTATOR } from "./builtin-rotators.js";
import { fakeSecrets } from "../../../test/support/fake-rotator-api.js";
import { rotate, rotatorFor, runSteps } from "../../../test/support/rotate.js";

const stepError = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof RotationStepError, String(e));
  assert.match(e.message, pattern);
  return true;
};

test("AWS's template names and the generic rotator are built in; any other name is not", () => {
  const { api } = fakeSecrets();
  for (const engine of ["PostgreSQL", "MySQL", "MariaDB"]) {
    for (const scheme of ["SingleUser", "MultiUser"]) assert.ok(builtinRotator(`SecretsManagerRDS${engine}Rotation${scheme}`, api));
  }
  assert.ok(builtinRotator(GENERIC_PASSWORD_ROTATOR, api));
  assert.equal(builtinRotator("my-own-rotation-function", api), undefined);
});

test("the generic rotator replaces the password key of a JSON secret and keeps the rest", async () => {
  const secrets = fakeSecrets();
  const arn = secrets.create("api-key", JSON.stringify({ username: "svc", password: "old", url: "https://x" }));
  const rotator = rotatorFor(GENERIC_PASSWORD_ROTATOR, secrets);

  await rotate(secrets, rotator, arn, "token-1");

  const current = JSON.parse(secrets.valueAt(arn, "AWSCURRENT")!) as Record<string, string>;
  assert.equal(current.username, "svc");
  assert.equal(current.url, "https://x");
  assert.equal(current.password!.length, 32);
  assert.notEqual(current.password, "old");
  assert.deepEqual(secrets.stagesOf(arn), { v1: ["AWSPREVIOUS"], "token-1": ["AWSPENDING", "AWSCURRENT"] });
});

test("the generic rotator replaces a plain string secret whole", async () => {
  const secrets = fakeSecrets();
  const arn = secrets.create("plain", "hunter2");
  await rotate(secrets, rotatorFor(GENERIC_PASSWORD_ROTATOR, secrets), arn, "token-1");
  const current = secrets.valueAt(arn, "AWSCURRENT")!;
  assert.equal(current.length, 32);
  assert.notEqual(current, "hunter2");
});

test("the generic rotator refuses a JSON object with no password key", async () => {
  const secrets = fakeSecrets();
  const arn = secrets.create("nokey", JSON.stringify({ token: "abc" }));
  secrets.stageRotation(arn, "token-1");
  await assert.rejects(
    runSteps(rotatorFor(GENERIC_PASSWORD_ROTATOR, secrets), arn, "token-1", ["createSecret"]),
    stepError(/^createSecret: The JSON of secret .* has no string "password" key/),
  );
});

test("createSecret run twice with one token keeps the first pending value", async () => {
  const secrets = fakeSecrets();
  const arn = secrets.create("twice", "v");
  const rotator = rotatorFor(GENERIC_PASSWORD_ROTATOR, secrets);
  secrets.stageRotation(arn, "token-1");
  await runSteps(rotator, arn, "token-1", ["createSecret"]);
  const first = secrets.valueAt(arn, "AWSPENDING");
  await runSteps(rotator, arn, "token-1", ["createSecret"]);
  assert.equal(secrets.valueAt(arn, "AWSPENDING"), first);
});

test("a token that is not AWSPENDING is refused; one already AWSCURRENT is done", async () => {
  const secrets = fakeSecrets();
  const arn = secrets.create("staged", "v");
  const rotator = rotatorFor(GENERIC_PASSWORD_ROTATOR, secrets);
  await assert.rejects(
    runSteps(rotator, arn, "unknown-token", ["createSecret"]),
    stepError(/^createSecret: Secret version unknown-token has no stage for rotation of secret /),
  );
  await runSteps(rotator, arn, "v1");
  assert.deepEqual(secrets.stagesOf(arn), { v1: ["AWSCURRENT"] });
});

test("a database rotator refuses a secret of another engine, or missing a key, saying which", async () => {
  const secrets = fakeSecrets();
  const base = { engine: "mysql", host: "127.0.0.1", username: "u", password: "p" };
  const mysqlArn = secrets.create("mysql", JSON.stringify(base));
  const nohostArn = secrets.create("nohost", JSON.stringify({ ...base, engine: "postgres", host: undefined }));
  const rotator = rotatorFor("SecretsManagerRDSPostgreSQLRotationSingleUser", secrets);
  for (const arn of [mysqlArn, nohostArn]) secrets.stageRotation(arn, "token-1");
  await assert.rejects(
    runSteps(rotator, mysqlArn, "token-1", ["createSecret"]),
    stepError(/^createSecret: Database engine must be set to 'postgres' in order to use this rotation lambda$/),
  );
  await assert.rejects(runSteps(rotator, nohostArn, "token-1", ["createSecret"]), stepError(/^createSecret: host key is missing from secret JSON$/));
});

test("alternating users: a username whose clone would be too long for MySQL is refused", async () => {
  const secrets = fakeSecrets();
  const arn = secrets.create("long", JSON.stringify({ engine: "mysql", host: "h", username: "elevenchars", password: "p" }));
  secrets.stageRotation(arn, "token-1");
  await assert.rejects(
    runSteps(rotatorFor("SecretsManagerRDSMySQLRotationMultiUser", secrets), arn, "token-1", ["createSecret"]),
    stepError(/would exceed 16 characters/),
  );
});
