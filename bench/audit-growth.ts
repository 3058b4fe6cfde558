// `node dist/bench/run.js audit-growth`: what the audit trail costs (issue 12 item 9). 20,000
// GetSecretValue calls (50 connections) against one Region, then, from the stopped server's store:
// the events' bytes (their JSON, what --audit-max-mib bounds), the store's bytes per event with
// indexes and pages, and the largest the WAL grew while the load ran (its size is bounded).

import { statSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { signJson } from "./signed-request.js";
import { ADMIN, call, startMeridian } from "./bench-support.js";

const CALLS = 20_000;

export async function auditGrowthBench(): Promise<void> {
  const meridian = await startMeridian(["--region", "us-east-1"], { MERIDIAN_PEER_SECRET: "bench-peer-secret" });
  const file = join(meridian.dataDir, "us-east-1.sqlite");
  try {
    await call(meridian.url, "CreateSecret", { Name: "bench/audited", SecretString: JSON.stringify({ username: "app", password: "x".repeat(32) }), ClientRequestToken: "00000000-0000-4000-8000-000000000009" });
    const before = statSync(file).size + walSize(file);
    const input = { SecretId: "bench/audited" };
    const signed = await signJson(meridian.url, "us-east-1", ADMIN, "secretsmanager.GetSecretValue", input);
    let walPeak = 0;
    const watch = setInterval(() => (walPeak = Math.max(walPeak, walSize(file))), 50);
    const result = await autocannon({ url: meridian.url, method: "POST", headers: signed.headers, body: signed.body, connections: 50, amount: CALLS });
    clearInterval(watch);
    await meridian.stop(true);
    const after = statSync(file).size + walSize(file);
    const db = new Database(file, { readonly: true });
    const { n, bytes } = db.prepare("SELECT count(*) AS n, sum(length(CAST(doc AS BLOB))) AS bytes FROM audit_events WHERE event_name = 'GetSecretValue'").get() as { n: number; bytes: number };
    db.close();
    console.log(`\nAudit trail of ${result.requests.total} GetSecretValue calls (${result.non2xx} refused), ${Math.round(result.requests.average)} requests/s`);
    console.log("| events | JSON bytes / event | store bytes / event (file + WAL growth) | WAL peak during the load |\n| --- | --- | --- | --- |");
    console.log(`| ${n} | ${Math.round(bytes / n)} | ${Math.round((after - before) / n)} | ${(walPeak / 1024 / 1024).toFixed(1)} MiB |`);
    const perMinute = (bytes / n) * result.requests.average * 60;
    console.log(`at this rate the trail grows ${(perMinute / 1024 / 1024).toFixed(1)} MiB a minute: the default bound (1024 MiB) holds ${(1024 / (perMinute / 1024 / 1024)).toFixed(0)} minutes of it`);
  } finally {
    await meridian.stop();
  }
}

function walSize(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}
