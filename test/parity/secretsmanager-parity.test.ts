// Parity with AWS: every Secrets Manager scenario LocalStack recorded against real AWS is replayed
// against Meridian through the AWS SDK, masked the same way, and compared with the recording.
// Each scenario runs in an account of its own (permissive auth: a 12-digit access key id names the
// account), so the scenarios that list the whole account see only their own secrets.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { loadSnapshot, Scenario, SNAPSHOT_PATH } from "./scenario.js";
import { scenarios } from "./secretsmanager-scenarios.js";
import { missingRecording } from "./recordings.js";

const snapshot = loadSnapshot();
const REGION = "us-east-1";

if (!snapshot) {
  missingRecording("Secrets Manager parity with AWS recordings", SNAPSHOT_PATH);
} else {
  let m: TestServer;
  let nextAccount = 200000000000;
  before(async () => {
    m = await startMeridian({ auth: "permissive", regions: [REGION] });
  });
  after(() => m.stop());

  test("every recorded scenario is replayed or skipped with a reason", () => {
    const unknown = [...snapshot.keys()].filter((k) => !(k in scenarios));
    assert.deepEqual(unknown, []);
  });

  for (const [name, recorded] of snapshot) {
    const entry = scenarios[name];
    if (entry === undefined) continue;
    if (typeof entry !== "function") {
      test(name, { skip: entry.skip }, () => {});
      continue;
    }
    test(name, async () => {
      const accountId = String(++nextAccount);
      const credentials = { accessKeyId: accountId, secretAccessKey: "parity" };
      const s = new Scenario(m.secrets(REGION, credentials), { url: m.url, credentials, partition: "aws", region: REGION, accountId }, recorded["recorded-content"]);
      let aborted: unknown;
      try {
        await entry(s);
      } catch (e) {
        aborted = e;
      }
      s.verify(aborted);
    });
  }
}
