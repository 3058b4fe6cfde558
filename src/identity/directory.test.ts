// The directory finds a credential's principal by unique id: a user replaced under its name takes
// its keys' rights with it, and keys a store kept from before the binding still work for their user.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { makeRegionWrapper } from "../kms/root-key.js";
import { accessKeyWrapContext, makeIdentityDirectory } from "./directory.js";
import type { IamUser } from "../contract/identity-types.js";

const ACCOUNT = "111111111111";
const alice: IamUser = {
  kind: "user", accountId: ACCOUNT, name: "alice", path: "/", id: "AIDAALICE00000000001", arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  createDate: 0, inlinePolicies: {}, attachedPolicies: [], tags: [], groups: [],
};

function openDirectory(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), "meridian-directory-"));
  const store = openSqliteStore(join(dir, "us-east-1.sqlite"));
  t.after(() => {
    void store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const wrapper = makeRegionWrapper(Buffer.alloc(32, 3), "us-east-1");
  const directory = makeIdentityDirectory([{ partition: "aws", store, wrapper }], { now: () => 0 });
  return { directory, store, wrapper, aws: directory.partition("aws")! };
}

test("a key stored without its user's id is bound at load to the user holding the name", async (t) => {
  const { store, wrapper, directory, aws } = openDirectory(t);
  await store.applyIamChanges([alice], []);
  const accessKeyId = "AKIALEGACY0000000001";
  await store.putAccessKey({
    accessKeyId, accountId: ACCOUNT, principalArn: alice.arn, userName: "alice",
    wrappedSecret: wrapper.wrap(Buffer.from("legacy-secret"), accessKeyWrapContext(accessKeyId)), status: "Active", createdDate: 0,
  });
  await directory.load();
  const key = aws.keyFor(accessKeyId)!;
  assert.equal(key.record.userId, alice.id);
  assert.equal(aws.principalOfKey(key.record)?.arn, alice.arn);

  // The same name given to a new user (the key kept, as only a store could): the key is not theirs,
  // and the old alice's policies are not the newcomer's.
  const allowAll = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
  const newAlice: IamUser = { ...alice, id: "AIDAALICE00000000002", inlinePolicies: { all: allowAll } };
  await aws.change(() => ({ change: { remove: [alice], put: [newAlice] }, result: undefined }));
  assert.equal(aws.principalOfKey(key.record), undefined);
  const as = (userId: string) => aws.policiesOf({ arn: alice.arn, account: ACCOUNT, type: "User", username: "alice", userId }).identityPolicies.length;
  assert.equal(as(alice.id), 0);
  assert.equal(as(newAlice.id), 1);
});
