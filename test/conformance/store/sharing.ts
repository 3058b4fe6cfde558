// Two stores open on one place at once, as the worker processes of one machine or the nodes of one
// Region have (issue 14): what one commits, the other reads at once, whatever it had cached, and
// its change counters (generations) say which kind of record changed, so the caches in front of
// it (keys, identities) know to read again.

import assert from "node:assert/strict";
import { it } from "node:test";
import type { FreshStore } from "../store-conformance.js";
import { ACCOUNT, DAY, T0, accessKey, iamUser, key, plain, sealed, secret } from "./fixtures.js";

export function sharingConformance(fresh: FreshStore): void {
  it("a secret changed through one store is read through the other at once, though it had read it before", async (t) => {
    const { store, sharing } = await fresh(t);
    const other = await sharing();
    const record = secret("app/db");
    await store.commitSecret({ record, expectedRevision: 0, putValues: [sealed("v1")] });
    assert.equal((await other.findSecretByArn(record.arn))?.revision, record.revision);
    assert.ok(await other.getValue(record.arn, "v1"));
    const next = { ...record, revision: record.revision + 1, description: "changed" };
    await store.commitSecret({ record: next, expectedRevision: record.revision, putValues: [sealed("v2")] });
    assert.deepEqual(plain(await other.findSecretByArn(record.arn)), next);
    assert.deepEqual(plain(await other.findSecretByName(ACCOUNT, "app/db")), next);
    await store.purgeSecret(record.arn);
    assert.equal(await other.findSecretByArn(record.arn), undefined);
    assert.equal(await other.getValue(record.arn, "v2"), undefined);
  });

  it("after another store's changes to some secrets, reads through this one see each change: values, a rename, an access, a purge", async (t) => {
    const { store, sharing } = await fresh(t);
    const other = await sharing();
    const names = ["app/a", "app/b", "app/c", "app/d"];
    for (const name of names) await store.commitSecret({ record: secret(name), expectedRevision: 0, putValues: [sealed("v1")] });
    for (const name of names) {
      assert.ok(await other.findSecretByName(ACCOUNT, name)); // cached by name and ARN
      assert.ok(await other.getValue(secret(name).arn, "v1"));
    }
    const [a, b, c, d] = names.map((name) => secret(name));
    const renamed = { ...a!, name: "app/a-renamed", revision: 2 };
    await store.commitSecret({ record: renamed, expectedRevision: 1 });
    const v2 = sealed("v2");
    await store.commitSecret({ record: { ...b!, revision: 2, versions: [...b!.versions, { versionId: "v2", stages: [], createdDate: T0 }] }, expectedRevision: 1, putValues: [v2] });
    await store.touchAccessed(c!.arn, "v1", T0 + DAY);
    await store.purgeSecret(d!.arn);

    assert.equal(await other.findSecretByName(ACCOUNT, "app/a"), undefined, "the old name names nothing");
    assert.deepEqual(plain(await other.findSecretByName(ACCOUNT, "app/a-renamed")), renamed);
    assert.deepEqual(plain(await other.getValue(b!.arn, "v2")), plain(v2));
    assert.equal((await other.findSecretByArn(b!.arn))?.revision, 2);
    assert.equal((await other.findSecretByName(ACCOUNT, "app/c"))?.lastAccessedDate, T0 + DAY);
    assert.equal(await other.findSecretByArn(d!.arn), undefined);
    assert.equal(await other.getValue(d!.arn, "v1"), undefined);
  });

  it("after another store's wipe, reads through this one find none of the secrets it had read", async (t) => {
    const { store, sharing } = await fresh(t);
    const other = await sharing();
    const record = secret("app/db");
    await store.commitSecret({ record, expectedRevision: 0, putValues: [sealed("v1")] });
    assert.ok(await other.findSecretByName(ACCOUNT, "app/db"));
    assert.ok(await other.getValue(record.arn, "v1"));
    await store.wipe();
    assert.equal(await other.findSecretByName(ACCOUNT, "app/db"), undefined);
    assert.equal(await other.findSecretByArn(record.arn), undefined);
    assert.equal(await other.getValue(record.arn, "v1"), undefined);
  });

  it("moves the generation of the kind of record another store changed, and not the others", async (t) => {
    const { store, sharing } = await fresh(t);
    const other = await sharing();
    const before = await other.generations();
    await store.putKey(key(1));
    const afterKey = await other.generations();
    assert.ok(afterKey.keys > before.keys, "a key changed");
    assert.equal(afterKey.identities, before.identities);
    assert.equal(afterKey.secrets, before.secrets);
    await store.applyIamChanges([iamUser("alice")]);
    const afterUser = await other.generations();
    assert.ok(afterUser.identities > afterKey.identities, "an IAM entity changed");
    assert.equal(afterUser.keys, afterKey.keys);
    await store.putAccessKey(accessKey("AKIAEXAMPLE000000001"));
    const afterAccessKey = await other.generations();
    assert.ok(afterAccessKey.identities > afterUser.identities, "an access key changed");
    await store.commitSecret({ record: secret("app/db"), expectedRevision: 0 });
    const afterSecret = await other.generations();
    assert.ok(afterSecret.secrets > afterAccessKey.secrets, "a secret changed");
    assert.equal(afterSecret.identities, afterAccessKey.identities);
  });

  it("a key's last use, an audit event or a lock does not move the identities or keys generations", async (t) => {
    const { store, sharing } = await fresh(t);
    const other = await sharing();
    await store.putAccessKey(accessKey("AKIAEXAMPLE000000001"));
    const before = await other.generations();
    await store.recordAccessKeyUse("AKIAEXAMPLE000000001", { date: 60_000, region: "us-east-1", service: "kms" });
    await store.tryLock("job", "node-a", 1_000, 0);
    const after = await other.generations();
    assert.equal(after.identities, before.identities);
    assert.equal(after.keys, before.keys);
  });
}
