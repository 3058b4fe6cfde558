// ListSecrets (each filter key, `!` negation, sorting, paging) and ListSecretVersionIds paging,
// through the AWS SDK. Each test lists its own Region, so it sees only the secrets it created.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DeleteSecretCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
  paginateListSecrets,
  paginateListSecretVersionIds,
  type Filter,
  type ListSecretsCommandInput,
  type SecretsManagerClient,
  type Tag,
} from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";
import { signAtClock } from "../support/sign-at-clock.js";

const HOUR = 3_600_000;
const clock = { t: Date.UTC(2024, 8, 2, 8, 0), now: () => clock.t };
const REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1"];
let m: TestServer;
before(async () => {
  m = await startMeridian({ clock, regions: REGIONS });
});
after(() => m.stop());

/** A client signing at the server's clock. */
const client = (region: string) => signAtClock(m.secrets(region), clock);

async function create(sm: SecretsManagerClient, Name: string, extra: { Description?: string; Tags?: Tag[] } = {}) {
  clock.t += 1000;
  return sm.send(new CreateSecretCommand({ Name, SecretString: "secret", ...extra }));
}

async function names(sm: SecretsManagerClient, input: ListSecretsCommandInput = {}): Promise<string[]> {
  const { SecretList } = await sm.send(new ListSecretsCommand(input));
  return SecretList!.map((s) => s.Name!).sort();
}

const filter = (Key: Filter["Key"], ...Values: string[]): Filter => ({ Key, Values });

test("name and description filters, with `!` negation (the scenario recorded against AWS)", async () => {
  const sm = client("us-east-1");
  await create(sm, "testing1/one-1", { Description: "a secret" });
  await create(sm, "/testing2/two-2", { Description: "an secret" });
  await create(sm, "testing3/three-3", { Description: "asecret" });
  await create(sm, "/testing4/four-4", { Description: "thesecret" });
  const all = ["/testing2/two-2", "/testing4/four-4", "testing1/one-1", "testing3/three-3"];

  assert.deepEqual(await names(sm, { Filters: [filter("name", "/")] }), ["/testing2/two-2", "/testing4/four-4"]);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "!/")] }), ["testing1/one-1", "testing3/three-3"]);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "testing1 one")] }), []);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "Testing1")] }), [], "name is case-sensitive");
  assert.deepEqual(await names(sm, { Filters: [filter("name", "testing1", "testing3")] }), ["testing1/one-1", "testing3/three-3"]);

  assert.deepEqual(await names(sm, { Filters: [filter("description", "a")] }), ["/testing2/two-2", "testing1/one-1", "testing3/three-3"]);
  assert.deepEqual(await names(sm, { Filters: [filter("description", "!a")] }), ["/testing4/four-4"]);
  assert.deepEqual(await names(sm, { Filters: [filter("description", "a secret")] }), ["/testing2/two-2", "testing1/one-1"]);
  assert.deepEqual(await names(sm, { Filters: [filter("description", "A SECRET")] }), ["/testing2/two-2", "testing1/one-1"]);
  assert.deepEqual(await names(sm, { Filters: [filter("description", "!c")] }), all);
  assert.deepEqual(await names(sm, { Filters: [filter("description", "a"), filter("name", "secret")] }), []);
  assert.deepEqual(await names(sm, { Filters: [filter("description", "a"), filter("name", "/")] }), ["/testing2/two-2"]);
});

test("tag-key and tag-value are case-sensitive prefixes; `all` searches words everywhere, any case", async () => {
  const sm = client("us-east-2");
  await create(sm, "payments/db", { Description: "Primary database", Tags: [{ Key: "Team", Value: "payments" }] });
  await create(sm, "search/api-key", { Tags: [{ Key: "team", Value: "Search" }, { Key: "env", Value: "prod" }] });
  await create(sm, "credsDatabase892", { Description: "legacy" });

  assert.deepEqual(await names(sm, { Filters: [filter("tag-key", "Te")] }), ["payments/db"]);
  assert.deepEqual(await names(sm, { Filters: [filter("tag-key", "!Te")] }), ["credsDatabase892", "search/api-key"]);
  assert.deepEqual(await names(sm, { Filters: [filter("tag-key", "team", "env")] }), ["search/api-key"]);
  assert.deepEqual(await names(sm, { Filters: [filter("tag-value", "pay")] }), ["payments/db"]);
  assert.deepEqual(await names(sm, { Filters: [filter("tag-value", "search")] }), []);
  assert.deepEqual(await names(sm, { Filters: [filter("tag-value", "Search"), filter("tag-key", "env")] }), ["search/api-key"]);

  assert.deepEqual(await names(sm, { Filters: [filter("all", "database")] }), ["credsDatabase892", "payments/db"]);
  assert.deepEqual(await names(sm, { Filters: [filter("all", "SEARCH")] }), ["search/api-key"]);
  assert.deepEqual(await names(sm, { Filters: [filter("all", "creds 892")] }), ["credsDatabase892"]);
  assert.deepEqual(await names(sm, { Filters: [filter("all", "prod")] }), ["search/api-key"]);
  assert.deepEqual(await names(sm, { Filters: [filter("all", "!database")] }), ["search/api-key"]);
});

test("primary-region and owning-service match no secret that is neither replicated nor managed", async () => {
  const sm = client("us-west-1");
  await create(sm, "plain");
  assert.deepEqual(await names(sm, { Filters: [filter("primary-region", "us-west-1")] }), []);
  assert.deepEqual(await names(sm, { Filters: [filter("owning-service", "appflow")] }), []);
  assert.deepEqual(await names(sm, { Filters: [filter("primary-region", "!us-west-1")] }), ["plain"]);
});

test("SortBy and SortOrder", async () => {
  const sm = client("us-west-2");
  await create(sm, "b-second");
  await create(sm, "c-first");
  await create(sm, "a-third");
  const order = async (SortBy?: ListSecretsCommandInput["SortBy"], SortOrder?: ListSecretsCommandInput["SortOrder"]) =>
    (await sm.send(new ListSecretsCommand({ SortBy, SortOrder }))).SecretList!.map((s) => s.Name);

  assert.deepEqual(await order("name", "asc"), ["a-third", "b-second", "c-first"]);
  assert.deepEqual(await order("name", "desc"), ["c-first", "b-second", "a-third"]);
  assert.deepEqual(await order("created-date", "asc"), ["b-second", "c-first", "a-third"]);
  assert.deepEqual(await order("created-date", "desc"), ["a-third", "c-first", "b-second"]);

  clock.t += HOUR;
  await sm.send(new UpdateSecretCommand({ SecretId: "b-second", Description: "changed" }));
  assert.deepEqual(await order("last-changed-date", "desc"), ["b-second", "a-third", "c-first"]);

  clock.t += 24 * HOUR;
  await sm.send(new GetSecretValueCommand({ SecretId: "c-first" }));
  clock.t += 24 * HOUR;
  await sm.send(new GetSecretValueCommand({ SecretId: "a-third" }));
  assert.deepEqual((await order("last-accessed-date", "desc")).slice(0, 2), ["a-third", "c-first"]);
});

test("MaxResults and NextToken page through every secret once", async () => {
  const sm = client("eu-west-1");
  const created = [];
  for (let i = 0; i < 7; i++) created.push((await create(sm, `page-${i}`)).Name!);

  const first = await sm.send(new ListSecretsCommand({ MaxResults: 3, SortBy: "name" }));
  assert.deepEqual(first.SecretList!.map((s) => s.Name), ["page-0", "page-1", "page-2"]);
  assert.ok(first.NextToken);
  const second = await sm.send(new ListSecretsCommand({ MaxResults: 3, SortBy: "name", NextToken: first.NextToken }));
  assert.deepEqual(second.SecretList!.map((s) => s.Name), ["page-3", "page-4", "page-5"]);
  const third = await sm.send(new ListSecretsCommand({ MaxResults: 3, SortBy: "name", NextToken: second.NextToken }));
  assert.deepEqual(third.SecretList!.map((s) => s.Name), ["page-6"]);
  assert.equal(third.NextToken, undefined);

  const seen: string[] = [];
  for await (const page of paginateListSecrets({ client: sm, pageSize: 2 }, {})) {
    assert.ok(page.SecretList!.length <= 2);
    seen.push(...page.SecretList!.map((s) => s.Name!));
  }
  assert.deepEqual(seen.sort(), created.sort());

  const everything = await sm.send(new ListSecretsCommand({}));
  assert.equal(everything.SecretList!.length, 7);
  assert.equal(everything.NextToken, undefined);
});

test("pages read from the store's index come in the order a filtered scan gives, ties included", async () => {
  const sm = client("us-west-1");
  // Three secrets at each of four instants: ties on the created date are broken by name.
  for (let t = 0; t < 4; t++) {
    clock.t += 1000;
    for (const n of ["c", "a", "b"]) await sm.send(new CreateSecretCommand({ Name: `tie/${t}-${n}`, SecretString: "v" }));
  }
  await sm.send(new DeleteSecretCommand({ SecretId: "tie/2-a", RecoveryWindowInDays: 7 }));
  const pagesOf = async (input: ListSecretsCommandInput) => {
    const seen: string[] = [];
    for await (const page of paginateListSecrets({ client: sm, pageSize: 5 }, input)) seen.push(...page.SecretList!.map((s) => s.Name!));
    return seen;
  };
  for (const SortBy of ["created-date", "name"] as const) {
    for (const SortOrder of ["asc", "desc"] as const) {
      for (const IncludePlannedDeletion of [false, true]) {
        // (other tests' secrets in this Region are left out of the comparison, not of the pages)
        const indexed = (await pagesOf({ SortBy, SortOrder, IncludePlannedDeletion })).filter((n) => n.startsWith("tie/"));
        const scanned = await pagesOf({ SortBy, SortOrder, IncludePlannedDeletion, Filters: [filter("name", "tie/")] });
        assert.deepEqual(indexed, scanned, `${SortBy} ${SortOrder} ${IncludePlannedDeletion}`);
        assert.equal(indexed.length, IncludePlannedDeletion ? 12 : 11);
      }
    }
  }
});

test("name filters read their candidates from the name index and answer as a scan would", async () => {
  const sm = client("eu-central-1");
  const tagged = { Tags: [{ Key: "team", Value: "blue" }] };
  for (const name of ["app/a", "app/b", "app0", "apple", "ap", "other/app/x", "App/upper"]) await create(sm, name, name.endsWith("a") || name === "apple" ? tagged : {});
  assert.deepEqual(await names(sm, { Filters: [filter("name", "app/")] }), ["app/a", "app/b"]);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "app")] }), ["app/a", "app/b", "app0", "apple"]);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "app/", "other")] }), ["app/a", "app/b", "other/app/x"]);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "app", "app/")] }), ["app/a", "app/b", "app0", "apple"], "overlapping prefixes, each secret once");
  assert.deepEqual(await names(sm, { Filters: [filter("name", "App")] }), ["App/upper"], "case-sensitive");
  assert.deepEqual(await names(sm, { Filters: [filter("name", "app"), filter("tag-value", "blue")] }), ["app/a", "apple"]);
  // values OR together: "app" or not "apple" is every name (a negated value is answered by the scan)
  assert.deepEqual(await names(sm, { Filters: [filter("name", "app", "!apple")] }), ["App/upper", "ap", "app/a", "app/b", "app0", "apple", "other/app/x"]);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "!app")] }), ["App/upper", "ap", "other/app/x"]);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "zzz")] }), []);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "")] }), ["App/upper", "ap", "app/a", "app/b", "app0", "apple", "other/app/x"]);
  await sm.send(new DeleteSecretCommand({ SecretId: "app/b", RecoveryWindowInDays: 7 }));
  assert.deepEqual(await names(sm, { Filters: [filter("name", "app/")] }), ["app/a"]);
  assert.deepEqual(await names(sm, { Filters: [filter("name", "app/")], IncludePlannedDeletion: true }), ["app/a", "app/b"]);
  const first = await sm.send(new ListSecretsCommand({ Filters: [filter("name", "app")], MaxResults: 2, SortBy: "name" }));
  assert.deepEqual(first.SecretList!.map((e) => e.Name), ["app/a", "app0"]);
  const next = await sm.send(new ListSecretsCommand({ Filters: [filter("name", "app")], MaxResults: 2, SortBy: "name", NextToken: first.NextToken }));
  assert.deepEqual(next.SecretList!.map((e) => e.Name), ["apple"]);
  assert.equal(next.NextToken, undefined);
});

test("paging errors: a NextToken not from this server, MaxResults out of range", async () => {
  const sm = client("eu-west-1");
  await rejects(sm.send(new ListSecretsCommand({ NextToken: "not-a-token" })), "InvalidNextTokenException", "The NextToken value is invalid.");
  await rejects(
    sm.send(new ListSecretsCommand({ MaxResults: 101 })),
    "ValidationException",
    "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
  );
  await rejects(
    sm.send(new ListSecretsCommand({ MaxResults: 0 })),
    "ValidationException",
    "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
  );
  await rejects(sm.send(new ListSecretsCommand({ Filters: [{ Key: "bogus" as Filter["Key"], Values: ["x"] }] })), "ValidationException");
  await rejects(sm.send(new ListSecretsCommand({ Filters: [filter("name", "no#hash")] })), "ValidationException");
});

test("ListSecrets entries carry the secret's metadata and labels", async () => {
  const sm = client("eu-west-2");
  const created = await create(sm, "described", { Description: "shown", Tags: [{ Key: "k", Value: "v" }] });
  const [entry] = (await sm.send(new ListSecretsCommand({}))).SecretList!;
  assert.equal(entry!.ARN, created.ARN);
  assert.equal(entry!.Description, "shown");
  assert.deepEqual(entry!.Tags, [{ Key: "k", Value: "v" }]);
  assert.deepEqual(entry!.SecretVersionsToStages, { [created.VersionId!]: ["AWSCURRENT"] });
  assert.equal(entry!.CreatedDate!.getTime(), clock.t);
  assert.equal(entry!.LastChangedDate!.getTime(), clock.t);
  assert.equal(entry!.DeletedDate, undefined);
});

test("ListSecretVersionIds pages through versions, deprecated ones included on request", async () => {
  const sm = client("eu-central-1");
  const { VersionId: first } = await create(sm, "many-versions");
  const ids = [first!];
  for (let i = 0; i < 4; i++) {
    clock.t += 1000;
    ids.push((await sm.send(new PutSecretValueCommand({ SecretId: "many-versions", SecretString: `v${i}` }))).VersionId!);
  }
  const page1 = await sm.send(new ListSecretVersionIdsCommand({ SecretId: "many-versions", IncludeDeprecated: true, MaxResults: 2 }));
  assert.equal(page1.Versions!.length, 2);
  assert.equal(page1.Name, "many-versions");
  assert.ok(page1.NextToken);

  const seen: string[] = [];
  for await (const page of paginateListSecretVersionIds({ client: sm, pageSize: 2 }, { SecretId: "many-versions", IncludeDeprecated: true })) {
    seen.push(...page.Versions!.map((v) => v.VersionId!));
  }
  assert.deepEqual(seen.sort(), [...ids].sort());

  const labeled = await sm.send(new ListSecretVersionIdsCommand({ SecretId: "many-versions" }));
  assert.deepEqual(labeled.Versions!.map((v) => [v.VersionId, v.VersionStages]).sort(), [
    [ids[3], ["AWSPREVIOUS"]],
    [ids[4], ["AWSCURRENT"]],
  ].sort());
  assert.equal(labeled.NextToken, undefined);
  for (const v of labeled.Versions!) assert.deepEqual(v.KmsKeyIds, ["DefaultEncryptionKey"]);
  await rejects(
    sm.send(new ListSecretVersionIdsCommand({ SecretId: "many-versions", NextToken: "bogus" })),
    "InvalidNextTokenException",
    "The NextToken value is invalid.",
  );
});
