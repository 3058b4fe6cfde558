// Issue 10, item 3: temporary credentials and access keys follow the principal's unique id (AIDA…,
// AROA…), not its name. A session whose user or role was deleted is refused, and stays refused
// after a new user or role takes the same name (it never gains the newcomer's rights); an access
// key acts only for the user it was made for; GetSessionToken's credentials cannot call IAM (no
// MFA here) nor STS beyond AssumeRole and GetCallerIdentity. A follower process applies the same
// rule with its copy of the identities.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  IAMClient,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startMeridian, spawnMeridian, waitForExit, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { eventually, freePort } from "../support/multiprocess.js";
import { refuses } from "../support/service-errors.js";
import { allow, destroyClients, iamAs, policy, secretsAs, sessionCredentials, stsAs, trust, type Credentials } from "../e2e/iam-support.js";
import type { IamUser } from "../../src/contract/identity-types.js";

const INVALID_TOKEN = "The security token included in the request is invalid.";
/** How Secrets Manager (JSON) and IAM/STS (query) refuse credentials that are not, or no longer, valid. */
const refusedByJson = { name: "UnrecognizedClientException", message: INVALID_TOKEN, status: 400 };
const refusedByQuery = { name: "InvalidClientTokenId", message: INVALID_TOKEN, status: 403 };

let m: TestServer;
let iam: IAMClient;
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT_ID}:role/${name}`;
const secretArn = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:${name}-*`;

async function makeUser(client: IAMClient, name: string, identityPolicy: string) {
  const user = (await client.send(new CreateUserCommand({ UserName: name }))).User!;
  await client.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "p", PolicyDocument: identityPolicy }));
  const key = (await client.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!, arn: user.Arn!, id: user.UserId! };
}

/** Delete a user as IAM requires: its access keys and inline policy first. */
async function deleteUser(client: IAMClient, name: string, keys: string[]) {
  for (const AccessKeyId of keys) await client.send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId }));
  await client.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: "p" }));
  await client.send(new DeleteUserCommand({ UserName: name }));
}

async function makeRole(client: IAMClient, name: string, trusted: string, rolePolicy: string) {
  await client.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(trusted) }));
  await client.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "p", PolicyDocument: rolePolicy }));
}

async function deleteRole(client: IAMClient, name: string) {
  await client.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: "p" }));
  await client.send(new DeleteRoleCommand({ RoleName: name }));
}

const read = (sm: SecretsManagerClient, SecretId: string) => sm.send(new GetSecretValueCommand({ SecretId }));

before(async () => {
  m = await startMeridian({ regions: ["us-east-1", "eu-west-1"] });
  iam = iamAs(m, ADMIN);
  const sm = m.secrets();
  await sm.send(new CreateSecretCommand({ Name: "team/db", SecretString: "team-db" }));
  await sm.send(new CreateSecretCommand({ Name: "crown/jewels", SecretString: "jewels" }));
});

after(async () => {
  destroyClients();
  await m.stop();
});

test("(a) a GetSessionToken session ends with its user, and never acts as a new user of the same name", async () => {
  const alice = await makeUser(iam, "alice", policy(allow("secretsmanager:GetSecretValue", secretArn("team/db"))));
  const session = sessionCredentials((await stsAs(m, alice).send(new GetSessionTokenCommand({}))).Credentials);
  const sm = secretsAs(m, session);
  assert.equal((await read(sm, "team/db")).SecretString, "team-db");
  await refuses(read(sm, "crown/jewels"), { name: "AccessDeniedException" });

  await deleteUser(iam, "alice", [alice.accessKeyId]);
  await refuses(read(sm, "team/db"), refusedByJson);
  await refuses(stsAs(m, session).send(new GetCallerIdentityCommand({})), refusedByQuery);

  // A new alice with broader rights: the old session is still not hers.
  const newAlice = await makeUser(iam, "alice", policy(allow("secretsmanager:*")));
  assert.notEqual(newAlice.id, alice.id);
  await refuses(read(sm, "crown/jewels"), refusedByJson);
  await refuses(read(sm, "team/db"), refusedByJson);
  await refuses(secretsAs(m, session, "eu-west-1").send(new GetSecretValueCommand({ SecretId: "team/db" })), refusedByJson);
  await refuses(stsAs(m, session).send(new GetCallerIdentityCommand({})), refusedByQuery);
  // The new alice's own credentials and sessions work as hers.
  const fresh = sessionCredentials((await stsAs(m, newAlice).send(new GetSessionTokenCommand({}))).Credentials);
  assert.equal((await read(secretsAs(m, fresh), "crown/jewels")).SecretString, "jewels");
  assert.equal((await stsAs(m, fresh).send(new GetCallerIdentityCommand({}))).UserId, newAlice.id);
});

test("(b) an AssumeRole session ends with its role, and never acts as a new role of the same name", async () => {
  const bob = await makeUser(iam, "bob", policy(allow("sts:AssumeRole", roleArn("*"))));
  await makeRole(iam, "deployer", bob.arn, policy(allow("secretsmanager:GetSecretValue", secretArn("team/db"))));
  const assume = () => stsAs(m, bob).send(new AssumeRoleCommand({ RoleArn: roleArn("deployer"), RoleSessionName: "s1" }));
  const first = await assume();
  const session = sessionCredentials(first.Credentials);
  const sm = secretsAs(m, session);
  assert.equal((await read(sm, "team/db")).SecretString, "team-db");

  await deleteRole(iam, "deployer");
  await refuses(read(sm, "team/db"), refusedByJson);
  await refuses(stsAs(m, session).send(new GetCallerIdentityCommand({})), refusedByQuery);

  await makeRole(iam, "deployer", bob.arn, policy(allow("secretsmanager:*")));
  await refuses(read(sm, "crown/jewels"), refusedByJson);
  await refuses(read(sm, "team/db"), refusedByJson);
  await refuses(stsAs(m, session).send(new GetCallerIdentityCommand({})), refusedByQuery);
  // A session of the new role is the new role's.
  const second = await assume();
  assert.notEqual(second.AssumedRoleUser!.AssumedRoleId!.split(":")[0], first.AssumedRoleUser!.AssumedRoleId!.split(":")[0]);
  assert.equal((await read(secretsAs(m, sessionCredentials(second.Credentials)), "crown/jewels")).SecretString, "jewels");
});

test("(c) an access key acts only for the user it was made for", async () => {
  const carol = await makeUser(iam, "carol", policy(allow("secretsmanager:GetSecretValue", secretArn("team/db"))));
  assert.equal((await read(secretsAs(m, carol), "team/db")).SecretString, "team-db");
  await deleteUser(iam, "carol", [carol.accessKeyId]);
  const newCarol = await makeUser(iam, "carol", policy(allow("secretsmanager:*")));
  await refuses(read(secretsAs(m, carol), "crown/jewels"), refusedByJson);
  await refuses(iamAs(m, carol).send(new ListUsersCommand({})), refusedByQuery);
  assert.equal((await read(secretsAs(m, newCarol), "crown/jewels")).SecretString, "jewels");

  // IAM deletes a user only without keys, so a key outliving its user takes a store that kept one
  // (written by an older version, restored from a backup): replace dave under a key of his.
  const dave = await makeUser(iam, "dave", policy(allow("secretsmanager:GetSecretValue", secretArn("team/db"))));
  const dir = m.server.host.identity.partition("aws")!;
  const old = dir.get(ACCOUNT_ID, "user", "dave")!;
  const usurper: IamUser = { ...old, id: "AIDAUSURPER000000000", inlinePolicies: { p: policy(allow("secretsmanager:*")) } };
  await dir.change(() => ({ change: { remove: [old], put: [usurper] }, result: undefined }));
  await refuses(read(secretsAs(m, dave), "crown/jewels"), refusedByJson);
  await refuses(read(secretsAs(m, dave), "team/db"), refusedByJson);
});

test("(d) GetSessionToken's credentials cannot call IAM, nor STS beyond AssumeRole and GetCallerIdentity", async () => {
  const erin = await makeUser(iam, "erin", policy(allow(["iam:*", "sts:AssumeRole"])));
  await makeRole(iam, "erin-role", erin.arn, policy(allow("iam:ListUsers")));
  assert.ok((await iamAs(m, erin).send(new ListUsersCommand({}))).Users!.length > 0); // her own key may
  const session = sessionCredentials((await stsAs(m, erin).send(new GetSessionTokenCommand({}))).Credentials);
  await refuses(iamAs(m, session).send(new ListUsersCommand({})), refusedByQuery);
  await refuses(iamAs(m, session).send(new CreateUserCommand({ UserName: "mallory" })), refusedByQuery);
  // The root's GetSessionToken credentials are no different.
  const rootSession = sessionCredentials((await stsAs(m, ADMIN).send(new GetSessionTokenCommand({}))).Credentials);
  await refuses(iamAs(m, rootSession).send(new ListUsersCommand({})), refusedByQuery);

  const sts = stsAs(m, session);
  assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, erin.arn);
  const role = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn("erin-role"), RoleSessionName: "s1" }));
  await refuses(sts.send(new GetSessionTokenCommand({})), { name: "AccessDenied", message: "Cannot call GetSessionToken with session credentials", status: 403 });
  // A role session is not a GetSessionToken session: IAM takes it, decided by the role's policies.
  const roleIam = iamAs(m, sessionCredentials(role.Credentials));
  assert.ok((await roleIam.send(new ListUsersCommand({}))).Users!.length > 0);
  await refuses(roleIam.send(new CreateUserCommand({ UserName: "mallory" })), { name: "AccessDenied", status: 403 });
});

test("a follower Region's process refuses a session whose role was replaced in the home Region", async () => {
  const REGIONS = ["us-east-1", "eu-west-1"] as const;
  type Region = (typeof REGIONS)[number];
  const root = mkdtempSync(join(tmpdir(), "meridian-sessions-"));
  const ports = { "us-east-1": await freePort(), "eu-west-1": await freePort() };
  const endpoint = (r: Region) => `http://127.0.0.1:${ports[r]}`;
  writeFileSync(
    join(root, "topology.json"),
    JSON.stringify({ partitions: [{ name: "aws", homeRegion: "us-east-1", regions: REGIONS.map((r) => ({ name: r, endpoint: endpoint(r) })) }] }),
  );
  const children: ChildProcess[] = [];
  const clients: { destroy(): void }[] = [];
  const client = <C extends { destroy(): void }>(c: C) => (clients.push(c), c);
  try {
    for (const r of REGIONS) {
      const p = spawnMeridian(join(root, r), ["--topology", join(root, "topology.json"), "--region", r, "--port", String(ports[r])], {
        MERIDIAN_PEER_SECRET: "sessions-peer-secret",
      });
      children.push(p.child);
      await p.url;
    }
    const home = client(new IAMClient({ endpoint: endpoint("us-east-1"), region: "us-east-1", credentials: ADMIN, maxAttempts: 1 }));
    const stsAt = (r: Region, credentials: Credentials) => client(new STSClient({ endpoint: endpoint(r), region: r, credentials, maxAttempts: 1 }));
    const smAt = (credentials: Credentials) =>
      client(new SecretsManagerClient({ endpoint: endpoint("eu-west-1"), region: "eu-west-1", credentials, maxAttempts: 1 }));
    // The follower knows the admin key once the home's copy of the identities has reached it.
    await eventually(() => smAt(ADMIN).send(new CreateSecretCommand({ Name: "eu/db", SecretString: "eu-db" })));

    const frank = await makeUser(home, "frank", policy(allow("sts:AssumeRole", roleArn("*"))));
    await makeRole(home, "reader", frank.arn, policy(allow("secretsmanager:GetSecretValue")));
    const session = sessionCredentials(
      (await stsAt("us-east-1", frank).send(new AssumeRoleCommand({ RoleArn: roleArn("reader"), RoleSessionName: "s1" }))).Credentials,
    );
    const sm = smAt(session);
    await eventually(async () => assert.equal((await read(sm, "eu/db")).SecretString, "eu-db"));

    await deleteRole(home, "reader");
    await makeRole(home, "reader", frank.arn, policy(allow("secretsmanager:*")));
    await eventually(() => refuses(read(sm, "eu/db"), refusedByJson));
    await refuses(stsAt("eu-west-1", session).send(new GetCallerIdentityCommand({})), refusedByQuery);
    // A session of the new role works there once the follower has its copy.
    const fresh = sessionCredentials(
      (await stsAt("us-east-1", frank).send(new AssumeRoleCommand({ RoleArn: roleArn("reader"), RoleSessionName: "s1" }))).Credentials,
    );
    await eventually(async () => assert.equal((await read(smAt(fresh), "eu/db")).SecretString, "eu-db"));
  } finally {
    for (const c of clients) c.destroy();
    for (const child of children) {
      child.kill("SIGKILL");
      await waitForExit(child);
    }
    rmSync(root, { recursive: true, force: true });
  }
});
