// Replication is observable: /metrics in Prometheus text format and `meridian status` show, per
// replica Region, the outbox depth and the lag of recent deliveries.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, cliPath, type TestServer } from "../support/meridian.js";

let m: TestServer;
before(async () => {
  m = await startMeridian({ regions: ["us-east-1", "eu-west-1", "ap-south-1"] });
});
after(() => m.stop());

const metrics = async () => (await fetch(`${m.url}/metrics`)).text();

/** The value of the sample line for `series` (name and labels as /metrics writes them). */
function value(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  assert.ok(line, `${series} is in /metrics`);
  return Number(line.slice(series.length + 1));
}

test("deliveries and lag per replica Region appear in /metrics and meridian status", async () => {
  const sm = m.secrets("us-east-1");
  await sm.send(new CreateSecretCommand({ Name: "observed", SecretString: "a", AddReplicaRegions: [{ Region: "eu-west-1" }, { Region: "ap-south-1" }] }));
  await sm.send(new PutSecretValueCommand({ SecretId: "observed", SecretString: "b" }));
  await m.server.host.nodes.get("us-east-1")!.replication.worker.settle();

  const text = await metrics();
  assert.match(text, /# TYPE meridian_replication_lag_seconds summary/);
  assert.match(text, /meridian_replication_deliveries_total\{source="us-east-1",destination="eu-west-1",outcome="InSync"\} [1-9]/);
  assert.match(text, /meridian_replication_lag_seconds_count\{source="us-east-1",destination="ap-south-1"\} [1-9]/);
  // Every delivery in sync observed its lag once: the summary's count is the counter's.
  const series = 'source="us-east-1",destination="eu-west-1"';
  const delivered = value(text, `meridian_replication_deliveries_total{${series},outcome="InSync"}`);
  assert.equal(value(text, `meridian_replication_lag_seconds_count{${series}}`), delivered);
  assert.ok(value(text, `meridian_replication_lag_seconds_sum{${series}}`) >= 0);
  assert.doesNotMatch(text, /meridian_replication_outbox_depth\{source="us-east-1",destination="eu-west-1"\} [1-9]/);

  const { stdout } = await promisify(execFile)(process.execPath, [cliPath, "status", "--endpoint", m.url]);
  assert.match(stdout, /us-east-1 → eu-west-1\s+0\s/);
  assert.match(stdout, /us-east-1 → ap-south-1/);
  assert.match(stdout, /store syncs\s+syncs\s+sync p50\s+sync p99\n(.*\n)*us-east-1\s+[1-9]\d*\s+\d+\.\d ms/);
});

test("changes a replica Region has not received show as outbox depth", async () => {
  const sm = m.secrets("us-east-1");
  const node = m.server.host.nodes.get("us-east-1")!;
  await node.replication.worker.stop();
  try {
    await sm.send(new CreateSecretCommand({ Name: "queued", SecretString: "a", AddReplicaRegions: [{ Region: "eu-west-1" }] }));
    assert.match(await metrics(), /meridian_replication_outbox_depth\{source="us-east-1",destination="eu-west-1"\} 1/);
  } finally {
    node.replication.worker.start();
    await node.replication.worker.settle();
  }
  assert.doesNotMatch(await metrics(), /meridian_replication_outbox_depth\{source="us-east-1",destination="eu-west-1"\} [1-9]/);
});

test("each Region's group syncs appear in /metrics", async () => {
  const sm = m.secrets("us-east-1");
  await sm.send(new CreateSecretCommand({ Name: "synced", SecretString: "a" }));
  const text = await metrics();
  const syncs = Number(/meridian_store_syncs_total\{region="us-east-1"\} (\d+)/.exec(text)?.[1]);
  assert.ok(syncs >= 1, "the write waited for at least one sync");
  assert.match(text, /meridian_store_sync_seconds\{region="us-east-1",quantile="0\.99"\} [0-9.e-]+/);
  assert.match(text, /# TYPE meridian_store_sync_seconds summary/);
  assert.equal(value(text, 'meridian_store_sync_seconds_count{region="us-east-1"}'), syncs, "one duration observed per sync");
  assert.ok(value(text, 'meridian_store_sync_seconds_sum{region="us-east-1"}') > 0);
});
