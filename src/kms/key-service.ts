// A Region's key service: KMS keys whose material never leaves it unwrapped, and the envelope
// operations the secrets service uses (GenerateDataKey, Decrypt). Its methods are the ones the KMS
// API exposes, so the API layer is a thin translation over them.

import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import type { Clock } from "../util/clock.js";
import { parseArn } from "../util/arn.js";
import type { KeyRepo } from "../store/store.js";
import type { RegionWrapper } from "./root-key.js";
import type { KeyRecord } from "./kms-types.js";
import { canonicalContext, decodeCiphertext, encodeCiphertext } from "./ciphertext.js";
import { aliasNotFound, invalidCiphertext, keyDisabled, keyPendingDeletion, kmsNotFound } from "./kms-errors.js";

export interface KeyServiceDeps {
  store: KeyRepo;
  region: string;
  partition: string;
  wrapper: RegionWrapper;
  clock: Clock;
}

export type EncryptionContext = Record<string, string>;

export function makeKeyService({ store, region, partition, wrapper, clock }: KeyServiceDeps) {
  const materialCache = new Map<string, Buffer>();
  // Key records are read on every Decrypt; every change to one goes through putKey below.
  const keyCache = new Map<string, KeyRecord>();
  async function getKey(arn: string): Promise<KeyRecord | undefined> {
    let key = keyCache.get(arn);
    if (!key) {
      key = await store.getKey(arn);
      if (key) keyCache.set(arn, key);
    }
    return key;
  }
  async function putKey(key: KeyRecord): Promise<void> {
    keyCache.delete(key.arn);
    await store.putKey(key);
  }
  const creatingDefault = new Map<string, Promise<KeyRecord>>();
  const keyArn = (accountId: string, keyId: string) => `arn:${partition}:kms:${region}:${accountId}:key/${keyId}`;
  const aliasArn = (accountId: string, alias: string) => `arn:${partition}:kms:${region}:${accountId}:${alias}`;
  const materialContext = (arn: string, index: number) => `kms-material:${arn}:${index}`;

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

  function usable(key: KeyRecord): KeyRecord {
    if (key.keyState === "Disabled") throw keyDisabled(key.arn);
    if (key.keyState === "PendingDeletion") throw keyPendingDeletion(key.arn);
    return key;
  }

  /** Resolve a key id, key ARN, alias name or alias ARN in this Region and account. */
  async function resolveKey(accountId: string, ref: string): Promise<KeyRecord> {
    let account = accountId;
    let resource = ref;
    if (ref.startsWith("arn:")) {
      const arn = parseArn(ref);
      if (!arn || arn.service !== "kms" || arn.region !== region || arn.partition !== partition) throw kmsNotFound(ref);
      account = arn.accountId;
      resource = arn.resource;
    }
    if (resource.startsWith("alias/")) {
      const alias = await store.getAlias(account, resource);
      if (!alias) {
        if (resource === "alias/aws/secretsmanager" && account === accountId) return defaultKey(accountId);
        throw aliasNotFound(aliasArn(account, resource));
      }
      resource = `key/${alias.targetKeyId}`;
    }
    const keyId = resource.startsWith("key/") ? resource.slice(4) : resource;
    const key = await getKey(keyArn(account, keyId));
    if (!key) throw kmsNotFound(ref.startsWith("arn:") ? ref : keyArn(account, keyId));
    return key;
  }

  async function createKey(accountId: string, init: Partial<KeyRecord> = {}): Promise<KeyRecord> {
    const keyId = randomUUID();
    const arn = keyArn(accountId, keyId);
    const now = clock.now();
    const key: KeyRecord = {
      arn,
      keyId,
      accountId,
      region,
      description: "",
      keyManager: "CUSTOMER",
      keyState: "Enabled",
      keyUsage: "ENCRYPT_DECRYPT",
      keySpec: "SYMMETRIC_DEFAULT",
      creationDate: now,
      multiRegion: false,
      rotationEnabled: false,
      tags: [],
      ...init,
      materials: [{ index: 0, wrapped: wrapper.wrap(randomBytes(32), materialContext(arn, 0)), createdDate: now }],
    };
    await putKey(key);
    return key;
  }

  /** The AWS managed key for Secrets Manager in this account, created on first use. */
  function defaultKey(accountId: string): Promise<KeyRecord> {
    const pending = creatingDefault.get(accountId);
    if (pending) return pending;
    const work = (async () => {
      const alias = await store.getAlias(accountId, "alias/aws/secretsmanager");
      if (alias) {
        const key = await getKey(keyArn(accountId, alias.targetKeyId));
        if (key) return key;
      }
      const key = await createKey(accountId, {
        keyManager: "AWS",
        description: "Default key that protects my Secrets Manager data when no other key is defined",
      });
      const now = clock.now();
      await store.putAlias({ accountId, aliasName: "alias/aws/secretsmanager", targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now });
      return key;
    })().finally(() => creatingDefault.delete(accountId));
    creatingDefault.set(accountId, work);
    return work;
  }

  function seal(key: KeyRecord, plaintext: Buffer, context?: EncryptionContext): Buffer {
    const current = key.materials[key.materials.length - 1];
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", material(key, current.index), iv);
    cipher.setAAD(Buffer.from(`${key.keyId}|${current.index}|${canonicalContext(context)}`));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return encodeCiphertext({ keyId: key.keyId, materialIndex: current.index, iv, tag: cipher.getAuthTag(), body });
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

  async function decrypt(accountId: string, blob: Buffer, context?: EncryptionContext) {
    const parts = decodeCiphertext(blob);
    if (!parts) throw invalidCiphertext();
    const key = await getKey(keyArn(accountId, parts.keyId));
    if (!key) throw invalidCiphertext();
    usable(key);
    try {
      const decipher = createDecipheriv("aes-256-gcm", material(key, parts.materialIndex), parts.iv);
      decipher.setAAD(Buffer.from(`${key.keyId}|${parts.materialIndex}|${canonicalContext(context)}`));
      decipher.setAuthTag(parts.tag);
      return { keyArn: key.arn, plaintext: Buffer.concat([decipher.update(parts.body), decipher.final()]) };
    } catch {
      throw invalidCiphertext();
    }
  }

    function clearCaches() {
    keyCache.clear();
    materialCache.clear();
  }

  return { resolveKey, createKey, defaultKey, encrypt, generateDataKey, decrypt, keyArn, getKey, putKey, clearCaches };
}

export type KeyService = ReturnType<typeof makeKeyService>;
