import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeNextToken,
  encodeNextToken,
  filterSecrets,
  MSG_INVALID_NEXT_TOKEN,
  paginate,
  sortSecrets,
  splitWords,
} from "./list-filter.js";
import type { Filter } from "../generated/secretsmanager-api.js";
import type { SecretRecord, Tag } from "../contract/secret-types.js";
import { throwsServiceError } from "../../test/support/service-errors.js";

let seq = 0;
function secret(name: string, extra: Partial<SecretRecord> = {}, tags: Tag[] = []): SecretRecord {
  seq++;
  return {
    arn: `arn:aws:secretsmanager:us-east-1:111111111111:secret:${name}-abcdef`,
    accountId: "111111111111",
    region: "us-east-1",
    name,
    tags,
    createdDate: 1_000 * seq,
    lastChangedDate: 1_000 * seq,
    versions: [],
    revision: 1,
    ...extra,
  };
}

const names = (rs: SecretRecord[]) => rs.map((r) => r.name);
const only = (records: SecretRecord[], ...filters: Filter[]) => names(filterSecrets(records, filters));

test("no filters keeps everything", () => {
  const rs = [secret("a"), secret("b")];
  assert.deepEqual(filterSecrets(rs, undefined), rs);
});

test("name is a case-sensitive prefix match", () => {
  const rs = [secret("DatabaseSecret"), secret("databaseSecret"), secret("MyData")];
  assert.deepEqual(only(rs, { Key: "name", Values: ["Data"] }), ["DatabaseSecret"]);
});

test("tag-key and tag-value are case-sensitive prefix matches on any tag", () => {
  const rs = [
    secret("a", {}, [{ Key: "Production", Value: "x" }]),
    secret("b", {}, [{ Key: "Prod1", Value: "Prod" }]),
    secret("c", {}, [{ Key: "prod", Value: "1 Prod" }]),
  ];
  assert.deepEqual(only(rs, { Key: "tag-key", Values: ["Prod"] }), ["a", "b"]);
  assert.deepEqual(only(rs, { Key: "tag-value", Values: ["Prod"] }), ["b"]);
});

test("description matches words, case-insensitively", () => {
  const rs = [
    secret("a", { description: "My Description" }),
    secret("b", { description: "my description" }),
    secret("c", { description: "My basic description" }),
    secret("d", { description: "Description of my secret" }),
    secret("e", { description: "Mine only" }),
    secret("f"),
  ];
  assert.deepEqual(only(rs, { Key: "description", Values: ["My Description"] }), ["a", "b", "c", "d"]);
});

test("all searches name, description, tag keys and tag values", () => {
  const rs = [
    secret("foo"),
    secret("bar", { description: "foo" }),
    secret("baz", {}, [{ Key: "foo", Value: "1" }]),
    secret("qux", {}, [{ Key: "1", Value: "foo" }]),
    secret("none"),
  ];
  assert.deepEqual(only(rs, { Key: "all", Values: ["FOO"] }), ["foo", "bar", "baz", "qux"]);
  assert.deepEqual(only([secret("credsDatabase892")], { Key: "all", Values: ["database"] }), ["credsDatabase892"]);
});

test("primary-region and owning-service are prefix matches on present attributes", () => {
  const rs = [secret("a", { primaryRegion: "eu-west-1", owningService: "rds" }), secret("b")];
  assert.deepEqual(only(rs, { Key: "primary-region", Values: ["eu-"] }), ["a"]);
  assert.deepEqual(only(rs, { Key: "owning-service", Values: ["rds"] }), ["a"]);
});

test("values of one filter OR together; separate filters AND together", () => {
  const rs = [
    secret("foo", {}, [{ Key: "right", Value: "right" }]),
    secret("bar", {}, [{ Key: "right", Value: "wrong" }]),
    secret("baz", {}, [{ Key: "wrong", Value: "right" }]),
  ];
  assert.deepEqual(only(rs, { Key: "name", Values: ["foo", "bar"] }), ["foo", "bar"]);
  assert.deepEqual(only(rs, { Key: "tag-key", Values: ["right"] }, { Key: "tag-value", Values: ["right"] }), ["foo"]);
});

test("a leading ! negates the value", () => {
  const rs = [
    secret("foo", { description: "one two" }),
    secret("baz", { description: "one" }),
    secret("qux", { description: "two" }),
    secret("none", { description: "unrelated" }),
  ];
  assert.deepEqual(only(rs, { Key: "description", Values: ["!o"] }), ["qux", "none"]);
  assert.deepEqual(only(rs, { Key: "name", Values: ["!foo"] }), ["baz", "qux", "none"]);
  assert.deepEqual(only(rs, { Key: "description", Values: ["one", "!two"] }), ["foo", "baz", "none"]);
  const tagged = [secret("t", {}, [{ Key: "env", Value: "prod" }]), secret("u")];
  assert.deepEqual(only(tagged, { Key: "tag-key", Values: ["!env"] }), ["u"]);
});

/** A filter whose Key is outside the model's enum, as this check sees one. */
const unknownKey = (Key: string, Values: string[]) => ({ Key, Values }) as unknown as Filter;

test("an unknown key is a ValidationException naming the enum", () => {
  throwsServiceError(() => filterSecrets([], [unknownKey("invalid", ["foo"])]), "ValidationException",
    /^1 validation error detected: Value 'invalid' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: \[all, name, tag-key, description, tag-value/);
});

test("a missing key or missing values is an InvalidParameterException", () => {
  throwsServiceError(() => filterSecrets([], [{ Values: ["foo"] }]), "InvalidParameterException", "Invalid filter key");
  throwsServiceError(() => filterSecrets([], [{ Key: "description" }]), "InvalidParameterException",
    "Invalid filter values for key: description");
});

test("filter values are checked against the model's pattern, length and count", () => {
  throwsServiceError(() => filterSecrets([], [{ Key: "name", Values: ["a*b"] }]), "ValidationException",
    "1 validation error detected: Value 'a*b' at 'filters.1.member.values.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$");
  throwsServiceError(() => filterSecrets([], [{ Key: "name", Values: ["x".repeat(513)] }]), "ValidationException", /Member must have length less than or equal to 512/);
  throwsServiceError(() => filterSecrets([], [{ Key: "name", Values: Array(11).fill("a") }]), "ValidationException", /at 'filters.1.member.values' .* less than or equal to 10/);
  throwsServiceError(() => filterSecrets([], Array(11).fill({ Key: "name", Values: ["a"] })), "ValidationException", /at 'filters' .* less than or equal to 10/);
  throwsServiceError(() => filterSecrets([], [unknownKey("bad", ["a*"])]), "ValidationException", /^2 validation errors detected: .*; /);
  assert.deepEqual(only([secret("a/b_c+d=e.f@g-h:i j")], { Key: "name", Values: ["a/b_c+d=e.f@g-h:i j"] }), ["a/b_c+d=e.f@g-h:i j"]);
});

test("splitWords breaks at case, digit and punctuation changes", () => {
  assert.deepEqual(splitWords("credsDatabase#892"), ["creds", "database", "892"]);
  assert.deepEqual(splitWords("My_Secret"), ["my", "secret"]);
  assert.deepEqual(splitWords("HTTPServer2go"), ["http", "server", "2", "go"]);
});

test("default order is by creation date, oldest first", () => {
  const a = secret("zeta", { createdDate: 1 });
  const b = secret("alpha", { createdDate: 3 });
  const c = secret("mid", { createdDate: 2 });
  assert.deepEqual(names(sortSecrets([b, a, c])), ["zeta", "mid", "alpha"]);
  assert.deepEqual(names(sortSecrets([b, a, c], undefined, "desc")), ["alpha", "mid", "zeta"]);
});

test("sort by name, last-changed-date and last-accessed-date", () => {
  const a = secret("b", { lastChangedDate: 5, lastAccessedDate: 100 });
  const b = secret("a", { lastChangedDate: 9 });
  const c = secret("C", { lastChangedDate: 1, lastAccessedDate: 50 });
  assert.deepEqual(names(sortSecrets([a, b, c], "name")), ["C", "a", "b"]);
  assert.deepEqual(names(sortSecrets([a, b, c], "name", "desc")), ["b", "a", "C"]);
  assert.deepEqual(names(sortSecrets([a, b, c], "last-changed-date", "desc")), ["a", "b", "C"]);
  assert.deepEqual(names(sortSecrets([a, b, c], "last-accessed-date")), ["a", "C", "b"]);
});

test("equal keys fall back to name so the order is stable", () => {
  const rs = [secret("b", { createdDate: 7 }), secret("a", { createdDate: 7 })];
  assert.deepEqual(names(sortSecrets(rs)), ["a", "b"]);
});

test("invalid SortBy / SortOrder are ValidationExceptions", () => {
  throwsServiceError(() => sortSecrets([], "size"), "ValidationException",
    "1 validation error detected: Value 'size' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [created-date, last-accessed-date, last-changed-date, name]");
  throwsServiceError(() => sortSecrets([], "name", "up"), "ValidationException", /Value 'up' at 'sortOrder'/);
});

test("paginate walks every item exactly once", () => {
  const items = Array.from({ length: 7 }, (_, i) => i);
  const seen: number[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const r = paginate(items, 3, token, 100);
    seen.push(...r.page);
    token = r.nextToken;
    pages++;
  } while (token !== undefined);
  assert.deepEqual(seen, items);
  assert.equal(pages, 3);
});

test("paginate uses the default page size and omits NextToken on the last page", () => {
  const items = Array.from({ length: 5 }, (_, i) => i);
  assert.deepEqual(paginate(items, undefined, undefined, 5), { page: items });
  const first = paginate(items, undefined, undefined, 2);
  assert.deepEqual(first.page, [0, 1]);
  assert.ok(first.nextToken);
  assert.deepEqual(paginate([], 10, undefined, 100), { page: [] });
});

test("a token past the end yields an empty page", () => {
  assert.deepEqual(paginate([1, 2], 10, encodeNextToken(5), 100), { page: [] });
});

test("tokens round-trip and foreign tokens are InvalidNextTokenException", () => {
  assert.equal(decodeNextToken(encodeNextToken(42)), 42);
  for (const bad of ["garbage", "bWVyaWRpYW4tcGFnZTotMQ", Buffer.from("meridian-page:01").toString("base64url"), encodeNextToken(3) + "="]) {
    throwsServiceError(() => paginate([1, 2, 3], 1, bad, 100), "InvalidNextTokenException", MSG_INVALID_NEXT_TOKEN);
  }
  throwsServiceError(() => paginate([1], 1, "", 100), "ValidationException", /at 'nextToken' .* greater than or equal to 1/);
});

test("MaxResults outside 1..100 is a ValidationException", () => {
  throwsServiceError(() => paginate([1], 0, undefined, 100), "ValidationException",
    "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
  throwsServiceError(() => paginate([1], 101, undefined, 100), "ValidationException", /less than or equal to 100/);
});
