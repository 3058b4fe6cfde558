// Credentials find their principal by unique id: a key or session of a deleted principal, or of
// one replaced under the same name, stands for no one; keys stored before the binding are bound to
// the user holding their name in the set they were stored with.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { AccessKeyRecord, IamEntity, IamRole, IamUser } from "../contract/identity-types.js";
import type { SessionClaims } from "./sessions.js";
import { bindLegacyKey, isSessionTokenSession, principalOfKey, principalOfSession, type PrincipalLookup } from "./principals.js";

const ACCOUNT = "111111111111";
const base = { accountId: ACCOUNT, path: "/", createDate: 0, inlinePolicies: {}, attachedPolicies: [] };
const user = (id: string, name = "alice"): IamUser => ({ ...base, kind: "user", name, id, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, tags: [{ Key: "team", Value: id }], groups: [] });
const role = (id: string, name = "deployer"): IamRole => ({
  ...base, kind: "role", name, id, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, tags: [], assumeRolePolicyDocument: "{}", maxSessionDuration: 3600,
});
const lookupOf = (...entities: IamEntity[]): PrincipalLookup => {
  const byId = new Map(entities.map((e) => ["id" in e ? e.id : e.name, e]));
  return { partition: "aws", byId: (id) => byId.get(id) };
};
const key = (extra: Partial<AccessKeyRecord> = {}): AccessKeyRecord => ({
  accessKeyId: "AKIAEXAMPLE000000001", accountId: ACCOUNT, principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  userName: "alice", userId: "AIDAALICE00000000001", wrappedSecret: Buffer.alloc(0), status: "Active", createdDate: 0, ...extra,
});

const alice = user("AIDAALICE00000000001");
const newAlice = user("AIDAALICE00000000002");
const deployer = role("AROADEPLOYER00000001");
const newDeployer = role("AROADEPLOYER00000002");

test("an access key signs for the user with its unique id only", () => {
  assert.equal(principalOfKey(lookupOf(alice), key())?.userId, alice.id);
  assert.deepEqual(principalOfKey(lookupOf(alice), key())?.tags, { team: alice.id });
  assert.equal(principalOfKey(lookupOf(), key()), undefined);
  assert.equal(principalOfKey(lookupOf(newAlice), key()), undefined, "a new alice is someone else");
  assert.equal(principalOfKey(lookupOf(role("AIDAALICE00000000001")), key()), undefined, "the id of another kind of entity");
  assert.equal(principalOfKey(lookupOf({ ...alice, accountId: "222222222222" }), key()), undefined, "the id in another account");
  const legacy = key({ userId: undefined });
  assert.equal(principalOfKey(lookupOf(alice), legacy), undefined, "an unbound key signs for no one");
  const root = principalOfKey(lookupOf(), key({ userName: undefined, userId: undefined }));
  assert.deepEqual(root, { arn: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT, type: "Root", userId: ACCOUNT });
});

test("keys stored before the binding are bound to the user holding their name", () => {
  const users = new Map([["alice", alice]]);
  const named = (_account: string, name: string) => users.get(name);
  assert.equal(bindLegacyKey(key({ userId: undefined }), named).userId, alice.id);
  assert.equal(bindLegacyKey(key({ userId: "AIDAOTHER00000000001" }), named).userId, "AIDAOTHER00000000001", "a bound key keeps its user");
  assert.equal(bindLegacyKey(key({ userName: "ghost", userId: undefined }), named).userId, undefined);
  assert.equal(bindLegacyKey(key({ userName: undefined, userId: undefined }), named).userId, undefined, "a root key names no user");
});

const claims = (principal: SessionClaims["principal"], issuer: SessionClaims["issuer"]): SessionClaims => ({
  accessKeyId: "ASIAEXAMPLE000000001", secretAccessKey: "s", expiration: 1, createdAt: 0, principal, issuer,
});
const roleSession = claims(
  { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/s1`, account: ACCOUNT, type: "AssumedRole", roleArn: deployer.arn, userId: `${deployer.id}:s1` },
  { arn: deployer.arn, type: "Role", principalId: deployer.id },
);
const userSession = claims(
  { arn: alice.arn, account: ACCOUNT, type: "User", username: "alice", userId: alice.id, tags: {} },
  { arn: alice.arn, type: "User", principalId: alice.id },
);

test("a role session acts while its role exists, not for a new role of the same name", () => {
  assert.equal(principalOfSession(lookupOf(deployer), roleSession), roleSession.principal);
  assert.equal(principalOfSession(lookupOf(), roleSession), undefined);
  assert.equal(principalOfSession(lookupOf(newDeployer), roleSession), undefined);
  assert.equal(isSessionTokenSession(roleSession), false);
});

test("a GetSessionToken session acts as its user now (tags included), not for a new user of the same name", () => {
  const tagged = { ...alice, tags: [{ Key: "team", Value: "red" }] };
  assert.deepEqual(principalOfSession(lookupOf(tagged), userSession)?.tags, { team: "red" });
  assert.equal(principalOfSession(lookupOf(), userSession), undefined);
  assert.equal(principalOfSession(lookupOf(newAlice), userSession), undefined);
  assert.equal(isSessionTokenSession(userSession), true);
  const rootSession = claims({ arn: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT, type: "Root", userId: ACCOUNT }, { arn: `arn:aws:iam::${ACCOUNT}:root`, type: "User", principalId: ACCOUNT });
  assert.equal(principalOfSession(lookupOf(), rootSession)?.type, "Root");
});
