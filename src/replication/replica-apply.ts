// The receiving side of replication (DESIGN §5.4): apply a primary's state to the replica in this
// Region, only if it is newer; unseal each new value and encrypt it under this Region's own KMS key.
// Also removal of a replica, and the notice that a replica was promoted.

import type { KeyObject } from "node:crypto";
import { ServiceError } from "../contract/service-error.js";
import type { KeyService } from "../kms/key-service.js";
import { DEFAULT_SECRETS_ALIAS } from "../kms/key-service.js";
import { sealValue } from "../secrets/envelope.js";
import { isReplica } from "../secrets/secrets-core.js";
import { CURRENT, PENDING, PREVIOUS } from "../secrets/labels.js";
import type { SealedValue, SecretRecord } from "../contract/secret-types.js";
import { StoreConflict, type ReplicationRepo, type SecretRepo } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { openFromRegion, valueAad } from "./sealed-transfer.js";
import { NAME_TAKEN, type ApplyOutcome, type PromotedNotice, type RemoveMessage, type SecretMessage, type SyncMessage } from "./replication-types.js";

export interface ApplyDeps {
  region: string;
  store: SecretRepo & ReplicationRepo;
  keys: Pick<KeyService, "generateDataKey" | "resolveKey" | "usable">;
  transportKey: () => KeyObject;
  isEnabled(accountId: string): Promise<boolean>;
  /** the partition of a Region of the topology, undefined for an unknown Region */
  partitionOf(region: string): string | undefined;
  clock: Clock;
}

const REKEYED_STAGES = [CURRENT, PENDING, PREVIOUS];

/** The same ARN in another Region. */
function arnInRegion(arn: string, region: string): string {
  const parts = arn.split(":");
  parts[3] = region;
  return parts.join(":");
}

export function makeReplicaApplier(deps: ApplyDeps) {
  const { region, store, keys } = deps;

  async function sync(msg: SyncMessage): Promise<ApplyOutcome> {
    if (!(await deps.isEnabled(msg.accountId))) {
      return { status: "Failed", message: `Replication failed: Region ${region} is not enabled for account ${msg.accountId}.` };
    }
    const arn = arnInRegion(msg.primaryArn, region);
    for (let attempt = 0; attempt < 3; attempt++) {
      let local = await store.findSecretByName(msg.accountId, msg.secret.name);
      if (local && local.arn === arn && local.primaryRegion === msg.source) {
        if (local.revision >= msg.revision) return inSync(local);
      } else if (local) {
        // The name is held by a secret that is not this replica: an unrelated one, this replica
        // promoted to a standalone secret, or the replica of a promoted copy of this secret.
        const promoted = local.arn === arn && !isReplica(local);
        if (!msg.forceOverwrite) return promoted ? { status: "Promoted" } : { status: "Failed", message: NAME_TAKEN };
        if (local.replicas?.length) {
          return { status: "Failed", message: `Replication failed: The secret in ${region} that holds this name still has replica regions.` };
        }
        await store.purgeSecret(local.arn);
        local = undefined;
      }
      const have = new Set((local?.versions ?? []).map((v) => v.versionId));
      const sent = new Map(msg.values.map((v) => [v.versionId, v]));
      // The replica's KMS key changed: as on a primary, the labeled versions move to the new key.
      // Their values come again from the primary rather than from the old key, which may be the
      // reason for the change (disabled, pending deletion).
      const rekeyed = new Set(
        local && local.kmsKeyId !== msg.kmsKeyId
          ? msg.secret.versions.filter((v) => have.has(v.versionId) && v.stages.some((s) => REKEYED_STAGES.includes(s))).map((v) => v.versionId)
          : [],
      );
      const needed = (id: string) => !have.has(id) || rekeyed.has(id);
      const missing = msg.secret.versions.filter((v) => needed(v.versionId) && !sent.has(v.versionId)).map((v) => v.versionId);
      if (missing.length > 0) return { status: "NeedValues", versionIds: missing };

      const keyRef = msg.kmsKeyId ?? DEFAULT_SECRETS_ALIAS;
      const keyProblem = await checkKey(msg.accountId, keyRef);
      if (keyProblem) return { status: "Failed", message: keyProblem };

      const putValues: SealedValue[] = [];
      const keyArns = new Map<string, string>();
      for (const v of msg.secret.versions) {
        const value = sent.get(v.versionId);
        if (!value || !needed(v.versionId)) continue;
        const plain = openFromRegion(deps.transportKey(), value.sealed, valueAad(msg.primaryArn, v.versionId, region, msg.revision));
        try {
          const { sealed, keyArn } = await sealValue(keys, msg.accountId, keyRef, arn, v.versionId, { kind: value.kind, bytes: plain });
          putValues.push(sealed);
          keyArns.set(v.versionId, keyArn);
        } finally {
          plain.fill(0);
        }
      }
      const keep = new Set(msg.secret.versions.map((v) => v.versionId));
      const record: SecretRecord = {
        arn,
        accountId: msg.accountId,
        region,
        name: msg.secret.name,
        description: msg.secret.description,
        kmsKeyId: msg.kmsKeyId,
        tags: msg.secret.tags,
        tagsSet: msg.secret.tagsSet,
        resourcePolicy: msg.secret.resourcePolicy,
        rotation: msg.secret.rotation,
        type: msg.secret.type,
        primaryRegion: msg.source,
        createdDate: msg.secret.createdDate,
        lastChangedDate: msg.secret.lastChangedDate,
        versions: msg.secret.versions.map((v) => {
          const previous = local?.versions.find((x) => x.versionId === v.versionId);
          // A version sealed now shows its key unless that is aws/secretsmanager; one kept shows the key it has.
          const sealedNow = keyArns.get(v.versionId);
          const kmsKeyId = sealedNow === undefined ? previous?.kmsKeyId : msg.kmsKeyId ? sealedNow : undefined;
          return { versionId: v.versionId, stages: v.stages, createdDate: v.createdDate, kmsKeyId };
        }),
        revision: msg.revision,
      };
      try {
        await store.commitSecret({
          record,
          expectedRevision: local?.revision ?? 0,
          putValues,
          deleteValues: [...have].filter((id) => !keep.has(id)),
        });
        return inSync(record, local?.lastAccessedDate);
      } catch (e) {
        if (!(e instanceof StoreConflict)) throw e;
      }
    }
    return { status: "Failed", message: `The replica in ${region} changed while it was being written; the primary retries.` };
  }

  function inSync(record: SecretRecord, lastAccessedDate = record.lastAccessedDate): ApplyOutcome {
    return { status: "InSync", versions: record.versions.map((v) => v.versionId), lastAccessedDate };
  }

  /** Why the replica's KMS key cannot be used, or undefined when it can. */
  async function checkKey(accountId: string, keyRef: string): Promise<string | undefined> {
    try {
      keys.usable(await keys.resolveKey(accountId, keyRef));
      return undefined;
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      return `Replication failed: The KMS key ${keyRef} can't be used in ${region}: ${e.message || e.code}`;
    }
  }

  async function remove(msg: RemoveMessage): Promise<ApplyOutcome> {
    const local = await store.findSecretByArn(arnInRegion(msg.primaryArn, region));
    if (local && local.primaryRegion === msg.source) await store.purgeSecret(local.arn);
    return { status: "Removed" };
  }

  /** At the old primary: a replica was promoted; stop replicating to it, never overwrite it. */
  async function promoted(msg: PromotedNotice): Promise<ApplyOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await store.findSecretByArn(msg.primaryArn);
      if (!record?.replicas?.some((r) => r.region === msg.source)) break;
      const replicas = record.replicas.filter((r) => r.region !== msg.source);
      try {
        await store.commitSecret({
          record: { ...record, replicas, primaryRegion: replicas.length ? record.primaryRegion : undefined, revision: record.revision + 1 },
          expectedRevision: record.revision,
          outbox: replicas.map((r) => ({ region: r.region, op: "sync" as const })),
          at: deps.clock.now(),
        });
        await store.setReplicaStatus(record.arn, msg.source, undefined);
        break;
      } catch (e) {
        if (!(e instanceof StoreConflict)) throw e;
      }
    }
    return { status: "Noted" };
  }

  return async function apply(message: SecretMessage): Promise<ApplyOutcome> {
    if (message.dest !== region) return { status: "Failed", message: `This is ${region}, not ${message.dest}.` };
    // Nothing crosses a partition, whatever a sender asks (the operations refuse it at the call).
    if (deps.partitionOf(message.source) !== deps.partitionOf(region)) {
      return { status: "Failed", message: `Replication failed: ${message.source} and ${region} are not in the same partition.` };
    }
    if (message.kind === "sync") return sync(message);
    if (message.kind === "remove") return remove(message);
    if (message.kind === "promoted") return promoted(message);
    throw new ServiceError("ValidationException", `Unknown replication message kind '${String((message as { kind?: unknown }).kind)}'.`);
  };
}
