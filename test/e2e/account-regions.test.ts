// The Account API's Region operations through @aws-sdk/client-account and the aws CLI: listing,
// opt-in status, enabling (ENABLING, then ENABLED once the account's identity data is in the
// Region) and disabling, the Region refusing the account until it is enabled, and AWS's refusals.
// The server's clock is held still while a transition must stay under way; settleRegionOptIns()
// finishes transitions instead of waiting for them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AccountClient,
  AccessDeniedException,
  ConflictException,
  DisableRegionCommand,
  EnableRegionCommand,
  GetRegionOptStatusCommand,
  ListRegionsCommand,
  ValidationException,
  paginateListRegions,
  type Region,
  type RegionOptStatus,
} from "@aws-sdk/client-account";
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { rawRequest } from "../support/raw-request.js";
import { emptyAwsHome, run } from "../support/aws-cli.js";

const COMMERCIAL = [
  "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
  "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3",
  "me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
];
const OPT_IN = ["af-south-1", "ap-east-1", "eu-south-1", "me-south-1"];
const ROOT_ARN = `arn:aws:iam::${ACCOUNT_ID}:root`;
const UNRECOGNIZED = "The security token included in the request is invalid.";
const CANNOT_SWITCH = "Unable to switch region status because of its current opt-in status.";

// Held still (a number) while a transition must stay under way: SigV4 allows 15 minutes of skew.
let frozenAt: number | undefined;
const clock = { now: () => frozenAt ?? Date.now() };

let m: TestServer;
const accountClients: AccountClient[] = [];
function account(region = "us-east-1") {
  const client = new AccountClient({ endpoint: m.url, region, credentials: ADMIN, maxAttempts: 1 });
  accountClients.push(client);
  return client;
}
const statusOf = async (region: string) =>
  (await account().send(new GetRegionOptStatusCommand({ RegionName: region }))).RegionOptStatus;

before(async () => {
  m = await startMeridian({ clock, regions: ["us-east-1", "eu-west-1", "af-south-1", "me-south-1", "eu-south-1", "us-gov-west-1", "cn-north-1"] });
});
after(async () => {
  for (const c of accountClients) c.destroy();
  await m.stop();
});

/** Asserts a rejection's class, message and (for ValidationException) reason and field. */
function refusal(type: abstract new (...args: never[]) => Error, message: string, extra: { reason?: string; field?: string } = {}) {
  return (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    assert.equal((e as Error).message, message);
    if (extra.reason) {
      const v = e as ValidationException;
      assert.equal(v.reason, extra.reason);
      assert.deepEqual(v.fieldList, [{ name: extra.field, message }]);
    }
    return true;
  };
}

test("ListRegions: every Region of the partition in name order, 20 a page, opt-in ones DISABLED", async () => {
  const first = await account().send(new ListRegionsCommand({}));
  assert.match(first.$metadata.requestId!, /^[0-9a-f-]{36}$/);
  assert.equal(first.Regions!.length, 20);
  assert.ok(first.NextToken);
  const second = await account().send(new ListRegionsCommand({ NextToken: first.NextToken }));
  assert.equal(second.NextToken, undefined);
  const all = [...first.Regions!, ...second.Regions!];
  assert.deepEqual(
    all,
    COMMERCIAL.map((name) => ({ RegionName: name, RegionOptStatus: OPT_IN.includes(name) ? "DISABLED" : "ENABLED_BY_DEFAULT" })),
  );

  const paged: Region[] = [];
  for await (const page of paginateListRegions({ client: account(), pageSize: 7 }, {})) paged.push(...page.Regions!);
  assert.deepEqual(paged, all);

  const disabled = await account().send(new ListRegionsCommand({ RegionOptStatusContains: ["DISABLED", "DISABLED"] }));
  assert.deepEqual(disabled.Regions!.map((r) => r.RegionName), OPT_IN);
  assert.equal(disabled.NextToken, undefined);
  const none = await account().send(new ListRegionsCommand({ RegionOptStatusContains: ["ENABLED"] }));
  assert.deepEqual(none.Regions, []);
});

test("ListRegions in GovCloud and China: that partition's Regions only", async () => {
  const gov = await account("us-gov-west-1").send(new ListRegionsCommand({}));
  assert.deepEqual(gov.Regions, [
    { RegionName: "us-gov-east-1", RegionOptStatus: "ENABLED_BY_DEFAULT" },
    { RegionName: "us-gov-west-1", RegionOptStatus: "ENABLED_BY_DEFAULT" },
  ]);
  const cn = await account("cn-north-1").send(new ListRegionsCommand({}));
  assert.deepEqual(cn.Regions!.map((r) => r.RegionName), ["cn-north-1", "cn-northwest-1"]);
});

test("GetRegionOptStatus: default Regions ENABLED_BY_DEFAULT, opt-in ones DISABLED", async () => {
  assert.deepEqual(
    { ...(await account().send(new GetRegionOptStatusCommand({ RegionName: "us-east-1" }))), $metadata: undefined },
    { RegionName: "us-east-1", RegionOptStatus: "ENABLED_BY_DEFAULT", $metadata: undefined },
  );
  assert.equal(await statusOf("af-south-1"), "DISABLED");
});

test("enabling af-south-1: ENABLING at once, the Region refuses the account until ENABLED, then serves it; disabling refuses it again", async () => {
  const sm = m.secrets("af-south-1");
  await assert.rejects(sm.send(new ListSecretsCommand({})), refusal(Error, UNRECOGNIZED));
  await assert.rejects(sm.send(new ListSecretsCommand({})), { name: "UnrecognizedClientException" });
  const homeKeys = m.server.host.node("af-south-1")!.store;
  assert.equal(await homeKeys.getAccessKey(ADMIN.accessKeyId), undefined);

  // The Account API is global: a request signed for the not yet enabled Region is served.
  assert.equal((await account("af-south-1").send(new GetRegionOptStatusCommand({ RegionName: "af-south-1" }))).RegionOptStatus, "DISABLED");

  frozenAt = Date.now();
  try {
    await account().send(new EnableRegionCommand({ RegionName: "af-south-1" }));
    assert.equal(await statusOf("af-south-1"), "ENABLING");
    const enabling = await account().send(new ListRegionsCommand({ RegionOptStatusContains: ["ENABLING"] }));
    assert.deepEqual(enabling.Regions, [{ RegionName: "af-south-1", RegionOptStatus: "ENABLING" }]);
    await assert.rejects(sm.send(new ListSecretsCommand({})), { name: "UnrecognizedClientException", message: UNRECOGNIZED });

    const underWay = `Account ${ACCOUNT_ID} and region af-south-1 is currently being enabled or disabled. Please wait until it finishes and then try again.`;
    await assert.rejects(account().send(new EnableRegionCommand({ RegionName: "af-south-1" })), refusal(ConflictException, underWay));
    await assert.rejects(account().send(new DisableRegionCommand({ RegionName: "af-south-1" })), refusal(ConflictException, underWay));

    await m.server.host.settleRegionOptIns();
    assert.equal(await statusOf("af-south-1"), "ENABLED");
    // Enabling is the copy of the account's identity data into the Region (DESIGN §6).
    assert.equal((await homeKeys.getAccessKey(ADMIN.accessKeyId))?.status, "Active");
    await sm.send(new CreateSecretCommand({ Name: "cape-town", SecretString: "s3cr3t" }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "cape-town" }))).SecretString, "s3cr3t");
    await assert.rejects(
      account().send(new EnableRegionCommand({ RegionName: "af-south-1" })),
      refusal(ValidationException, CANNOT_SWITCH, { reason: "invalidRegionOptTarget", field: "RegionName" }),
    );

    await account().send(new DisableRegionCommand({ RegionName: "af-south-1" }));
    assert.equal(await statusOf("af-south-1"), "DISABLING");
    await assert.rejects(account().send(new EnableRegionCommand({ RegionName: "af-south-1" })), refusal(ConflictException, underWay));
    // As on AWS, the account keeps the Region until disabling has finished.
    await sm.send(new DescribeSecretCommand({ SecretId: "cape-town" }));

    await m.server.host.settleRegionOptIns();
    assert.equal(await statusOf("af-south-1"), "DISABLED");
    assert.equal((await homeKeys.getAccessKey(ADMIN.accessKeyId))?.status, "Inactive");
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: "cape-town" })), { name: "UnrecognizedClientException", message: UNRECOGNIZED });
    await assert.rejects(
      account().send(new DisableRegionCommand({ RegionName: "af-south-1" })),
      refusal(ValidationException, CANNOT_SWITCH, { reason: "invalidRegionOptTarget", field: "RegionName" }),
    );
  } finally {
    frozenAt = undefined;
  }

  // Enabled again, the Region's secrets are there again.
  await account().send(new EnableRegionCommand({ RegionName: "af-south-1" }));
  await m.server.host.settleRegionOptIns();
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "cape-town" }))).SecretString, "s3cr3t");
});

test("replication to an opt-in Region the account has not enabled fails with a StatusMessage that says so", async () => {
  const primary = m.secrets("us-east-1");
  await primary.send(new CreateSecretCommand({ Name: "to-bahrain", SecretString: "x", AddReplicaRegions: [{ Region: "me-south-1" }] }));
  await m.server.host.node("us-east-1")!.replication.worker.settle();
  const described = await primary.send(new DescribeSecretCommand({ SecretId: "to-bahrain" }));
  const [status] = described.ReplicationStatus ?? [];
  assert.deepEqual([described.ReplicationStatus?.length, status?.Region, status?.Status], [1, "me-south-1", "Failed"]);
  assert.match(status?.StatusMessage ?? "", new RegExp(`me-south-1 is not enabled for account ${ACCOUNT_ID}`));
});

test("refusals: Regions that cannot be switched, are not in the partition, or are not Region codes; AccountId", async () => {
  const cannotSwitch = refusal(ValidationException, CANNOT_SWITCH, { reason: "invalidRegionOptTarget", field: "RegionName" });
  await assert.rejects(account().send(new EnableRegionCommand({ RegionName: "us-east-1" })), cannotSwitch);
  await assert.rejects(account().send(new DisableRegionCommand({ RegionName: "eu-west-1" })), cannotSwitch);
  await assert.rejects(account().send(new DisableRegionCommand({ RegionName: "me-south-1" })), cannotSwitch);

  const notValid = (region: string) =>
    refusal(ValidationException, `${region} is not a valid region for opt-in or opt-out.`, { reason: "fieldValidationFailed", field: "RegionName" });
  await assert.rejects(account().send(new GetRegionOptStatusCommand({ RegionName: "xx-nowhere-1" })), notValid("xx-nowhere-1"));
  await assert.rejects(account().send(new EnableRegionCommand({ RegionName: "cn-north-1" })), notValid("cn-north-1"));
  await assert.rejects(account().send(new GetRegionOptStatusCommand({ RegionName: "us-gov-west-1" })), notValid("us-gov-west-1"));
  await assert.rejects(account("us-gov-west-1").send(new EnableRegionCommand({ RegionName: "af-south-1" })), notValid("af-south-1"));

  const invalidTarget = `User: ${ROOT_ARN} is not authorized to perform: account:GetRegionOptStatus (You specified an invalid target region.)`;
  await assert.rejects(account().send(new GetRegionOptStatusCommand({ RegionName: "US-EAST-1" })), refusal(AccessDeniedException, invalidTarget));
  await assert.rejects(
    account().send(new EnableRegionCommand({ RegionName: "eu-south-1", AccountId: ACCOUNT_ID })),
    refusal(AccessDeniedException, `User: ${ROOT_ARN} is not authorized to perform: account:EnableRegion`),
  );
  assert.equal(await statusOf("eu-south-1"), "DISABLED");
});

test("refusals of ListRegions input: a status that is not one, a malformed NextToken, MaxResults out of range", async () => {
  await assert.rejects(
    account().send(new ListRegionsCommand({ RegionOptStatusContains: ["enabled" as RegionOptStatus] })),
    refusal(
      ValidationException,
      '[instance value ("enabled") not found in enum (possible values: ["ENABLED","ENABLING","DISABLING","DISABLED","ENABLED_BY_DEFAULT"])]',
    ),
  );
  await assert.rejects(
    account().send(new ListRegionsCommand({ NextToken: "invalid-token" })),
    refusal(ValidationException, "NextToken is malformed", { reason: "fieldValidationFailed", field: "NextToken" }),
  );
  await assert.rejects(
    account().send(new ListRegionsCommand({ MaxResults: 51 })),
    refusal(ValidationException, "[numeric instance is greater than the required maximum (maximum: 50, found: 51)]"),
  );
});

test("on the wire: rest-json errors carry x-amzn-ErrorType and {message}; every answer x-amzn-RequestId", async () => {
  const request = { path: "/getRegionOptStatus", service: "account", contentType: "application/json", target: null, credentials: ADMIN };
  const ok = await rawRequest(m.url, { ...request, body: { RegionName: "eu-west-1" } });
  assert.equal(ok.status, 200);
  assert.match(String(ok.headers["x-amzn-requestid"]), /^[0-9a-f-]{36}$/);
  assert.deepEqual(ok.json, { RegionName: "eu-west-1", RegionOptStatus: "ENABLED_BY_DEFAULT" });

  const invalid = await rawRequest(m.url, { ...request, body: { RegionName: "nowhere" } });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.headers["x-amzn-errortype"], "ValidationException");
  assert.match(String(invalid.headers["x-amzn-requestid"]), /^[0-9a-f-]{36}$/);
  const message = "nowhere is not a valid region for opt-in or opt-out.";
  assert.deepEqual(invalid.json, { message, reason: "fieldValidationFailed", fieldList: [{ name: "RegionName", message }] });

  const missing = await rawRequest(m.url, { ...request, body: {} });
  assert.deepEqual([missing.status, missing.json], [400, { message: '[object has missing required properties (["RegionName"])]' }]);

  const unsigned = await rawRequest(m.url, { ...request, body: { RegionName: "eu-west-1" }, sign: false });
  assert.equal(unsigned.status, 403);
  assert.equal(unsigned.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
  assert.deepEqual(unsigned.json, { message: "Missing Authentication Token" });

  const otherService = await rawRequest(m.url, { ...request, service: "secretsmanager", body: { RegionName: "eu-west-1" } });
  assert.equal(otherService.status, 403);
  assert.equal(otherService.headers["x-amzn-errortype"], "InvalidSignatureException");
  assert.deepEqual(otherService.json, { message: "Credential should be scoped to correct service: 'account'. " });

  const get = await rawRequest(m.url, { ...request, method: "GET" });
  assert.deepEqual([get.status, get.headers["x-amzn-errortype"]], [403, "MissingAuthenticationTokenException"]);

  // The model's other operations are routed, and answered as what Meridian does not implement.
  const other = await rawRequest(m.url, { ...request, path: "/getAccountInformation", body: {} });
  assert.deepEqual([other.status, other.headers["x-amzn-errortype"], other.json], [
    501,
    "UnknownOperationException",
    { message: "Meridian does not implement Account GetAccountInformation." },
  ]);
});

// ---- the aws CLI (awscli 1 has `aws account`): skipped with the reason where it cannot run.

test("the aws CLI: list-regions, get-region-opt-status, enable-region, and a refusal", async (t) => {
  const { env, remove } = emptyAwsHome(m.url, "eu-west-1");
  try {
    const help = await run(["account", "help"], env).catch(() => undefined);
    if (help?.code !== 0) return t.skip("no aws CLI with the account commands on PATH");

    const listed = await run(["account", "list-regions", "--region-opt-status-contains", "DISABLED", "ENABLED"], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { Regions: Region[] }).Regions, [
      { RegionName: "af-south-1", RegionOptStatus: "ENABLED" },
      { RegionName: "ap-east-1", RegionOptStatus: "DISABLED" },
      { RegionName: "eu-south-1", RegionOptStatus: "DISABLED" },
      { RegionName: "me-south-1", RegionOptStatus: "DISABLED" },
    ]);

    const enabled = await run(["account", "enable-region", "--region-name", "eu-south-1"], env);
    assert.deepEqual([enabled.code, enabled.stdout], [0, ""], enabled.stderr);
    await m.server.host.settleRegionOptIns();
    const status = await run(["account", "get-region-opt-status", "--region-name", "eu-south-1"], env);
    assert.deepEqual(JSON.parse(status.stdout), { RegionName: "eu-south-1", RegionOptStatus: "ENABLED" });

    const refused = await run(["account", "enable-region", "--region-name", "us-east-1"], env);
    assert.ok(refused.code === 254 || refused.code === 255, `exit code ${refused.code}`); // awscli 2 | 1
    assert.match(refused.stderr, /An error occurred \(ValidationException\) when calling the EnableRegion operation: Unable to switch region status because of its current opt-in status\./);
  } finally {
    remove();
  }
});
