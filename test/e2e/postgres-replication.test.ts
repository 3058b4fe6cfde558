// Replication between two Regions whose stores are PostgreSQL (issue 14 item 2): us-east-1 served by
// two nodes sharing its schema, eu-west-1 by one node, each Region in its own schema. Both primary
// nodes claim the outbox (FOR UPDATE SKIP LOCKED, with leases); a counting proxy in front of
// eu-west-1 sees every delivery, and each change (secret and revision) arrives exactly once.

import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateSecretCommand, DescribeSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ADMIN, spawnMeridian, waitForExit } from "../support/meridian.js";
import { eventually, freePort } from "../support/multiprocess.js";
import { freshDatabase, noPostgres, type TestDatabase } from "../support/postgres-database.js";
import { REPLICATION_BATCH_PATH, REPLICATION_PATH } from "../../src/replication/http-transport.js";

const PRIMARY = "us-east-1";
const REPLICA = "eu-west-1";
const SECRETS = 40;

/** Forwards everything to `port`, counting the sync messages of replication deliveries by secret and revision. */
function countingProxy(port: number, deliveries: Map<string, number>): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.url === REPLICATION_BATCH_PATH || req.url === REPLICATION_PATH) {
        const parsed = JSON.parse(body.toString("utf8")) as unknown;
        for (const m of (Array.isArray(parsed) ? parsed : [parsed]) as { kind: string; primaryArn: string; revision: number }[]) {
          if (m.kind !== "sync") continue;
          const key = `${m.primaryArn}@${m.revision}`;
          deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
        }
      }
      // the same bytes and headers (Host included: the peer's signature covers it)
      const out = request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on("error", () => res.destroy());
      out.end(body);
    });
  });
}

describe("replication between Regions stored in PostgreSQL", { skip: noPostgres }, () => {
  let db: TestDatabase;
  let root: string;
  let proxy: Server;
  const deliveries = new Map<string, number>();
  const children: ChildProcess[] = [];
  const clients: SecretsManagerClient[] = [];
  const urls: Record<"a1" | "a2", string> = { a1: "", a2: "" };
  const secrets = (node: "a1" | "a2") => {
    const c = new SecretsManagerClient({ endpoint: urls[node], region: PRIMARY, credentials: ADMIN, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  before(async () => {
    db = await freshDatabase("meridian_repl");
    root = mkdtempSync(join(tmpdir(), "meridian-pg-repl-"));
    const [a1, a2, replica, proxyPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    proxy = countingProxy(replica, deliveries);
    await new Promise<void>((r) => proxy.listen(proxyPort, "127.0.0.1", r));
    const topology = join(root, "topology.json");
    const regions = [
      { name: PRIMARY, endpoint: `http://127.0.0.1:${a1}` },
      { name: REPLICA, endpoint: `http://127.0.0.1:${proxyPort}` },
    ];
    writeFileSync(topology, JSON.stringify({ partitions: [{ name: "aws", homeRegion: PRIMARY, regions }] }));
    const env = { MERIDIAN_PEER_SECRET: "postgres-replication-test-peer-secret" };
    const start = async (dir: string, region: string, port: number) => {
      const p = spawnMeridian(join(root, dir), ["--store", db.url, "--topology", topology, "--region", region, "--port", String(port), "--workers", "1"], env);
      children.push(p.child);
      return p.url;
    };
    urls.a1 = await start("a1", PRIMARY, a1);
    urls.a2 = await start("a2", PRIMARY, a2);
    await start("replica", REPLICA, replica);
  });

  after(async () => {
    for (const c of clients) c.destroy();
    for (const child of children) {
      child.kill("SIGKILL");
      await waitForExit(child);
    }
    proxy?.close();
    await db?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("each change is delivered to the replica Region exactly once, whichever primary node made it", async () => {
    const arns: string[] = [];
    // changes through both primary nodes at once: each node's outbox worker claims what is due
    await Promise.all(
      (["a1", "a2"] as const).map(async (node) => {
        for (let i = 0; i < SECRETS / 2; i++) {
          const created = await secrets(node).send(
            new CreateSecretCommand({ Name: `${node}/s${i}`, SecretString: "v1", AddReplicaRegions: [{ Region: REPLICA }] }),
          );
          arns.push(created.ARN!);
          if (i % 2 === 0) await secrets(node === "a1" ? "a2" : "a1").send(new PutSecretValueCommand({ SecretId: created.ARN!, SecretString: "v2" }));
        }
      }),
    );
    await eventually(async () => {
      const [{ n }] = (await db.query<{ n: string }>("SELECT count(*) AS n FROM meridian_us_east_1.outbox")) as [{ n: string }];
      assert.equal(Number(n), 0, "the outbox is empty");
    }, 60_000);
    for (const arn of arns) {
      const d = await secrets("a1").send(new DescribeSecretCommand({ SecretId: arn }));
      assert.equal(d.ReplicationStatus?.find((s) => s.Region === REPLICA)?.Status, "InSync", arn);
    }
    const twice = [...deliveries].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], "no change delivered twice");
    // every secret's newest revision reached the replica (older ones may be replaced before they go)
    const newest = new Map<string, number>();
    for (const key of deliveries.keys()) {
      const [arn, revision] = key.split("@") as [string, string];
      newest.set(arn, Math.max(newest.get(arn) ?? 0, Number(revision)));
    }
    assert.equal(newest.size, SECRETS);
    for (const arn of arns) assert.ok(newest.has(arn), `${arn} was delivered`);
  });
});
