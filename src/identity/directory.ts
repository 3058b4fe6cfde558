// The identities of each partition (DESIGN §6), held in memory for SigV4 and policy evaluation and
// written through to the partition's home Region store: accounts, IAM users, groups, roles, managed
// policies and access keys. Changes to a partition run one at a time (`change`), each computed
// from the current state and stored in one transaction before memory is updated.

import { randomBytes, randomInt, randomUUID } from "node:crypto";
import type { IdentityRepo, RegionStore } from "../store/store.js";
import { declareAnswer } from "../store/call-events.js";
import type { RegionWrapper } from "../kms/root-key.js";
import type { Clock } from "../util/clock.js";
import type { AccessKeyRecord, IamAccount, IamEntity, IamEntityKind, IamEntityOf } from "../contract/identity-types.js";
import type { RequestPrincipal } from "../contract/policy-types.js";
import { makeCallerPolicies } from "./caller-policies.js";
import { bindLegacyKey, principalOfKey as keyPrincipal, principalOfSession, type PrincipalLookup } from "./principals.js";
import type { SessionClaims } from "./sessions.js";
import { ServiceError } from "../contract/service-error.js";
import { rootArn } from "../util/arn.js";


type KeyUseListener = (accessKeyId: string, lastUsed: { date: number; region: string; service: string }) => void;
export interface PartitionStore {
  partition: string;
  store: IdentityRepo & Pick<RegionStore, "generations" | "onChange" | "tryLock" | "releaseLock">;
  wrapper: RegionWrapper;
}

interface ActiveKey {
  record: AccessKeyRecord;
  secretAccessKey: string;
}

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** How long a node may hold a partition's lock in the store (`exclusively`) before another may take it: it died. */
const EXCLUSIVE_TTL_MS = 60_000;
/** How often a node waiting for that lock asks again. */
const EXCLUSIVE_RETRY_MS = 50;
/** The context an access key's secret is wrapped under, in every Region that holds it. */
export const accessKeyWrapContext = (accessKeyId: string) => `access-key:${accessKeyId}`;

/** An IAM-style identifier: a four-letter prefix (AKIA, ASIA, AIDA, AROA, AGPA, ANPA) and 16 characters. */
export function newIamId(prefix: string): string {
  let id = prefix;
  while (id.length < 20) id += ID_CHARS[randomInt(ID_CHARS.length)];
  return id;
}
export const newAccessKeyId = (prefix = "AKIA") => newIamId(prefix);
export const newSecretAccessKey = () => randomBytes(30).toString("base64");

type EntityRef = Pick<IamEntity, "accountId" | "kind" | "name">;
const refKey = (e: EntityRef) => `${e.accountId}\u0000${e.kind}\u0000${e.name}`;

/** What one change writes: entities put or removed, access keys put (with their secret) or removed. */
interface IdentityChange {
  put?: IamEntity[];
  remove?: EntityRef[];
  putKeys?: ActiveKey[];
  removeKeys?: string[];
}

function makePartitionDirectory(home: PartitionStore, clock: Clock) {
  const { partition, store, wrapper } = home;
  const entities = new Map<string, IamEntity>();
  /** users, groups, roles and managed policies by unique id: credentials find their principal here */
  const byId = new Map<string, IamEntity>();
  const keys = new Map<string, ActiveKey>();
  const lookup: PrincipalLookup = { partition, byId: (id) => byId.get(id) };
  const callerPolicies = makeCallerPolicies(get, lookup);
  /** principals by access key id, built on first use; emptied with the parsed policies on any change */
  const principalCache = new Map<string, RequestPrincipal>();
  let queue: Promise<unknown> = Promise.resolve();
  /** set when this process holds a copy of the partition's identities: the home Region's name */
  let followerOf: string | undefined;
  const listeners: (() => void)[] = [];
  const useListeners: KeyUseListener[] = [];

  /** the identities generation the copy in memory was read at (store.ts `generations`) */
  let loadedAt: number | undefined;
  let reloading: Promise<void> | undefined;

  /** Read every identity from the store, then replace the copy in memory at once (no await between). */
  async function load() {
    const generation = (await store.generations()).identities;
    const storedEntities = await store.listIamEntities();
    const storedKeys = await store.listAccessKeys();
    entities.clear();
    byId.clear();
    keys.clear();
    callerPolicies.clear();
    principalCache.clear();
    for (const e of storedEntities) putEntity(e);
    for (const stored of storedKeys) {
      const k = bindLegacyKey(stored, (accountId, name) => get(accountId, "user", name));
      const secretAccessKey = wrapper.unwrap(k.wrappedSecret, accessKeyWrapContext(k.accessKeyId)).toString("utf8");
      keys.set(k.accessKeyId, { record: k, secretAccessKey });
    }
    loadedAt = generation;
  }

  /**
   * Undefined when the copy in memory is current; else the copy is read again, after the changes
   * under way here, and the promise resolves once it is. Another process sharing the store (a
   * worker, a node) changed an identity: keys and policies are decided on the new copy only.
   */
  function ensureCurrent(): Promise<void> | undefined {
    const generations = store.generations();
    if (generations instanceof Promise) return generations.then((g) => reloadUnless(g.identities));
    return reloadUnless(generations.identities);
  }

  function reloadUnless(generation: number): Promise<void> | undefined {
    if (generation === loadedAt) return undefined;
    if (!reloading) {
      const run = queue.then(load);
      queue = run.catch(() => undefined);
      reloading = run.finally(() => (reloading = undefined));
    }
    return reloading;
  }

  function putEntity(e: IamEntity) {
    removeEntity(e);
    entities.set(refKey(e), e);
    if ("id" in e) byId.set(e.id, e);
  }

  function removeEntity(ref: EntityRef) {
    const current = entities.get(refKey(ref));
    if (current && "id" in current && byId.get(current.id) === current) byId.delete(current.id);
    entities.delete(refKey(ref));
  }

  function get<K extends IamEntityKind>(accountId: string, kind: K, name: string): IamEntityOf<K> | undefined {
    return entities.get(refKey({ accountId, kind, name })) as IamEntityOf<K> | undefined;
  }

  function list<K extends IamEntityKind>(accountId: string | undefined, kind: K): IamEntityOf<K>[] {
    return [...entities.values()].filter((e): e is IamEntityOf<K> => e.kind === kind && (accountId === undefined || e.accountId === accountId));
  }

  /**
   * Compute a change from the current state and store it; changes of one partition run one after
   * another, so `compute` sees every change made before it. What compute throws reaches the caller
   * and nothing is written.
   */
  function change<T>(compute: () => { change: IdentityChange; result: T }, opts: { from?: "home" | "bootstrap" } = {}): Promise<T> {
    const run = queue.then(async () => {
      // A process not hosting the partition's home Region holds a copy: only the home changes it.
      if (followerOf !== undefined && opts.from === undefined) {
        throw new ServiceError("ServiceFailure", `Identity changes are made in the partition's home Region, ${followerOf}.`, 503);
      }
      const { change: c, result } = compute();
      if (typeof result === "object" && result !== null) declareAnswer(result); // the IAM operation's answer
      for (const k of c.putKeys ?? []) {
        const wrapped = wrapper.wrap(Buffer.from(k.secretAccessKey, "utf8"), accessKeyWrapContext(k.record.accessKeyId));
        await store.putAccessKey({ ...k.record, wrappedSecret: wrapped });
      }
      for (const id of c.removeKeys ?? []) await store.deleteAccessKey(id);
      if (c.put?.length || c.remove?.length) await store.applyIamChanges(c.put ?? [], c.remove ?? []);
      for (const e of c.remove ?? []) removeEntity(e);
      for (const e of c.put ?? []) putEntity(e);
      for (const k of c.putKeys ?? []) keys.set(k.record.accessKeyId, k);
      for (const id of c.removeKeys ?? []) keys.delete(id);
      callerPolicies.clear();
      principalCache.clear();
      for (const listener of listeners) listener();
      return result;
    });
    queue = run.catch(() => undefined);
    return run;
  }

  /** Whether the session was ended by a console sign-out (its issuer, user or root, keeps the list). */
  function signedOut(claims: SessionClaims): boolean {
    const { issuer, principal } = claims;
    const owner = principal.type === "Root" ? get(principal.account, "account", principal.account) : byId.get(issuer.principalId);
    const list = owner && "signedOut" in owner ? owner.signedOut : undefined;
    return list?.some((s) => s.accessKeyId === claims.accessKeyId) ?? false;
  }

  /** A new active access key of the account's root user (its secret is wrapped when stored). */
  function rootKeyRecord(accountId: string, accessKeyId: string): AccessKeyRecord {
    return { accessKeyId, accountId, principalArn: rootArn(partition, accountId), wrappedSecret: Buffer.alloc(0), status: "Active", createdDate: clock.now() };
  }

  /** The caller an active access key stands for; undefined for an unknown or inactive key. */
  function keyFor(accessKeyId: string): ActiveKey | undefined {
    const k = keys.get(accessKeyId);
    return k && k.record.status === "Active" ? k : undefined;
  }

  /** The principal a key signs for, found by its user's unique id; undefined once that user is gone. */
  function principalOfKey(record: AccessKeyRecord): RequestPrincipal | undefined {
    const cached = principalCache.get(record.accessKeyId);
    if (cached) return cached;
    const principal = keyPrincipal(lookup, record);
    if (principal) principalCache.set(record.accessKeyId, principal);
    return principal;
  }

  /**
   * A request was signed with this key: remember when (to the minute), where and for which service,
   * as GetAccessKeyLastUsed reports. Written to the store at most once a minute per key.
   */
  function noteKeyUse(accessKeyId: string, use: { date: number; region: string; service: string }): void {
    const k = keys.get(accessKeyId);
    if (!k) return;
    const date = Math.floor(use.date / 60_000) * 60_000;
    const last = k.record.lastUsed;
    if (last && (last.date > date || (last.date === date && last.region === use.region && last.service === use.service))) return;
    const lastUsed = { date, region: use.region, service: use.service };
    keys.set(accessKeyId, { ...k, record: { ...k.record, lastUsed } });
    store.recordAccessKeyUse(accessKeyId, lastUsed).catch(() => undefined); // a lost note costs nothing
    for (const listener of useListeners) listener(accessKeyId, lastUsed);
  }

  /** Replace every identity with the home Region's copy (a follower process only). */
  function replaceAll(put: IamEntity[], putKeys: ActiveKey[]): Promise<void> {
    // A home of an older version sends keys that name their user only: bind them within its copy.
    const users = new Map(put.filter((e) => e.kind === "user").map((u) => [refKey(u), u as IamEntityOf<"user">]));
    const userNamed = (accountId: string, name: string) => users.get(refKey({ accountId, kind: "user", name }));
    putKeys = putKeys.map((k) => ({ ...k, record: bindLegacyKey(k.record, userNamed) }));
    return change(() => {
      const keep = new Set(putKeys.map((k) => k.record.accessKeyId));
      return {
        change: {
          remove: [...entities.values()].map(({ accountId, kind, name }) => ({ accountId, kind, name })),
          put,
          removeKeys: [...keys.keys()].filter((id) => !keep.has(id)),
          putKeys,
        },
        result: undefined,
      };
    }, { from: "home" });
  }

  /**
   * Run `body` holding the lock `name` in the store, on a copy read again once it is held: of the
   * nodes sharing the store (PostgreSQL's), one at a time, each seeing what those before it stored.
   * A node waits for the lock (polling: the store's locks have leases, not waiters).
   */
  async function exclusively<T>(name: string, body: () => Promise<T>): Promise<T> {
    const owner = randomUUID();
    while (!(await store.tryLock(name, owner, EXCLUSIVE_TTL_MS, clock.now()))) {
      await new Promise((resolve) => setTimeout(resolve, EXCLUSIVE_RETRY_MS));
    }
    try {
      await ensureCurrent();
      return await body();
    } finally {
      await store.releaseLock(name, owner);
    }
  }

  // A store shared with other nodes announces their changes: read the new copy now, before a request
  // needs it (the generation check in ensureCurrent still decides what a request is answered from).
  store.onChange?.((kind) => {
    if (kind === "identities" && loadedAt !== undefined) void ensureCurrent()?.catch(() => undefined);
  });

  return {
    partition,
    load,
    ensureCurrent,
    exclusively,
    get,
    list,
    change,
    replaceAll,
    noteKeyUse,
    /** every entity and key (with its secret), for the copy the home Region sends */
    snapshot: () => ({ entities: [...entities.values()], keys: [...keys.values()] }),
    /** called after every change */
    onChange: (listener: () => void) => void listeners.push(listener),
    /** called when a key's last use, as GetAccessKeyLastUsed reports it, moves on */
    onKeyUse: (listener: KeyUseListener) => void useListeners.push(listener),
    /** make this directory a copy of the one in `homeRegion`'s process */
    follow: (homeRegion: string) => void (followerOf = homeRegion),
    isFollower: () => followerOf !== undefined,
    /** the home Region whose process owns these identities, when this directory is a copy */
    follows: () => followerOf,
    keyFor,
    principalOfKey,
    /** whom a session acts as now, found by its principal's unique id; undefined once that principal is gone */
    sessionPrincipal: (claims: SessionClaims): RequestPrincipal | undefined => (signedOut(claims) ? undefined : principalOfSession(lookup, claims)),
    /** a user's or role's identity-based policies and its permissions boundary */
    policiesOf: callerPolicies.policiesOf,
    /** the session policies sealed into a session */
    sessionPoliciesOf: callerPolicies.sessionPoliciesOf,
    /** a customer managed policy's default version, parsed */
    managedPolicy: callerPolicies.managedPolicy,
    /** every access key of an account (of one user when given), active or not */
    accessKeys(accountId: string, userName?: string): AccessKeyRecord[] {
      return [...keys.values()].map((k) => k.record).filter((r) => r.accountId === accountId && (userName === undefined || r.userName === userName));
    },
    /** a stored key and its secret, active or not (IAM's UpdateAccessKey rewrites the record) */
    storedKey: (accessKeyId: string): ActiveKey | undefined => keys.get(accessKeyId),
    /**
     * A key's last use as GetAccessKeyLastUsed reports it: the later of this process's note and the
     * store's, where the other processes serving the store (workers, nodes) write theirs; a use is
     * not an identity change, so the copy in memory does not follow them.
     */
    async lastUsedOf(accessKeyId: string): Promise<AccessKeyRecord["lastUsed"]> {
      const here = keys.get(accessKeyId)?.record.lastUsed;
      const stored = (await store.getAccessKey(accessKeyId))?.lastUsed;
      return !stored || (here && here.date >= stored.date) ? here : stored;
    },
    accounts: () => list(undefined, "account"),
    hasAccount: (accountId: string) => get(accountId, "account", accountId) !== undefined,
    /** an account and its root access key, in one change */
    createAccount(accountId: string, key: { accessKeyId: string; secretAccessKey: string }, opts: { from?: "bootstrap" } = {}): Promise<void> {
      return change(() => {
        const account: IamAccount = { kind: "account", accountId, name: accountId, createDate: clock.now() };
        const record = rootKeyRecord(accountId, key.accessKeyId);
        return { change: { put: [account], putKeys: [{ record, secretAccessKey: key.secretAccessKey }] }, result: undefined };
      }, opts);
    },
    /**
     * The account's root user gets `key` as its only access key (`meridian admin reset-key`, when
     * the admin key is lost): every other root key of the account is deleted. Returns their ids.
     */
    replaceRootKeys(accountId: string, key: { accessKeyId: string; secretAccessKey: string }): Promise<string[]> {
      return change(() => {
        const revoked = [...keys.values()].filter((k) => k.record.accountId === accountId && k.record.userName === undefined).map((k) => k.record.accessKeyId);
        const record = rootKeyRecord(accountId, key.accessKeyId);
        const account: IamAccount[] = get(accountId, "account", accountId) ? [] : [{ kind: "account", accountId, name: accountId, createDate: clock.now() }];
        return { change: { put: account, putKeys: [{ record, secretAccessKey: key.secretAccessKey }], removeKeys: revoked }, result: revoked };
      });
    },
  };
}

export type PartitionDirectory = ReturnType<typeof makePartitionDirectory>;

/** Every partition's directory, and the bootstrap of the default account's admin key. */
export function makeIdentityDirectory(homes: PartitionStore[], clock: Clock) {
  const partitions = new Map(homes.map((h) => [h.partition, makePartitionDirectory(h, clock)]));

  return {
    partition: (name: string) => partitions.get(name),
    all: () => [...partitions.values()],
    async load() {
      for (const p of partitions.values()) await p.load();
    },
    /** undefined when every partition's copy is current; else resolves once each is (PartitionDirectory.ensureCurrent) */
    ensureCurrent(): Promise<void> | undefined {
      let pending: Promise<void>[] | undefined;
      for (const p of partitions.values()) {
        const reload = p.ensureCurrent();
        if (reload) (pending ??= []).push(reload);
      }
      return pending && Promise.all(pending).then(() => undefined);
    },
    /**
     * Make sure the default account exists with its admin key in every partition this process owns
     * (not those it follows). Returns the key when it was created now (to be shown once), undefined
     * when it already existed.
     */
    async bootstrapAdmin(accountId: string, env: NodeJS.ProcessEnv) {
      let created: { accessKeyId: string; secretAccessKey: string; fromEnv: boolean } | undefined;
      for (const p of partitions.values()) {
        // A copy of another process's identities: the admin key is that process's, and arrives with
        // the copy. One made here would be replaced by the copy, and a printed key would not work.
        if (p.isFollower()) continue;
        // Nodes of one Region sharing its store (PostgreSQL) may start at the same instant: the key
        // is made under a lock in the store, after the identities are read again, so only the first
        // node makes (and prints) one; the others find it.
        await p.exclusively(`identities/bootstrap-admin/${accountId}`, async () => {
          const hasKey = p.accessKeys(accountId).some((k) => k.userName === undefined);
          if (hasKey) {
            // Stores from before accounts were recorded: the account is the one its key names.
            if (!p.hasAccount(accountId)) {
              await p.change(() => ({ change: { put: [{ kind: "account", accountId, name: accountId, createDate: clock.now() }] }, result: undefined }), { from: "bootstrap" });
            }
            return;
          }
          created ??= env.MERIDIAN_ADMIN_ACCESS_KEY_ID && env.MERIDIAN_ADMIN_SECRET_ACCESS_KEY
            ? { accessKeyId: env.MERIDIAN_ADMIN_ACCESS_KEY_ID, secretAccessKey: env.MERIDIAN_ADMIN_SECRET_ACCESS_KEY, fromEnv: true }
            : { accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey(), fromEnv: false };
          await p.createAccount(accountId, created, { from: "bootstrap" });
        });
      }
      return created;
    },
  };
}

export type IdentityDirectory = ReturnType<typeof makeIdentityDirectory>;
