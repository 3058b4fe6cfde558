// KMS keys and aliases, access keys and IAM entities, and the Region's meta values: each read back
// as written (Buffers included), replaced by a put on the same identity, scoped as the seam says.

import assert from "node:assert/strict";
import { it } from "node:test";
import type { FreshStore } from "../store-conformance.js";
import { ACCOUNT, OTHER_ACCOUNT, T0, accessKey, alias, iamGroup, iamUser, key, plain, sorted } from "./fixtures.js";

export function recordsConformance(fresh: FreshStore): void {
  it("keeps KMS keys by ARN, wrapped material byte for byte; a put replaces; listings per account and in all", async (t) => {
    const { store } = await fresh(t);
    const [k1, k2, other] = [key(1), key(2), key(3, OTHER_ACCOUNT)];
    for (const k of [k2, k1, other]) await store.putKey(k);
    assert.deepEqual(await store.getKey(k1.arn), k1);
    assert.equal(await store.getKey(`${k1.arn}0`), undefined);
    const disabled = { ...k1, keyState: "Disabled" as const, description: "off" };
    await store.putKey(disabled);
    assert.deepEqual(await store.getKey(k1.arn), disabled);
    const arns = (keys: { arn: string }[]) => keys.map((k) => k.arn).sort();
    assert.deepEqual(arns(await store.listKeys(ACCOUNT)), [k1.arn, k2.arn]);
    assert.deepEqual(await store.listKeys(OTHER_ACCOUNT), [other]);
    assert.deepEqual(arns(await store.allKeys()), [k1.arn, k2.arn, other.arn].sort());
  });

  it("keeps aliases per account; a put moves one to another key; deleting a key deletes the aliases pointing at it", async (t) => {
    const { store } = await fresh(t);
    const [k1, k2, other] = [key(1), key(2), key(1, OTHER_ACCOUNT)];
    for (const k of [k1, k2, other]) await store.putKey(k);
    const [a, b, c, elsewhere] = [alias("a", k1), alias("b", k1), alias("c", k2), alias("a", other)];
    for (const x of [c, b, a, elsewhere]) await store.putAlias(x);
    assert.deepEqual(await store.getAlias(ACCOUNT, "alias/a"), a);
    assert.deepEqual(await store.getAlias(OTHER_ACCOUNT, "alias/a"), elsewhere);
    assert.equal(await store.getAlias(ACCOUNT, "alias/none"), undefined);
    assert.deepEqual(sorted(await store.listAliases(ACCOUNT), (x) => x.aliasName), [a, b, c]);
    const moved = { ...b, targetKeyId: k2.keyId, lastUpdatedDate: T0 + 1 };
    await store.putAlias(moved);
    assert.deepEqual(await store.getAlias(ACCOUNT, "alias/b"), moved);

    await store.deleteKey(k1.arn);
    assert.equal(await store.getKey(k1.arn), undefined);
    assert.deepEqual(sorted(await store.listAliases(ACCOUNT), (x) => x.aliasName), [moved, c], "alias/a went with its key");
    assert.deepEqual(await store.listAliases(OTHER_ACCOUNT), [elsewhere], "the same key id in another account is another key");
    await store.deleteKey(k1.arn); // gone already: nothing happens

    await store.deleteAlias(ACCOUNT, "alias/c");
    assert.deepEqual(await store.listAliases(ACCOUNT), [moved]);
    assert.deepEqual(await store.getKey(k2.arn), k2, "deleting an alias leaves its key");
  });

  it("keeps access keys with their wrapped secret; recordAccessKeyUse sets lastUsed and nothing else", async (t) => {
    const { store } = await fresh(t);
    const [a, b] = [accessKey("AKIAAAAAAAAAAAAAAAAA"), accessKey("AKIABBBBBBBBBBBBBBBB", { userName: undefined, userId: undefined, principalArn: `arn:aws:iam::${ACCOUNT}:root` })];
    for (const k of [b, a]) await store.putAccessKey(k);
    assert.deepEqual(plain(await store.getAccessKey(a.accessKeyId)), a);
    assert.equal(await store.getAccessKey("AKIANONE"), undefined);
    assert.deepEqual(plain(sorted(await store.listAccessKeys(), (k) => k.accessKeyId)), plain([a, b]));

    const lastUsed = { date: T0 + 5, region: "eu-west-1", service: "kms" };
    await store.recordAccessKeyUse(a.accessKeyId, lastUsed);
    assert.deepEqual(plain(await store.getAccessKey(a.accessKeyId)), { ...a, lastUsed });
    await store.putAccessKey({ ...a, status: "Inactive", lastUsed });
    await store.recordAccessKeyUse(a.accessKeyId, { ...lastUsed, date: T0 + 6 });
    assert.equal((await store.getAccessKey(a.accessKeyId))!.status, "Inactive", "a note of use does not undo a change of status");
    await store.recordAccessKeyUse("AKIANONE", lastUsed); // no such key: nothing happens
    assert.equal(await store.getAccessKey("AKIANONE"), undefined);

    await store.deleteAccessKey(a.accessKeyId);
    assert.equal(await store.getAccessKey(a.accessKeyId), undefined);
    assert.deepEqual(plain(await store.listAccessKeys()), plain([b]));
  });

  it("keeps IAM entities by account, kind and name; one call puts and removes", async (t) => {
    const { store } = await fresh(t);
    const [alice, bob, admins, aliceElsewhere] = [iamUser("alice"), iamUser("bob"), iamGroup("alice"), iamUser("alice", OTHER_ACCOUNT)];
    await store.applyIamChanges([alice, bob, admins, aliceElsewhere]);
    const key = (e: { accountId: string; kind: string; name: string }) => `${e.accountId}/${e.kind}/${e.name}`;
    assert.deepEqual(sorted(await store.listIamEntities(), key), sorted([alice, bob, admins, aliceElsewhere], key), "a user and a group may share a name");
    const renamedPath = { ...bob, path: "/ops/" };
    await store.applyIamChanges([renamedPath], [{ accountId: ACCOUNT, kind: "user", name: "alice" }]);
    assert.deepEqual(sorted(await store.listIamEntities(), key), sorted([renamedPath, admins, aliceElsewhere], key));
    await store.applyIamChanges([], [{ accountId: ACCOUNT, kind: "user", name: "nobody" }]);
    assert.equal((await store.listIamEntities()).length, 3);
  });

  it("keeps meta values; listMeta gives a literal prefix's keys in key order", async (t) => {
    const { store } = await fresh(t);
    assert.equal(await store.getMeta("root-key-check"), undefined);
    for (const [k, v] of [["peer/b", "2"], ["peer/a", "1"], ["peer_x", "3"], ["peerless", "4"], ["root-key-check", "abc"]]) await store.putMeta(k!, v!);
    await store.putMeta("peer/a", "1b");
    assert.equal(await store.getMeta("root-key-check"), "abc");
    assert.deepEqual(await store.listMeta("peer/"), [["peer/a", "1b"], ["peer/b", "2"]]);
    assert.deepEqual(await store.listMeta("peer_"), [["peer_x", "3"]]);
    assert.deepEqual((await store.listMeta("")).length, 5);
  });
}
