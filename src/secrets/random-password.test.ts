import { test } from "node:test";
import assert from "node:assert/strict";
import {
  generateRandomPassword,
  LOWERCASE,
  MSG_ALL_EXCLUDED,
  MSG_TOO_SHORT,
  MSG_TYPE_EXCLUDED,
  NUMBERS,
  PUNCTUATION,
  UPPERCASE,
} from "./random-password.js";
import { throwsServiceError } from "../../test/support/service-errors.js";

const has = (s: string, set: string) => [...s].some((c) => set.includes(c));
const only = (s: string, set: string) => [...s].every((c) => set.includes(c));

test("defaults: 32 characters drawn from all four classes, one of each guaranteed", () => {
  for (let i = 0; i < 50; i++) {
    const p = generateRandomPassword({});
    assert.equal(p.length, 32);
    assert.ok(only(p, UPPERCASE + LOWERCASE + NUMBERS + PUNCTUATION));
    for (const set of [UPPERCASE, LOWERCASE, NUMBERS, PUNCTUATION]) assert.ok(has(p, set));
  }
});

test("punctuation set is AWS's 32 characters", () => {
  assert.equal(PUNCTUATION, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
  assert.equal(new Set(PUNCTUATION).size, 32);
});

test("a length of 4 still contains each required type", () => {
  for (let i = 0; i < 200; i++) {
    const p = generateRandomPassword({ PasswordLength: 4 });
    for (const set of [UPPERCASE, LOWERCASE, NUMBERS, PUNCTUATION]) assert.ok(has(p, set), p);
  }
});

test("exclude switches and ExcludeCharacters shape the pool", () => {
  const p = generateRandomPassword({ PasswordLength: 200, ExcludePunctuation: true, ExcludeUppercase: true, ExcludeCharacters: "abc0" });
  assert.ok(only(p, LOWERCASE.slice(3) + NUMBERS.slice(1)));
  assert.ok(has(p, NUMBERS) && has(p, LOWERCASE));
});

test("IncludeSpace adds a space to the pool without requiring one", () => {
  const digitsAndSpace = generateRandomPassword({
    PasswordLength: 500, ExcludeUppercase: true, ExcludeLowercase: true, ExcludePunctuation: true, IncludeSpace: true,
  });
  assert.ok(only(digitsAndSpace, NUMBERS + " ") && digitsAndSpace.includes(" "));
  // one required type (numbers) fits in one character even with a space in the pool
  assert.ok(only(generateRandomPassword({ PasswordLength: 1, ExcludeUppercase: true, ExcludeLowercase: true, ExcludePunctuation: true, IncludeSpace: true }), NUMBERS));
});

test("a space listed in ExcludeCharacters stays out even with IncludeSpace", () => {
  const p = generateRandomPassword({ PasswordLength: 300, IncludeSpace: true, ExcludeCharacters: " " });
  assert.ok(!p.includes(" "));
});

test("RequireEachIncludedType=false allows a short password and an emptied class", () => {
  assert.equal(generateRandomPassword({ PasswordLength: 1, RequireEachIncludedType: false }).length, 1);
  const p = generateRandomPassword({ PasswordLength: 100, RequireEachIncludedType: false, ExcludeCharacters: NUMBERS });
  assert.ok(!has(p, NUMBERS));
});

test("a required class emptied by ExcludeCharacters is refused", () => {
  throwsServiceError(() => generateRandomPassword({ ExcludeCharacters: NUMBERS }), "InvalidParameterException", MSG_TYPE_EXCLUDED);
  assert.equal(MSG_TYPE_EXCLUDED, "All characters of the desired type have been excluded.");
});

test("every class switched off is refused", () => {
  const all = { ExcludeUppercase: true, ExcludeLowercase: true, ExcludeNumbers: true, ExcludePunctuation: true };
  throwsServiceError(() => generateRandomPassword(all), "InvalidParameterException", MSG_ALL_EXCLUDED);
  throwsServiceError(() => generateRandomPassword({ ...all, RequireEachIncludedType: false }), "InvalidParameterException", MSG_ALL_EXCLUDED);
  assert.equal(generateRandomPassword({ ...all, IncludeSpace: true, PasswordLength: 3 }), "   ");
});

test("a length shorter than the number of required types is refused", () => {
  throwsServiceError(() => generateRandomPassword({ PasswordLength: 3 }), "InvalidParameterException", MSG_TOO_SHORT);
  assert.equal(generateRandomPassword({ PasswordLength: 3, ExcludePunctuation: true }).length, 3);
});

test("lengths outside 1..4096 are a ValidationException", () => {
  throwsServiceError(() => generateRandomPassword({ PasswordLength: 0 }), "ValidationException",
    "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: Member must have value greater than or equal to 1");
  throwsServiceError(() => generateRandomPassword({ PasswordLength: 4097 }), "ValidationException",
    "1 validation error detected: Value '4097' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096");
  assert.equal(generateRandomPassword({ PasswordLength: 4096 }).length, 4096);
});

test("the injected source drives every choice", () => {
  // always 0: the first pool character is 'A', so only uppercase-only policies are accepted directly
  assert.equal(generateRandomPassword({ PasswordLength: 5, ExcludeLowercase: true, ExcludeNumbers: true, ExcludePunctuation: true }, () => 0), "AAAAA");
});

test("a source that never satisfies the required types still yields a valid password", () => {
  const p = generateRandomPassword({ PasswordLength: 4 }, () => 0);
  for (const set of [UPPERCASE, LOWERCASE, NUMBERS, PUNCTUATION]) assert.ok(has(p, set), p);
});

test("an out-of-range random source is reported, not used", () => {
  assert.throws(() => generateRandomPassword({}, (n) => n), RangeError);
});

test("characters are spread evenly across the pool", () => {
  const counts = new Map<string, number>();
  const p = generateRandomPassword({ PasswordLength: 4096, ExcludeUppercase: true, ExcludeLowercase: true, ExcludePunctuation: true });
  for (const c of p) counts.set(c, (counts.get(c) ?? 0) + 1);
  assert.equal(counts.size, 10);
  for (const n of counts.values()) assert.ok(n > 300 && n < 520, `digit count ${n}`);
});
