// ReplicateSecretToRegions, RemoveRegionsFromReplication and StopReplicationToReplica (DESIGN §5),
// and the ReplicationStatus a primary reports. Delivery itself is the replication worker's job:
// these operations change the secret's record, and the commit queues the outbox.

import { invalidParameter, invalidRequest } from "../../edge/service-error.js";
import type { CallContext, OperationTable } from "../../region/call-context.js";
import type { ReplicaRegion, SecretRecord } from "../secret-types.js";
import { epochSeconds, isReplica, type SecretsCore } from "../secrets-core.js";

const DEFAULT_KEY_ALIAS = "alias/aws/secretsmanager";

interface ReplicaRegionInput {
  Region: string;
  KmsKeyId?: string;
}

/** Validate Regions to add and merge them into the secret's replica list. */
export function addReplicaRegions(
  core: SecretsCore,
  ctx: CallContext,
  current: ReplicaRegion[],
  add: ReplicaRegionInput[],
  forceOverwrite: boolean,
): ReplicaRegion[] {
  const replication = core.replication;
  const seen = new Set<string>();
  for (const r of add) {
    if (seen.has(r.Region)) throw invalidParameter(`Duplicate replica Region ${r.Region} in the request.`);
    seen.add(r.Region);
    if (r.Region === ctx.region) {
      throw invalidParameter("Invalid replica region. You can't replicate a secret to the Region of its primary secret.");
    }
    const partition = replication?.partitionOf(r.Region);
    if (partition === undefined) throw invalidParameter(`Invalid replica region: ${r.Region} is not a Region of this deployment.`);
    if (partition !== ctx.partition) {
      throw invalidParameter(`Invalid replica region: ${r.Region} is in partition ${partition}, not ${ctx.partition}.`);
    }
  }
  const kept = current.filter((r) => !seen.has(r.region));
  return [
    ...kept,
    ...add.map((r) => ({ region: r.Region, kmsKeyId: r.KmsKeyId, forceOverwrite: forceOverwrite || undefined })),
  ];
}

export async function replicationStatus(core: SecretsCore, record: SecretRecord) {
  if (!record.replicas?.length) return undefined;
  const statuses = await core.store.replicaStatuses(record.arn);
  return record.replicas.map((r) => {
    const s = statuses[r.region];
    return {
      Region: r.region,
      KmsKeyId: r.kmsKeyId ?? DEFAULT_KEY_ALIAS,
      Status: s?.status ?? "InProgress",
      StatusMessage: s?.statusMessage,
      LastAccessedDate: epochSeconds(s?.lastAccessedDate),
    };
  });
}

export function replicationOps(core: SecretsCore): OperationTable {
  async function replicateSecretToRegions(ctx: CallContext, input: any) {
    const force = input.ForceOverwriteReplicaSecret === true;
    const before = await core.lookup(ctx, input.SecretId);
    addReplicaRegions(core, ctx, before.replicas ?? [], input.AddReplicaRegions, force); // refuse bad Regions first
    // A Region asked for again after a failure starts over: InProgress until it is written.
    const statuses = await core.store.replicaStatuses(before.arn);
    for (const r of input.AddReplicaRegions as ReplicaRegionInput[]) {
      if (statuses[r.Region]?.status === "Failed") {
        await core.store.setReplicaStatus(before.arn, r.Region, { ...statuses[r.Region], status: "InProgress", statusMessage: undefined });
      }
    }
    const record = await core.update(ctx, input.SecretId, async (current) => {
      const replicas = addReplicaRegions(core, ctx, current.replicas ?? [], input.AddReplicaRegions, force);
      const next: SecretRecord = { ...current, replicas, primaryRegion: ctx.region };
      return { record: next, result: next };
    });
    return { ARN: record.arn, ReplicationStatus: await replicationStatus(core, record) };
  }

  async function removeRegionsFromReplication(ctx: CallContext, input: any) {
    const remove = new Set<string>(input.RemoveReplicaRegions);
    const record = await core.update(ctx, input.SecretId, async (current) => {
      const known = new Set((current.replicas ?? []).map((r) => r.region));
      for (const region of remove) {
        if (!known.has(region)) throw invalidParameter(`Invalid replica region: ${region} is not a replica Region of this secret.`);
      }
      const replicas = (current.replicas ?? []).filter((r) => !remove.has(r.region));
      const next: SecretRecord = { ...current, replicas, primaryRegion: replicas.length ? ctx.region : undefined };
      return { record: next, removeRegions: [...remove], result: next };
    });
    for (const region of remove) await core.store.setReplicaStatus(record.arn, region, undefined);
    return { ARN: record.arn, ReplicationStatus: (await replicationStatus(core, record)) ?? [] };
  }

  /** Promotion, in the replica's Region: works while the primary's Region is down. */
  async function stopReplicationToReplica(ctx: CallContext, input: any) {
    let oldPrimary = "";
    const record = await core.update(
      ctx,
      input.SecretId,
      async (current) => {
        if (!isReplica(current)) throw invalidRequest("This secret is not a replica secret; StopReplicationToReplica is called in a replica's Region.");
        oldPrimary = current.primaryRegion!;
        const next: SecretRecord = { ...current, primaryRegion: undefined, replicas: undefined, lastChangedDate: core.clock.now() };
        return { record: next, result: next };
      },
      { allowReplica: true },
    );
    core.replication?.notifyPromoted(record, oldPrimary);
    return { ARN: record.arn };
  }

  return {
    ReplicateSecretToRegions: replicateSecretToRegions,
    RemoveRegionsFromReplication: removeRegionsFromReplication,
    StopReplicationToReplica: stopReplicationToReplica,
  };
}
