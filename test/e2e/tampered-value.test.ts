// Issue 12 item 3 (in part): a ciphertext edited in the store answered 500. It is now the
// DecryptionFailure AWS gives for a secret it cannot decrypt, and the other secrets still read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { CreateSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";

test("a tampered stored value is DecryptionFailure, and the other secrets still read", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-tamper-"));
  try {
    const first = await startMeridian({ dataDir });
    const sm = first.secrets();
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: "app/tampered", SecretString: "original" }));
    await sm.send(new CreateSecretCommand({ Name: "app/intact", SecretString: "intact" }));
    await first.stop();

    const db = new Database(join(dataDir, "us-east-1.sqlite"));
    const row = db.prepare("SELECT ciphertext FROM secret_values WHERE arn = ?").get(ARN) as { ciphertext: Buffer };
    row.ciphertext[0]! ^= 0x01;
    db.prepare("UPDATE secret_values SET ciphertext = ? WHERE arn = ?").run(row.ciphertext, ARN);
    db.close();

    const second = await startMeridian({ dataDir });
    try {
      const again = second.secrets();
      await rejects(
        again.send(new GetSecretValueCommand({ SecretId: "app/tampered" })),
        "DecryptionFailure",
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
      );
      assert.equal((await again.send(new GetSecretValueCommand({ SecretId: "app/intact" }))).SecretString, "intact");
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
