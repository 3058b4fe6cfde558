// The admin key of a Region served by PostgreSQL nodes (issue 14): `meridian admin reset-key` finds
// the home Region's store as `meridian serve` does (--store, or the Region's `store:` in the
// topology), refuses while any node serves it, naming the nodes, and otherwise resets the key there
// (the old key refused, the new one accepted by the nodes, the reset in the Region's audit trail);
// and two nodes making their first start at the same instant make one admin key between them.

import assert from "node:assert/strict";
import { execFile, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { keyAccepted } from "../support/key-check.js";
import { IAMClient, ListAccessKeysCommand } from "@aws-sdk/client-iam";
import { openStore } from "../../src/store/make-store.js";
import { makeRegionWrapper } from "../../src/kms/root-key.js";
import { makeIdentityDirectory } from "../../src/identity/directory.js";
import { cliPath, operatorEnv, printedKey, spawnServe, waitForExit } from "../support/meridian.js";
import { freshDatabase, noPostgres, type TestDatabase } from "../support/postgres-database.js";

const REGION = "us-east-1";
const SCHEMA = "meridian_us_east_1";
const ACCOUNT = "000000000000"; // the operator account: neither serve nor reset-key is given one
type Key = { accessKeyId: string; secretAccessKey: string };

/** A node of the Region: `meridian serve` with no admin key given, one process. */
async function startNode(dataDir: string, args: string[]) {
  const { child, banner } = spawnServe(dataDir, [...args, "--workers", "1"]);
  const printed = await banner;
  return { child, banner: printed, url: /listening on (\S+)/.exec(printed)![1]! };
}

async function stopNode(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  assert.equal(await waitForExit(child), 0);
}

/** Whether `key` signs a request `url` accepts. */
const works = (url: string, key: Key) => keyAccepted(new SecretsManagerClient({ endpoint: url, region: REGION, credentials: key, maxAttempts: 1 }));

function meridian(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [cliPath, ...args], { env: operatorEnv(env) }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** The topology of one Region, its store named in the file or not. */
function writeTopology(file: string, store?: string): string {
  writeFileSync(file, JSON.stringify({ partitions: [{ name: "aws", homeRegion: REGION, regions: [{ name: REGION, ...(store ? { store } : {}) }] }] }));
  return file;
}

/**
 * A suite's database and directory, made before its tests and dropped after, and the processes it
 * started (killed after): `db` and `root` are set once the suite's before hook has run.
 */
function suiteFixture(name: string) {
  const fixture = { db: undefined as unknown as TestDatabase, root: "", children: [] as ChildProcess[] };
  before(async () => {
    fixture.db = await freshDatabase(`meridian_${name.replace(/-/g, "_")}`);
    fixture.root = mkdtempSync(join(tmpdir(), `meridian-pg-${name}-`));
  });
  after(async () => {
    for (const c of fixture.children) {
      c.kill("SIGKILL");
      await waitForExit(c);
    }
    await fixture.db?.drop();
    if (fixture.root) rmSync(fixture.root, { recursive: true, force: true });
  });
  return fixture;
}

describe("meridian admin reset-key on a PostgreSQL Region", { skip: noPostgres }, () => {
  const fixture = suiteFixture("admin-reset");

  it("refuses while a node serves the store, naming it; then the old key is refused, the new one works on every node, and the trail shows it", async () => {
    const { db, root, children } = fixture;
    const topology = writeTopology(join(root, "topology.json"));
    const serveArgs = ["--store", db.url, "--topology", topology];
    const first = await startNode(join(root, "node-a"), serveArgs);
    children.push(first.child);
    const old = printedKey(first.banner);
    assert.ok(old, `the first start printed a key:\n${first.banner}`);
    // The operator's own data directory, not the node's: only the store can say a node serves it.
    const tool = join(root, "operator");
    mkdirSync(tool);

    const refused = await meridian(["admin", "reset-key", "--data-dir", tool, ...serveArgs]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(`schema ${SCHEMA} of postgres://.* is being served by a node \\(meridian serve on \\S+ pid ${first.child.pid}( from [^)]+)?\\): stop every meridian serve of it first`),
    );
    assert.equal(printedKey(refused.stdout), undefined, "no key printed while a node serves the store");
    assert.equal(await works(first.url, old), true, "the refused reset changed nothing");
    await stopNode(first.child);

    // The store as the topology names it this time (serve's other way of choosing it).
    const reset = await meridian(["admin", "reset-key", "--data-dir", tool, "--topology", writeTopology(join(root, "topology-store.json"), db.url)]);
    assert.equal(reset.code, 0, reset.stderr);
    const fresh = printedKey(reset.stdout);
    assert.ok(fresh && fresh.accessKeyId !== old.accessKeyId, reset.stdout);
    assert.match(reset.stdout, new RegExp(`schema ${SCHEMA} of postgres://`));
    assert.match(reset.stdout, new RegExp(`revoked ${old.accessKeyId}`));

    const nodes = [await startNode(join(root, "node-a"), serveArgs), await startNode(join(root, "node-b"), serveArgs)];
    children.push(...nodes.map((n) => n.child));
    for (const node of nodes) {
      assert.equal(printedKey(node.banner), undefined, `a start after the reset makes no key:\n${node.banner}`);
      assert.equal(await works(node.url, old), false, "the old key is refused");
      assert.equal(await works(node.url, fresh), true, "the new key works");
    }
    for (const node of nodes) await stopNode(node.child);

    const audit = await meridian(["audit", "--store", db.url, "--region", REGION, "--event-name", "ResetAdminKey", "--json"]);
    assert.equal(audit.code, 0, audit.stderr);
    const events = audit.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(events.length, 1, audit.stdout);
    assert.equal(events[0]!.awsRegion, REGION);
    assert.deepEqual(events[0]!.responseElements, { accessKeyId: fresh.accessKeyId, revokedAccessKeyIds: [old.accessKeyId] });
    const verify = await meridian(["audit", "verify", "--store", db.url, "--region", REGION]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });
});

describe("two PostgreSQL nodes of one Region starting at the same instant", { skip: noPostgres }, () => {
  const fixture = suiteFixture("admin-race");

  it("make one admin key: one node prints it, the other prints none, and the key works on both", async () => {
    const { db, root, children } = fixture;
    const serveArgs = ["--store", db.url, "--topology", writeTopology(join(root, "topology.json"))];
    const starts = ["a", "b"].map((n) => spawnServe(join(root, n), [...serveArgs, "--workers", "1"]));
    children.push(...starts.map((s) => s.child));
    const banners = await Promise.all(starts.map((s) => s.banner));
    const printed = banners.map(printedKey).filter((k): k is Key => k !== undefined);
    assert.equal(printed.length, 1, `exactly one node printed a key:\n${banners.join("\n----\n")}`);
    const key = printed[0]!;

    const stored = await db.query<{ doc: string }>(`SELECT doc FROM ${SCHEMA}.access_keys`);
    const rootKeys = stored.map((r) => JSON.parse(r.doc) as { accessKeyId: string; accountId: string; userName?: string }).filter((k) => k.accountId === ACCOUNT && !k.userName);
    assert.deepEqual(rootKeys.map((k) => k.accessKeyId), [key.accessKeyId]);
    for (const banner of banners) {
      const url = /listening on (\S+)/.exec(banner)![1]!;
      assert.equal(await works(url, key), true, `the printed key works on ${url}`);
      const iam = new IAMClient({ endpoint: url, region: REGION, credentials: key, maxAttempts: 1 });
      try {
        const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({}));
        assert.deepEqual(AccessKeyMetadata?.map((k) => k.AccessKeyId), [key.accessKeyId]);
      } finally {
        iam.destroy();
      }
    }
  });

  it("make one admin key even when both have read the identities before either makes it", async () => {
    const { db, root } = fixture;
    // The processes above start at nearly the same instant, but not always within each other's
    // window; two directories on one schema, both loaded first, always are.
    const schema = "meridian_eu_west_1";
    const stores = await Promise.all([0, 1].map(() => openStore({ dataDir: root, region: "eu-west-1" }, { kind: "postgres", url: db.url, schema })));
    try {
      const wrapper = makeRegionWrapper(Buffer.alloc(32, 7), "eu-west-1");
      const directories = stores.map((store) => makeIdentityDirectory([{ partition: "aws", store, wrapper }], { now: () => Date.now() }));
      for (const d of directories) await d.load();
      const created = await Promise.all(directories.map((d) => d.bootstrapAdmin(ACCOUNT, {})));
      assert.equal(created.filter(Boolean).length, 1, `one directory made a key: ${JSON.stringify(created.map((k) => k?.accessKeyId))}`);
      const rootKeys = (await stores[0]!.listAccessKeys()).filter((k) => k.accountId === ACCOUNT && !k.userName);
      assert.deepEqual(rootKeys.map((k) => k.accessKeyId), [created.find(Boolean)!.accessKeyId]);
    } finally {
      for (const store of stores) await store.close();
    }
  });
});
