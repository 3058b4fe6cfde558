// CreateAccount (`POST /_meridian/accounts`, what `meridian accounts create` calls): a new account in
// every partition, under a fresh random 12-digit id no partition knows yet, with one root access
// key. Who may ask is decided before this runs (edge/operator-accounts.ts: the operator account only).

import { answering } from "../store/call-events.js";
import { randomInt } from "node:crypto";
import { newAccessKeyId, newSecretAccessKey, type IdentityDirectory } from "../identity/directory.js";

export interface CreatedAccount {
  AccountId: string;
  AccessKeyId: string;
  SecretAccessKey: string;
}

export async function createAccount(identity: Pick<IdentityDirectory, "all">, random: (max: number) => number = randomInt): Promise<CreatedAccount> {
  const partitions = identity.all();
  let accountId: string;
  do {
    // 1e12 is within randomInt's range (below 2^48); ids may start with 0, as AWS's do.
    accountId = String(random(1e12)).padStart(12, "0");
  } while (partitions.some((p) => p.hasAccount(accountId)));
  const key = { accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() };
  const answer: CreatedAccount = { AccountId: accountId, AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey };
  return answering(answer, async () => {
    for (const p of partitions) await p.createAccount(accountId, key);
  });
}
