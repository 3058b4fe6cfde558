// What every Secrets Manager operation shares: finding a secret, committing a change with an
// optimistic retry, and turning request values into sealed versions. Operations live in ops/.

import { declareAnswer } from "../store/call-events.js";
import { randomUUID } from "node:crypto";
import type { Clock } from "../util/clock.js";
import { StoreConflict, type ReplicationRepo, type SecretCommit, type SecretRepo } from "../store/store.js";
import type { KeyService } from "../kms/key-service.js";
import type { CallContext } from "../contract/call-context.js";
import type { SealedValue, SecretRecord } from "../contract/secret-types.js";
import { findSecret } from "./secret-lookup.js";
import { openValue, sealValue, type SecretValue } from "./envelope.js";
import { bothValues, decryptionFailure, encryptionFailure, markedForDeletion, secretNotFound, secretsError } from "./secret-errors.js";
import { ServiceError } from "../contract/service-error.js";

export interface SecretsDeps {
  store: SecretRepo & ReplicationRepo;
  keys: Pick<KeyService, "generateDataKey" | "decrypt" | "resolveKey" | "usable">;
  clock: Clock;
  newVersionId?: () => string;
  /** the replication side of this Region; absent where nothing replicates (unit tests) */
  replication?: SecretsReplication;
  /** starts a rotation RotateSecret opened (the rotation engine, issue 13); absent: none runs */
  rotation?: RotationStarter;
  /** where in its window a scheduled rotation starts: [0, 1), Math.random by default */
  random?: () => number;
}

interface RotationStarter {
  /** run the rotation of `arn` whose AWSPENDING version is `token`, in the background */
  start(arn: string, token: string): void;
  /** whether the function can be invoked for `secret` (built in, or known to the Lambda endpoint) */
  canInvoke(lambdaArn: string, secret: SecretRecord): Promise<boolean>;
  /** test the rotation configuration of `arn` (its function's testSecret step), in the background */
  test(arn: string, token: string): void;
  /** a manual change abandoned the rotation in progress on `secret`: record it */
  abandoned(secret: SecretRecord): Promise<void>;
}

export interface SecretsReplication {
  /** the partition of a Region of the topology, undefined for an unknown Region */
  partitionOf(region: string): string | undefined;
  /** a committed change queued outbox entries: deliver them now */
  kick(): void;
  /** tell the old primary that its replica here was promoted (best effort; refusals also tell it) */
  notifyPromoted(record: SecretRecord, oldPrimaryRegion: string): void;
}

const DEFAULT_KEY = "alias/aws/secretsmanager";
const MAX_ATTEMPTS = 8;

export interface Change<T> {
  record: SecretRecord;
  putValues?: SealedValue[];
  deleteValues?: string[];
  /** replica Regions whose replica must be deleted (RemoveRegionsFromReplication) */
  removeRegions?: string[];
  result: T;
}

/** An outcome that writes nothing (an idempotent retry, a no-op). */
export interface NoChange<T> {
  result: T;
  record?: undefined;
  putValues?: undefined;
  deleteValues?: undefined;
  removeRegions?: undefined;
}

export function makeSecretsCore(deps: SecretsDeps) {
  const { store, keys, clock } = deps;

  async function lookup(ctx: CallContext, secretId: string, opts: { allowDeleted?: boolean } = {}) {
    const record = await findSecret(store, ctx, secretId);
    if (!record) throw secretNotFound();
    if (record.deletedDate !== undefined && !opts.allowDeleted) throw markedForDeletion();
    return record;
  }

  /**
   * Read the secret, compute the change, commit it against the revision read. Another writer in
   * between makes the commit fail; then the change is computed again from the new state.
   * `mutate` returns undefined when there is nothing to write. Its result is the call's answer,
   * declared before the commit so the call's audit event commits with the change (unless
   * `answers` is false: a result the handler turns into its answer afterwards).
   */
  async function update<T>(
    ctx: CallContext,
    secretId: string,
    mutate: (current: SecretRecord) => Promise<Change<T> | NoChange<T>>,
    opts: { allowDeleted?: boolean; allowReplica?: boolean; answers?: boolean } = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const current = await lookup(ctx, secretId, opts);
      if (!opts.allowReplica) notReplica(current);
      const change = await mutate(current);
      if (!change.record) return change.result;
      if (opts.answers !== false && typeof change.result === "object" && change.result !== null) declareAnswer(change.result);
      try {
        await commit({ ...change, record: { ...change.record, revision: current.revision + 1 } }, current.revision);
        return change.result;
      } catch (e) {
        if (!(e instanceof StoreConflict) || attempt >= MAX_ATTEMPTS) throw e;
      }
    }
  }

  /** Every change to a primary is queued for each of its replica Regions in the same commit. */
  async function commit(change: Change<unknown>, expectedRevision: number) {
    const outbox: SecretCommit["outbox"] = [
      ...(change.record.replicas ?? []).map((r) => ({ region: r.region, op: "sync" as const })),
      ...(change.removeRegions ?? []).map((region) => ({ region, op: "remove" as const })),
    ];
    const c: SecretCommit = {
      record: change.record,
      expectedRevision,
      putValues: change.putValues,
      deleteValues: change.deleteValues,
      outbox,
      at: clock.now(),
    };
    await store.commitSecret(c);
    if (outbox.length > 0) deps.replication?.kick();
  }

  /** The value a request carries in SecretString or SecretBinary, if any. */
  function requestValue(input: { SecretString?: string; SecretBinary?: string }): SecretValue | undefined {
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) throw bothValues();
    if (input.SecretString !== undefined) return { kind: "string", bytes: Buffer.from(input.SecretString, "utf8") };
    if (input.SecretBinary !== undefined) return { kind: "binary", bytes: Buffer.from(input.SecretBinary, "base64") };
    return undefined;
  }

  async function seal(ctx: CallContext, record: SecretRecord, versionId: string, value: SecretValue) {
    if (record.accountId !== ctx.accountId && record.kmsKeyId === undefined) throw kmsNotAllowed();
    return kmsFailureAs(encryptionFailure, () =>
      sealValue(keys, record.accountId, record.kmsKeyId ?? DEFAULT_KEY, record.arn, versionId, value),
    );
  }

  async function open(ctx: CallContext, record: SecretRecord, versionId: string): Promise<SecretValue | undefined> {
    // Another account's secret is readable only under a customer managed key: no one can grant
    // access to an account's aws/secretsmanager key, so KMS refuses Secrets Manager, as on AWS.
    if (record.accountId !== ctx.accountId && record.kmsKeyId === undefined) throw kmsNotAllowed();
    const sealed = await store.getValue(record.arn, versionId);
    return sealed && kmsFailureAs(decryptionFailure, () => openValue(keys, record.accountId, record.arn, sealed));
  }

  /** A key a secret may use: in this Region and account, enabled. */
  async function checkKey(ctx: CallContext, keyRef: string): Promise<void> {
    const key = await kmsFailureAs(encryptionFailure, async () => keys.usable(await keys.resolveKey(ctx.accountId, keyRef)));
    // No key policy here lets another account use a key, so KMS refuses Secrets Manager as on AWS.
    if (key.accountId !== ctx.accountId) throw kmsNotAllowed();
  }

  const newVersionId = deps.newVersionId ?? randomUUID;

  const random = deps.random ?? Math.random;

  return {
    store, keys, clock, lookup, update, commit, requestValue, seal, open, checkKey, newVersionId, random,
    replication: deps.replication,
    rotation: deps.rotation,
  };
}

export type SecretsCore = ReturnType<typeof makeSecretsCore>;

const kmsNotAllowed = () => new ServiceError("AccessDeniedException", "Access to KMS is not allowed");

/** The key service's refusals (key disabled, pending deletion, missing) as Secrets Manager reports them. */
async function kmsFailureAs<T>(failure: () => ServiceError, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ServiceError && KMS_REFUSALS.has(e.code)) throw failure();
    throw e;
  }
}

const KMS_REFUSALS = new Set([
  "NotFoundException", "DisabledException", "KMSInvalidStateException", "InvalidCiphertextException", "IncorrectKeyException",
]);

export const isReplica = (record: SecretRecord) => record.primaryRegion !== undefined && record.primaryRegion !== record.region;

/** Every write but promotion is refused on a replica (DESIGN §5.10). */
export function notReplica(record: SecretRecord): SecretRecord {
  if (isReplica(record)) {
    throw secretsError(
      "InvalidParameterException",
      "Operation not permitted on a replica secret. Call must be made in primary secret's region.",
    );
  }
  return record;
}

export const sameValue = (a: SecretValue, b: SecretValue) => a.kind === b.kind && a.bytes.equals(b.bytes);
/** A stored time (epoch milliseconds) as the Date an output's timestamp member carries. */
export function dateOf(ms: number): Date;
export function dateOf(ms: number | undefined): Date | undefined;
export function dateOf(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}
