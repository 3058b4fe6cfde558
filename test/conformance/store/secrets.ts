// Secrets and their sealed values: lookups, listings and pages, optimistic commits (a commit names
// the revision it read; a racing writer gets StoreConflict and changes nothing), touchAccessed, purge.

import assert from "node:assert/strict";
import { it } from "node:test";
import { StoreConflict, type SecretPageQuery } from "../../../src/store/store.js";
import type { FreshStore } from "../store-conformance.js";
import { ACCOUNT, DAY, OTHER_ACCOUNT, T0, plain, sealed, secret, sorted } from "./fixtures.js";

const isConflict = (what: "revision" | "name") => (e: unknown) => e instanceof StoreConflict && e.what === what;
const names = (records: { name: string }[]) => records.map((r) => r.name);

export function secretsConformance(fresh: FreshStore): void {
  it("reads back a created secret by name and by ARN, and its value byte for byte", async (t) => {
    const { store } = await fresh(t);
    const record = secret("app/db");
    const value = sealed("v1");
    await store.commitSecret({ record, expectedRevision: 0, putValues: [value] });
    assert.deepEqual(plain(await store.findSecretByName(ACCOUNT, "app/db")), record);
    assert.deepEqual(plain(await store.findSecretByArn(record.arn)), record);
    assert.deepEqual(await store.getValue(record.arn, "v1"), value);
    assert.equal(await store.findSecretByName(OTHER_ACCOUNT, "app/db"), undefined, "names are per account");
    assert.equal(await store.findSecretByName(ACCOUNT, "App/db"), undefined, "names are case-sensitive");
    assert.equal(await store.findSecretByArn(`${record.arn}x`), undefined);
    assert.equal(await store.getValue(record.arn, "v2"), undefined);
  });

  it("refuses a second secret with a taken name in the account (StoreConflict 'name'), writing nothing", async (t) => {
    const { store } = await fresh(t);
    await store.commitSecret({ record: secret("app/db"), expectedRevision: 0 });
    const twin = { ...secret("app/db"), arn: secret("app/db").arn.replace("AbCdEf", "XyZxYz") };
    await assert.rejects(store.commitSecret({ record: twin, expectedRevision: 0, putValues: [sealed("v1")], outbox: [{ region: "eu-west-1", op: "sync" }] }), isConflict("name"));
    assert.equal(await store.findSecretByArn(twin.arn), undefined);
    assert.equal(await store.getValue(twin.arn, "v1"), undefined);
    assert.deepEqual(await store.dueOutbox(Number.MAX_SAFE_INTEGER, 10), []);
    await store.commitSecret({ record: secret("app/db", { accountId: OTHER_ACCOUNT }), expectedRevision: 0 });
    assert.ok(await store.findSecretByName(OTHER_ACCOUNT, "app/db"), "another account may use the name");
  });

  it("replaces the record, adds and drops values in one commit at the expected revision; a rename frees the old name", async (t) => {
    const { store } = await fresh(t);
    const v1 = sealed("v1");
    await store.commitSecret({ record: secret("app/db"), expectedRevision: 0, putValues: [v1] });
    const v2 = sealed("v2");
    const next = secret("app/db2", {
      arn: secret("app/db").arn,
      revision: 2,
      description: "renamed",
      versions: [{ versionId: "v2", stages: ["AWSCURRENT"], createdDate: T0 + 1 }],
    });
    await store.commitSecret({ record: next, expectedRevision: 1, putValues: [v2], deleteValues: ["v1"] });
    assert.deepEqual(plain(await store.findSecretByArn(next.arn)), next);
    assert.deepEqual(plain(await store.findSecretByName(ACCOUNT, "app/db2")), next);
    assert.equal(await store.findSecretByName(ACCOUNT, "app/db"), undefined);
    assert.deepEqual(await store.getValue(next.arn, "v2"), v2);
    assert.equal(await store.getValue(next.arn, "v1"), undefined);
  });

  it("lets exactly one of two writers racing from the same revision commit; the other gets StoreConflict 'revision' and changes nothing", async (t) => {
    const { store } = await fresh(t);
    await store.commitSecret({ record: secret("app/db"), expectedRevision: 0, putValues: [sealed("v1")] });
    const read = (await store.findSecretByName(ACCOUNT, "app/db"))!;
    const writer = (who: string) =>
      store.commitSecret({
        record: { ...read, description: who, revision: read.revision + 1 },
        expectedRevision: read.revision,
        putValues: [sealed(`v-${who}`)],
        outbox: [{ region: `region-of-${who}`, op: "sync" }],
      });
    const results = await Promise.allSettled([writer("a"), writer("b")]);
    const won = results.findIndex((r) => r.status === "fulfilled");
    const lost = 1 - won;
    assert.notEqual(won, -1, "one writer commits");
    assert.equal(results[lost]!.status, "rejected");
    assert.ok(isConflict("revision")((results[lost] as PromiseRejectedResult).reason));
    const [winner, loser] = won === 0 ? ["a", "b"] : ["b", "a"];
    const now = (await store.findSecretByArn(read.arn))!;
    assert.equal(now.description, winner);
    assert.equal(now.revision, 2);
    assert.ok(await store.getValue(read.arn, `v-${winner}`));
    assert.equal(await store.getValue(read.arn, `v-${loser}`), undefined, "the loser's values were not written");
    assert.deepEqual((await store.dueOutbox(Number.MAX_SAFE_INTEGER, 10)).map((e) => e.region), [`region-of-${winner}`], "nor its outbox rows");
    // a writer that read before the winner's commit stays refused when it retries at its old revision
    await assert.rejects(writer(loser), isConflict("revision"));
  });

  it("refuses a change at a revision the secret is not at, and a change to a secret that does not exist", async (t) => {
    const { store } = await fresh(t);
    await store.commitSecret({ record: secret("app/db"), expectedRevision: 0 });
    await assert.rejects(store.commitSecret({ record: secret("app/db", { revision: 4 }), expectedRevision: 3 }), isConflict("revision"));
    await assert.rejects(store.commitSecret({ record: secret("ghost", { revision: 2 }), expectedRevision: 1 }), isConflict("revision"));
    assert.equal((await store.findSecretByName(ACCOUNT, "app/db"))!.revision, 1);
    assert.equal(await store.findSecretByName(ACCOUNT, "ghost"), undefined);
  });

  it("lists an account's secrets, deleted ones included, and no other account's", async (t) => {
    const { store } = await fresh(t);
    await store.commitSecret({ record: secret("a"), expectedRevision: 0 });
    await store.commitSecret({ record: secret("b", { deletedDate: T0, purgeDate: T0 + 7 * DAY }), expectedRevision: 0 });
    await store.commitSecret({ record: secret("c", { accountId: OTHER_ACCOUNT }), expectedRevision: 0 });
    assert.deepEqual(names(sorted(await store.listSecrets(ACCOUNT), (r) => r.name)), ["a", "b"]);
    assert.deepEqual(names(await store.listSecrets(OTHER_ACCOUNT)), ["c"]);
    assert.deepEqual(await store.listSecrets("999999999999"), []);
  });

  it("pages an account's secrets by name or created date, either way, ties by name then ARN ascending", async (t) => {
    const { store } = await fresh(t);
    // created dates: b and c tie, e and a tie; d is scheduled for deletion
    const plan: [string, number, boolean][] = [["c", 2, false], ["a", 3, false], ["e", 3, false], ["b", 2, false], ["d", 1, true]];
    for (const [name, created, deleted] of plan) {
      const purge = deleted ? { deletedDate: T0, purgeDate: T0 + DAY } : {};
      await store.commitSecret({ record: secret(name, { createdDate: T0 + created, ...purge }), expectedRevision: 0 });
    }
    await store.commitSecret({ record: secret("aa", { accountId: OTHER_ACCOUNT }), expectedRevision: 0 });
    const page = (q: Partial<SecretPageQuery>) =>
      store.listSecretsPage(ACCOUNT, { by: "name", order: "asc", offset: 0, limit: 100, includeDeleted: true, ...q }).then(names);
    assert.deepEqual(await page({}), ["a", "b", "c", "d", "e"]);
    assert.deepEqual(await page({ order: "desc" }), ["e", "d", "c", "b", "a"]);
    assert.deepEqual(await page({ includeDeleted: false }), ["a", "b", "c", "e"]);
    assert.deepEqual(await page({ by: "created-date" }), ["d", "b", "c", "a", "e"]);
    assert.deepEqual(await page({ by: "created-date", order: "desc" }), ["a", "e", "b", "c", "d"]);
    assert.deepEqual(await page({ by: "created-date", includeDeleted: false, offset: 1, limit: 2 }), ["c", "a"]);
    // walking pages sees every secret once
    const walked: string[] = [];
    for (let offset = 0; ; offset += 2) {
      const got = await page({ by: "created-date", order: "desc", offset, limit: 2 });
      walked.push(...got);
      if (got.length < 2) break;
    }
    assert.deepEqual(walked, ["a", "e", "b", "c", "d"]);
    assert.deepEqual(await page({ offset: 5 }), []);
  });

  it("lists secrets by name prefix: case-sensitive, literal (no wildcards), overlapping prefixes once each", async (t) => {
    const { store } = await fresh(t);
    for (const name of ["app/db", "app/api", "App/x", "apple", "a_b", "axb", "a%c", "ab", "prod/app/db"]) {
      await store.commitSecret({ record: secret(name), expectedRevision: 0 });
    }
    await store.commitSecret({ record: secret("app/other", { accountId: OTHER_ACCOUNT }), expectedRevision: 0 });
    const byPrefix = async (...prefixes: string[]) => names(await store.listSecretsByNamePrefix(ACCOUNT, prefixes)).sort();
    assert.deepEqual(await byPrefix("app/"), ["app/api", "app/db"]);
    assert.deepEqual(await byPrefix("app"), ["app/api", "app/db", "apple"]);
    assert.deepEqual(await byPrefix("app/", "app"), ["app/api", "app/db", "apple"]);
    assert.deepEqual(await byPrefix("a_"), ["a_b"]);
    assert.deepEqual(await byPrefix("a%"), ["a%c"]);
    assert.deepEqual(await byPrefix("app/db"), ["app/db"]);
    assert.deepEqual(await byPrefix("zzz"), []);
    assert.deepEqual(await byPrefix(), []);
  });

  it("a touchAccessed that changes nothing (that day already noted) moves no counter", async (t) => {
    const { store } = await fresh(t);
    const record = secret("app/db");
    await store.commitSecret({ record, expectedRevision: 0 });
    await store.touchAccessed(record.arn, "v1", T0 + DAY);
    const before = await store.generations();
    await store.touchAccessed(record.arn, "v1", T0 + DAY);
    assert.equal((await store.generations()).secrets, before.secrets, "no other cache need forget it");
    await store.touchAccessed(record.arn, "v1", T0 + 2 * DAY);
    assert.ok((await store.generations()).secrets > before.secrets, "a new day is a change");
  });

  it("touchAccessed notes the day on the secret and the version read, without a new revision, and a later commit keeps it", async (t) => {
    const { store } = await fresh(t);
    const record = secret("app/db", {
      versions: [
        { versionId: "v1", stages: ["AWSCURRENT"], createdDate: T0 },
        { versionId: "v0", stages: [], createdDate: T0 - 1 },
      ],
    });
    await store.commitSecret({ record, expectedRevision: 0 });
    await store.touchAccessed(record.arn, "v1", T0 + DAY);
    const touched = (await store.findSecretByName(ACCOUNT, "app/db"))!;
    assert.equal(touched.revision, 1);
    assert.equal(touched.lastAccessedDate, T0 + DAY);
    assert.equal(touched.versions.find((v) => v.versionId === "v1")!.lastAccessedDate, T0 + DAY);
    assert.equal(touched.versions.find((v) => v.versionId === "v0")!.lastAccessedDate, undefined);
    await store.commitSecret({ record: { ...record, description: "changed", revision: 2 }, expectedRevision: 1 });
    const changed = (await store.findSecretByArn(record.arn))!;
    assert.equal(changed.lastAccessedDate, T0 + DAY);
    assert.equal(changed.versions.find((v) => v.versionId === "v1")!.lastAccessedDate, T0 + DAY);
    await store.touchAccessed("arn:aws:secretsmanager:us-east-1:111122223333:secret:none-AbCdEf", "v1", T0); // no such secret: nothing happens
  });

  it("purges a secret with every value; with a revision, only if the secret is still at it", async (t) => {
    const { store } = await fresh(t);
    const record = secret("app/db");
    await store.commitSecret({ record, expectedRevision: 0, putValues: [sealed("v1")] });
    assert.equal(await store.purgeSecret(record.arn, 7), false, "not at revision 7: kept");
    assert.ok(await store.findSecretByArn(record.arn));
    assert.equal(await store.purgeSecret(record.arn, 1), true);
    assert.equal(await store.findSecretByArn(record.arn), undefined);
    assert.equal(await store.findSecretByName(ACCOUNT, "app/db"), undefined);
    assert.equal(await store.getValue(record.arn, "v1"), undefined);
    assert.equal(await store.purgeSecret(record.arn), false, "already gone");
    await store.commitSecret({ record: secret("app/db"), expectedRevision: 0 });
    assert.ok(await store.findSecretByName(ACCOUNT, "app/db"), "the name is free again");
  });

  it("finds the secrets whose recovery window has ended, in every account", async (t) => {
    const { store } = await fresh(t);
    const deleted = (name: string, purgeDate: number, accountId = ACCOUNT) => secret(name, { accountId, deletedDate: T0, purgeDate });
    await store.commitSecret({ record: secret("live"), expectedRevision: 0 });
    await store.commitSecret({ record: deleted("due", T0 + DAY), expectedRevision: 0 });
    await store.commitSecret({ record: deleted("due-too", T0 + DAY, OTHER_ACCOUNT), expectedRevision: 0 });
    await store.commitSecret({ record: deleted("later", T0 + 2 * DAY), expectedRevision: 0 });
    const due = async (now: number) => names(await store.secretsDueForPurge(now)).sort();
    assert.deepEqual(await due(T0 + DAY - 1), []);
    assert.deepEqual(await due(T0 + DAY), ["due", "due-too"], "due at its purge date exactly");
    assert.deepEqual(await due(T0 + 3 * DAY), ["due", "due-too", "later"]);
    // a restored secret (purge date cleared) is no longer due
    await store.commitSecret({ record: secret("later", { revision: 2 }), expectedRevision: 1 });
    assert.deepEqual(await due(T0 + 3 * DAY), ["due", "due-too"]);
  });

  it("lists every account that has a secret, once each and in order, a deleted secret's too", async (t) => {
    const { store } = await fresh(t);
    assert.deepEqual(await store.secretAccounts(), []);
    await store.commitSecret({ record: secret("b", { accountId: OTHER_ACCOUNT }), expectedRevision: 0 });
    await store.commitSecret({ record: secret("a"), expectedRevision: 0 });
    await store.commitSecret({ record: secret("c"), expectedRevision: 0 });
    assert.deepEqual(await store.secretAccounts(), [ACCOUNT, OTHER_ACCOUNT].sort());
    await store.commitSecret({ record: secret("b", { accountId: OTHER_ACCOUNT, revision: 2, deletedDate: T0, purgeDate: T0 + DAY }), expectedRevision: 1 });
    assert.deepEqual(await store.secretAccounts(), [ACCOUNT, OTHER_ACCOUNT].sort(), "a secret scheduled for deletion still counts");
    assert.equal(await store.purgeSecret(secret("b", { accountId: OTHER_ACCOUNT }).arn), true);
    assert.deepEqual(await store.secretAccounts(), [ACCOUNT], "an account whose last secret is gone is not listed");
  });
}
