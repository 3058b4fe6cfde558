// Console passwords at rest: only an scrypt hash (node:crypto) is kept, with its own salt and cost,
// in one self-describing string, so the cost can rise later without breaking stored hashes.
// Verification compares in constant time.

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const PREFIX = "scrypt";
const COST: Required<Pick<ScryptOptions, "N" | "r" | "p">> = { N: 16_384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, cost: typeof COST): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, { ...cost, maxmem: 64 * 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

/** `scrypt$N$r$p$<salt base64>$<hash base64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, COST);
  return [PREFIX, COST.N, COST.r, COST.p, salt.toString("base64"), key.toString("base64")].join("$");
}

/** Whether `password` is the one `stored` was made from; false for anything not a hash of ours. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [prefix, n, r, p, salt, hash] = stored.split("$");
  if (prefix !== PREFIX || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, "base64");
  const key = await derive(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Whether `password` is any of `hashes` (the password policy's reuse prevention). */
export async function matchesAny(password: string, hashes: readonly string[]): Promise<boolean> {
  for (const h of hashes) if (await verifyPassword(password, h)) return true;
  return false;
}
