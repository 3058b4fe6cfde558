// A Region's key service: KMS keys whose material never leaves it unwrapped, and the cryptographic
// operations over them. The KMS API (kms/ops/) and the secrets service both call it; only this
// module ever sees unwrapped key material, except to seal it to another Region's transport key for
// a related multi-Region key there (sealMaterials).

import { randomBytes, randomUUID } from "node:crypto";
import { open, seal as gcmSeal } from "../util/aes-gcm.js";
import type { Clock } from "../util/clock.js";
import { days } from "../util/clock.js";
import { kmsArn, parseArn } from "../util/arn.js";
import { asSideEffect } from "../store/call-events.js";
import type { KeyRepo, RegionStore } from "../store/store.js";
import type { RegionWrapper } from "./root-key.js";
import type { KeyMaterial, KeyRecord } from "../contract/kms-types.js";
import { canonicalContext, decodeCiphertext, encodeCiphertext } from "./ciphertext.js";
import {
  aliasNotFound, incorrectKey, invalidArnRegion, invalidCiphertext, invalidKeyId, keyDisabled, keyPendingDeletion, keyPendingReplicaDeletion,
  kmsNotFound,
} from "./kms-errors.js";
import { secretsManagerKeyPolicy } from "./key-policies.js";

export interface KeyServiceDeps {
  /** the Region's keys, and the change counters that say when another process changed one */
  store: KeyRepo & Pick<RegionStore, "generations">;
  region: string;
  partition: string;
  wrapper: RegionWrapper;
  clock: Clock;
}

export type EncryptionContext = Record<string, string>;

export const DEFAULT_SECRETS_ALIAS = "alias/aws/secretsmanager";
const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** The wrapping context of a key's material: wrapped material only unwraps for its own key and index. */
export const materialWrapContext = (keyArn: string, index: number) => `kms-material:${keyArn}:${index}`;

export function makeKeyService({ store, region, partition, wrapper, clock }: KeyServiceDeps) {
  const materialCache = new Map<string, Buffer>();
  // Key records are read on every Decrypt; every change to one goes through putKey below.
  const keyCache = new Map<string, KeyRecord>();
  const creatingDefault = new Map<string, Promise<KeyRecord>>();
  // Changes to a key that read it, wait on another Region, then write it run one at a time per key.
  const keyLocks = new Map<string, Promise<unknown>>();
  // Decrypted data keys, so repeated reads of a secret version cost one AES-GCM operation; the
  // key's state is still checked on every use, and the cache only holds what the process could
  // already derive from the unwrapped key material it holds.
  const decrypted = new Map<string, { plaintext: Buffer; materialId: string }>();
  const MAX_DECRYPTED = 10_000;
  const keyArn = (accountId: string, keyId: string) => kmsArn(partition, region, accountId, `key/${keyId}`);
  const aliasArn = (accountId: string, alias: string) => kmsArn(partition, region, accountId, alias);
  const materialContext = materialWrapContext;

  /** the generation of keys the cache holds: another process's change empties it (issue 14) */
  let cachedAt: number | undefined;
  async function getKey(arn: string): Promise<KeyRecord | undefined> {
    const generation = (await store.generations()).keys;
    if (generation !== cachedAt) {
      keyCache.clear();
      cachedAt = generation;
    }
    let key = keyCache.get(arn);
    if (!key) {
      key = await store.getKey(arn);
      if (key) keyCache.set(arn, key);
    }
    return key;
  }

  async function putKey(key: KeyRecord): Promise<KeyRecord> {
    keyCache.delete(key.arn);
    await store.putKey(key);
    // a read that started before the write and finishes after it must not leave the old record cached
    keyCache.set(key.arn, key);
    return key;
  }

  /** Run `work` alone among the exclusive work on this key (read, maybe ask another Region, write). */
  function exclusive<T>(arn: string, work: () => Promise<T>): Promise<T> {
    const previous = keyLocks.get(arn) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.then(() => undefined, () => undefined);
    keyLocks.set(arn, settled);
    void settled.then(() => {
      if (keyLocks.get(arn) === settled) keyLocks.delete(arn);
    });
    return run;
  }

  async function deleteKey(key: KeyRecord): Promise<void> {
    keyCache.delete(key.arn);
    for (const m of key.materials) materialCache.delete(`${key.arn}#${m.index}`);
    for (const cacheKey of decrypted.keys()) {
      if (cacheKey.slice(cacheKey.indexOf("|") + 1).startsWith(`${key.keyId}|`)) decrypted.delete(cacheKey);
    }
    for (const cached of decrypted.keys()) if (cached.includes(`|${key.keyId}|`)) decrypted.delete(cached);
    await store.deleteKey(key.arn);
  }

  function material(key: KeyRecord, index: number): Buffer {
    const cacheKey = `${key.arn}#${index}`;
    let plain = materialCache.get(cacheKey);
    if (!plain) {
      const m = key.materials.find((x) => x.index === index);
      if (!m) throw invalidCiphertext();
      plain = wrapper.unwrap(m.wrapped, materialContext(key.arn, index));
      materialCache.set(cacheKey, plain);
    }
    return plain;
  }

  /**
   * Each of `key`'s materials, unwrapped for `seal` alone (to seal it to another Region's transport
   * key for a related multi-Region key there) and wiped as soon as `seal` returns.
   */
  function sealMaterials<T>(key: KeyRecord, seal: (plaintext: Buffer, m: KeyMaterial) => T): T[] {
    return key.materials.map((m) => {
      const plain = Buffer.from(material(key, m.index));
      try {
        return seal(plain, m);
      } finally {
        plain.fill(0);
      }
    });
  }

  /** Material of a related multi-Region key in another Region, wrapped for the key `arn` here; wipes `plaintext`. */
  function adoptMaterial(arn: string, m: Omit<KeyMaterial, "wrapped">, plaintext: Buffer): KeyMaterial {
    try {
      return { ...m, wrapped: wrapper.wrap(plaintext, materialContext(arn, m.index)) };
    } finally {
      plaintext.fill(0);
    }
  }

  function newMaterial(arn: string, index: number, rotationType?: KeyMaterial["rotationType"]): KeyMaterial {
    return {
      index,
      id: randomBytes(32).toString("hex"),
      wrapped: wrapper.wrap(randomBytes(32), materialContext(arn, index)),
      createdDate: clock.now(),
      rotationType,
    };
  }

  function usable(key: KeyRecord): KeyRecord {
    if (key.keyState === "Disabled") throw keyDisabled(key.arn);
    if (key.keyState === "PendingDeletion") throw keyPendingDeletion(key.arn);
    if (key.keyState === "PendingReplicaDeletion") throw keyPendingReplicaDeletion(key.arn);
    return key;
  }

  /** Resolve a key id, key ARN, alias name or alias ARN in this Region, for the caller's account. */
  async function resolveKey(accountId: string, ref: string): Promise<KeyRecord> {
    let account = accountId;
    let resource = ref;
    if (ref.startsWith("arn:")) {
      const arn = parseArn(ref);
      if (!arn || arn.service !== "kms" || arn.partition !== partition) throw kmsNotFound(ref);
      if (arn.region !== region) throw invalidArnRegion(arn.region);
      account = arn.accountId;
      resource = arn.resource;
    }
    if (resource.startsWith("alias/")) {
      const alias = await store.getAlias(account, resource);
      if (!alias) {
        if (resource === DEFAULT_SECRETS_ALIAS && account === accountId) return defaultKey(accountId);
        throw aliasNotFound(aliasArn(account, resource));
      }
      resource = `key/${alias.targetKeyId}`;
    }
    const keyId = resource.startsWith("key/") ? resource.slice(4) : resource;
    if (!ref.startsWith("arn:") && !KEY_ID.test(keyId)) throw invalidKeyId(keyId);
    const key = await getKey(keyArn(account, keyId));
    if (!key) throw kmsNotFound(keyArn(account, keyId));
    return key;
  }

  /** A new key with fresh material, not yet stored; `init.multiRegion` makes it a multi-Region primary key (id mrk-…). */
  function newKey(accountId: string, init: Partial<KeyRecord> = {}): KeyRecord {
    const keyId = init.multiRegion ? `mrk-${randomBytes(16).toString("hex")}` : randomUUID();
    const arn = keyArn(accountId, keyId);
    return {
      arn,
      keyId,
      accountId,
      region,
      description: "",
      keyManager: "CUSTOMER",
      keyState: "Enabled",
      keyUsage: "ENCRYPT_DECRYPT",
      keySpec: "SYMMETRIC_DEFAULT",
      creationDate: clock.now(),
      multiRegion: false,
      rotationEnabled: false,
      tags: [],
      ...init,
      multiRegionConfig: init.multiRegion ? { primaryRegion: region, replicaRegions: [], revision: 1 } : undefined,
      materials: [newMaterial(arn, 0)],
    };
  }

  /** A new key, stored. */
  function createKey(accountId: string, init: Partial<KeyRecord> = {}): Promise<KeyRecord> {
    return putKey(newKey(accountId, init));
  }

  /** The AWS managed key for Secrets Manager in this account, created on first use. */
  function defaultKey(accountId: string): Promise<KeyRecord> {
    const pending = creatingDefault.get(accountId);
    if (pending) return pending;
    // the key is not the change of the call that first needs it (nor of the calls that wait for it)
    const work = asSideEffect(async () => {
      const alias = await store.getAlias(accountId, DEFAULT_SECRETS_ALIAS);
      if (alias) {
        const key = await getKey(keyArn(accountId, alias.targetKeyId));
        if (key) return key;
      }
      // AWS managed keys rotate every year, and users cannot change that.
      const now = clock.now();
      const key = await createKey(accountId, {
        keyManager: "AWS",
        description: "Default key that protects my Secrets Manager data when no other key is defined",
        policy: secretsManagerKeyPolicy(partition, region, accountId),
        rotationEnabled: true,
        rotationPeriodInDays: 365,
        nextRotationDate: now + days(365),
      });
      await store.putAlias({ accountId, aliasName: DEFAULT_SECRETS_ALIAS, targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now });
      return key;
    }).finally(() => creatingDefault.delete(accountId));
    creatingDefault.set(accountId, work);
    return work;
  }

  /** `key` with fresh key material; earlier ciphertexts stay decryptable with the material they name. */
  function withNewMaterial(key: KeyRecord, type: "AUTOMATIC" | "ON_DEMAND"): KeyRecord {
    const index = Math.max(...key.materials.map((m) => m.index)) + 1;
    return { ...key, materials: [...key.materials, newMaterial(key.arn, index, type)] };
  }

  function rotateMaterial(key: KeyRecord, type: "AUTOMATIC" | "ON_DEMAND"): Promise<KeyRecord> {
    return putKey(withNewMaterial(key, type));
  }

  const currentMaterial = (key: KeyRecord) => key.materials[key.materials.length - 1];

  function seal(key: KeyRecord, plaintext: Buffer, context?: EncryptionContext): Buffer {
    const current = currentMaterial(key);
    const aad = `${key.keyId}|${current.index}|${canonicalContext(context)}`;
    return encodeCiphertext({ keyId: key.keyId, materialIndex: current.index, ...gcmSeal(material(key, current.index), plaintext, aad) });
  }

  async function encrypt(accountId: string, keyRef: string, plaintext: Buffer, context?: EncryptionContext) {
    const key = usable(await resolveKey(accountId, keyRef));
    return { keyArn: key.arn, ciphertextBlob: seal(key, plaintext, context) };
  }

  async function generateDataKey(accountId: string, keyRef: string, context?: EncryptionContext, numberOfBytes = 32) {
    const key = usable(await resolveKey(accountId, keyRef));
    const plaintext = randomBytes(numberOfBytes);
    return { keyArn: key.arn, plaintext, ciphertextBlob: seal(key, plaintext, context) };
  }

  /** Decrypt a blob made by this Region's key service; `keyRef`, when given, must name its key. */
  async function decrypt(accountId: string, blob: Buffer, context?: EncryptionContext, keyRef?: string) {
    const named = keyRef === undefined ? undefined : await resolveKey(accountId, keyRef);
    const parts = decodeCiphertext(blob);
    if (!parts) throw invalidCiphertext();
    // A blob naming no key of this account is not one of ours (or its key was deleted): either way
    // nothing here can decrypt it.
    // Another account's key is reached only by naming it (KeyId), as its key policy allowed.
    const key = await getKey(keyArn(named?.accountId ?? accountId, parts.keyId));
    if (!key) throw invalidCiphertext();
    if (named !== undefined && named.arn !== key.arn) throw incorrectKey();
    usable(key);
    const aad = `${key.keyId}|${parts.materialIndex}|${canonicalContext(context)}`;
    const cacheKey = `${blob.toString("base64")}|${aad}`;
    let hit = decrypted.get(cacheKey);
    if (!hit) {
      let plaintext: Buffer;
      try {
        plaintext = open(material(key, parts.materialIndex), parts, aad);
      } catch {
        throw invalidCiphertext();
      }
      hit = { plaintext, materialId: key.materials.find((m) => m.index === parts.materialIndex)!.id };
      if (plaintext.length <= 64) {
        if (decrypted.size >= MAX_DECRYPTED) decrypted.delete(decrypted.keys().next().value as string);
        decrypted.set(cacheKey, hit);
      }
    }
    // a copy: callers wipe what they are given
    return { keyArn: key.arn, plaintext: Buffer.from(hit.plaintext), materialId: hit.materialId };
  }

  function clearCaches() {
    keyCache.clear();
    materialCache.clear();
    decrypted.clear();
  }

  return {
    keyArn, aliasArn, getKey, putKey, exclusive, deleteKey, resolveKey, newKey, createKey, defaultKey, withNewMaterial, rotateMaterial,
    currentMaterial, sealMaterials, adoptMaterial, usable, encrypt, generateDataKey, decrypt, clearCaches,
  };
}

export type KeyService = ReturnType<typeof makeKeyService>;
