// GetRandomPassword: builds a password from AWS's character classes under the request's
// switches. Pure apart from the random source, which is injectable so tests can pin it.

import { randomInt as cryptoRandomInt } from "node:crypto";
import { invalidParameter, validation } from "../contract/service-error.js";
import type { GetRandomPasswordRequest } from "../generated/secretsmanager-api.js";

/** Returns an integer in [0, maxExclusive), uniformly. */
export type RandomIntSource = (maxExclusive: number) => number;

const DEFAULT_PASSWORD_LENGTH = 32;
const MIN_PASSWORD_LENGTH = 1;
const MAX_PASSWORD_LENGTH = 4096;
const MAX_EXCLUDE_CHARACTERS_LENGTH = 4096;

export const UPPERCASE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const LOWERCASE = "abcdefghijklmnopqrstuvwxyz";
export const NUMBERS = "0123456789";
/** Exactly the set the API reference lists for ExcludePunctuation (32 characters). */
export const PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

// Messages as reported for GetRandomPassword / GenerateSecretString (see the report for sources).
export const MSG_TYPE_EXCLUDED = "All characters of the desired type have been excluded.";
export const MSG_ALL_EXCLUDED = "All characters have been excluded from selection.";
export const MSG_TOO_SHORT = "Password length is too short based on the required types.";

// Rejection sampling below keeps every valid password equally likely. Even the worst pool AWS
// inputs allow (three one-character classes) accepts about 1 draw in 2,200, so this cap is
// only a guard against a broken random source; past it we fall back to placing one character
// of each required class at a random position.
const MAX_ATTEMPTS = 100_000;

export function generateRandomPassword(
  input: GetRandomPasswordRequest,
  randomInt: RandomIntSource = cryptoRandomInt,
): string {
  const length = input.PasswordLength ?? DEFAULT_PASSWORD_LENGTH;
  if (!Number.isInteger(length) || length < MIN_PASSWORD_LENGTH) {
    throw validation(constraintMessage(length, "passwordLength", `Member must have value greater than or equal to ${MIN_PASSWORD_LENGTH}`));
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw validation(constraintMessage(length, "passwordLength", `Member must have value less than or equal to ${MAX_PASSWORD_LENGTH}`));
  }
  const exclude = input.ExcludeCharacters ?? "";
  if (exclude.length > MAX_EXCLUDE_CHARACTERS_LENGTH) {
    throw validation(constraintMessage(exclude, "excludeCharacters", `Member must have length less than or equal to ${MAX_EXCLUDE_CHARACTERS_LENGTH}`));
  }

  const excluded = new Set(exclude);
  const keep = (chars: string) => [...chars].filter((c) => !excluded.has(c));
  const included: string[][] = [];
  if (!input.ExcludeUppercase) included.push(keep(UPPERCASE));
  if (!input.ExcludeLowercase) included.push(keep(LOWERCASE));
  if (!input.ExcludeNumbers) included.push(keep(NUMBERS));
  if (!input.ExcludePunctuation) included.push(keep(PUNCTUATION));

  // A space widens the pool but is never one of the required types.
  const requireEach = input.RequireEachIncludedType ?? true;
  const required = requireEach ? included : [];
  if (required.some((chars) => chars.length === 0)) throw invalidParameter(MSG_TYPE_EXCLUDED);

  const pool = included.flat();
  if (input.IncludeSpace && !excluded.has(" ")) pool.push(" ");
  if (pool.length === 0) throw invalidParameter(MSG_ALL_EXCLUDED);
  if (required.length > length) throw invalidParameter(MSG_TOO_SHORT);

  const requiredSets = required.map((chars) => new Set(chars));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const chars = Array.from({ length }, () => pool[pick(randomInt, pool.length)]!);
    if (requiredSets.every((set) => chars.some((c) => set.has(c)))) return chars.join("");
  }
  return placeRequired(length, pool, required, randomInt);
}

function placeRequired(length: number, pool: string[], required: string[][], randomInt: RandomIntSource): string {
  const chars = Array.from({ length }, () => pool[pick(randomInt, pool.length)]!);
  // Fisher-Yates over the positions, then give the first few positions one char of each class.
  const positions = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = pick(randomInt, i + 1);
    [positions[i], positions[j]] = [positions[j]!, positions[i]!];
  }
  required.forEach((set, k) => {
    chars[positions[k]!] = set[pick(randomInt, set.length)]!;
  });
  return chars.join("");
}

function pick(randomInt: RandomIntSource, maxExclusive: number): number {
  const n = randomInt(maxExclusive);
  if (!Number.isInteger(n) || n < 0 || n >= maxExclusive) {
    throw new RangeError(`random source returned ${n} outside [0, ${maxExclusive})`);
  }
  return n;
}

function constraintMessage(value: unknown, member: string, constraint: string): string {
  return `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`;
}
