// Access keys per partition: written in the partition's home Region, held in memory for SigV4.
// The bootstrap admin key of the default account is taken from the environment on first start or
// generated, and stored only wrapped by the root key.

import { randomBytes, randomInt } from "node:crypto";
import type { IdentityRepo } from "../store/store.js";
import type { RegionWrapper } from "../kms/root-key.js";
import type { Clock } from "../util/clock.js";

export interface Principal {
  accountId: string;
  principalArn: string;
  secretAccessKey: string;
}

export interface PartitionIdentity {
  partition: string;
  store: IdentityRepo;
  wrapper: RegionWrapper;
}

const KEY_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** The context an access key's secret is wrapped under, in every Region that holds it. */
export const accessKeyWrapContext = (accessKeyId: string) => `access-key:${accessKeyId}`;

export function newAccessKeyId(prefix = "AKIA"): string {
  let id = prefix;
  while (id.length < 20) id += KEY_ID_CHARS[randomInt(KEY_ID_CHARS.length)];
  return id;
}

export function makeCredentialRegistry(partitions: PartitionIdentity[], clock: Clock) {
  const byPartition = new Map<string, Map<string, Principal>>();

  async function load() {
    for (const p of partitions) {
      const keys = new Map<string, Principal>();
      for (const k of await p.store.listAccessKeys()) {
        if (k.status !== "Active") continue;
        const secretAccessKey = p.wrapper.unwrap(k.wrappedSecret, accessKeyWrapContext(k.accessKeyId)).toString("utf8");
        keys.set(k.accessKeyId, { accountId: k.accountId, principalArn: k.principalArn, secretAccessKey });
      }
      byPartition.set(p.partition, keys);
    }
  }

  /**
   * Make sure the default account has its admin key in every partition. Returns the key when it was
   * created now (to be shown once), undefined when it already existed.
   */
  async function bootstrapAdmin(accountId: string, env: NodeJS.ProcessEnv) {
    let created: { accessKeyId: string; secretAccessKey: string; fromEnv: boolean } | undefined;
    for (const p of partitions) {
      const existing = [...(byPartition.get(p.partition)?.values() ?? [])].some((k) => k.accountId === accountId);
      if (existing) continue;
      created ??= env.MERIDIAN_ADMIN_ACCESS_KEY_ID && env.MERIDIAN_ADMIN_SECRET_ACCESS_KEY
        ? { accessKeyId: env.MERIDIAN_ADMIN_ACCESS_KEY_ID, secretAccessKey: env.MERIDIAN_ADMIN_SECRET_ACCESS_KEY, fromEnv: true }
        : { accessKeyId: newAccessKeyId(), secretAccessKey: randomBytes(30).toString("base64"), fromEnv: false };
      const principalArn = `arn:${p.partition}:iam::${accountId}:root`;
      await p.store.putAccessKey({
        accessKeyId: created.accessKeyId,
        accountId,
        principalArn,
        wrappedSecret: p.wrapper.wrap(Buffer.from(created.secretAccessKey, "utf8"), accessKeyWrapContext(created.accessKeyId)),
        status: "Active",
        createdDate: clock.now(),
      });
      byPartition.get(p.partition)?.set(created.accessKeyId, { accountId, principalArn, secretAccessKey: created.secretAccessKey });
    }
    return created;
  }

  function lookup(partition: string, accessKeyId: string): Principal | undefined {
    return byPartition.get(partition)?.get(accessKeyId);
  }

  return { load, bootstrapAdmin, lookup };
}

export type CredentialRegistry = ReturnType<typeof makeCredentialRegistry>;
