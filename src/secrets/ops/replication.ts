// ReplicateSecretToRegions, RemoveRegionsFromReplication and StopReplicationToReplica (DESIGN §5),
// and the ReplicationStatus a primary reports. Delivery itself is the replication worker's job:
// these operations change the secret's record, and the commit queues the outbox.

import { declareAnswer } from "../../store/call-events.js";
import { invalidParameter, invalidRequest } from "../../contract/service-error.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { ReplicaRegion, SecretRecord } from "../../contract/secret-types.js";
import { dateOf, isReplica, notReplica, type SecretsCore } from "../secrets-core.js";
import type * as SM from "../../generated/secretsmanager-api.js";

const DEFAULT_KEY_ALIAS = "alias/aws/secretsmanager";

const invalidReplicaRegion = () => invalidParameter("Invalid replica region.");

/** The replicas a request's AddReplicaRegions asks for, refused as AWS refuses a bad or repeated Region. */
function askedReplicas(core: SecretsCore, ctx: CallContext, add: SM.ReplicaRegionType[], forceOverwrite: boolean): ReplicaRegion[] {
  const seen = new Set<string>();
  const asked: ReplicaRegion[] = [];
  for (const r of add) {
    // Region is optional in the model; a missing one is refused as an unknown Region is.
    const region = r.Region;
    if (region !== undefined && seen.has(region)) throw invalidParameter(`Duplicate replica Region ${region} in the request.`);
    // AWS gives one answer for the primary's own Region, a Region it does not know and a Region of
    // another partition (nothing crosses a partition).
    const partition = region === undefined ? undefined : core.replication?.partitionOf(region);
    if (region === undefined || region === ctx.region || partition === undefined || partition !== ctx.partition) throw invalidReplicaRegion();
    seen.add(region);
    asked.push({ region, kmsKeyId: r.KmsKeyId, forceOverwrite: forceOverwrite || undefined });
  }
  return asked;
}

/** Validate Regions to add and merge them into the secret's replica list. */
export function addReplicaRegions(
  core: SecretsCore,
  ctx: CallContext,
  current: ReplicaRegion[],
  add: SM.ReplicaRegionType[],
  forceOverwrite: boolean,
): ReplicaRegion[] {
  // A Region asked for again keeps its place; its entry is replaced (key as now given, or the default).
  const asked = new Map(askedReplicas(core, ctx, add, forceOverwrite).map((r) => [r.region, r]));
  const known = new Set(current.map((r) => r.region));
  return [...current.map((r) => asked.get(r.region) ?? r), ...[...asked.values()].filter((r) => !known.has(r.region))];
}

export async function replicationStatus(core: SecretsCore, record: SecretRecord): Promise<SM.ReplicationStatusType[] | undefined> {
  if (!record.replicas?.length) return undefined;
  const statuses = await core.store.replicaStatuses(record.arn);
  return record.replicas.map((r): SM.ReplicationStatusType => {
    const s = statuses[r.region];
    return {
      Region: r.region,
      KmsKeyId: r.kmsKeyId ?? DEFAULT_KEY_ALIAS,
      Status: s?.status ?? "InProgress",
      StatusMessage: s?.statusMessage,
      LastAccessedDate: dateOf(s?.lastAccessedDate),
    };
  });
}

export function replicationOps(core: SecretsCore): OperationTable<SM.SecretsManagerOperations> {
  async function replicateSecretToRegions(ctx: CallContext, input: SM.ReplicateSecretToRegionsRequest): Promise<SM.ReplicateSecretToRegionsResponse> {
    const force = input.ForceOverwriteReplicaSecret === true;
    const add = input.AddReplicaRegions;
    const before = notReplica(await core.lookup(ctx, input.SecretId));
    const asked = askedReplicas(core, ctx, add, force); // refuse bad Regions before anything changes
    // A Region asked for again after a failure starts over: InProgress until it is written. With
    // ForceOverwriteReplicaSecret it starts from nothing, so whatever holds the name there is replaced.
    const statuses = await core.store.replicaStatuses(before.arn);
    for (const { region } of asked) {
      const s = statuses[region];
      if (s && force) await core.store.setReplicaStatus(before.arn, region, { status: "InProgress" });
      else if (s?.status === "Failed") await core.store.setReplicaStatus(before.arn, region, { ...s, status: "InProgress", statusMessage: undefined });
    }
    const record = await core.update(ctx, input.SecretId, async (current) => {
      const replicas = addReplicaRegions(core, ctx, current.replicas ?? [], add, force);
      const next: SecretRecord = { ...current, replicas, primaryRegion: ctx.region };
      return { record: next, result: next };
    }, { answers: false });
    return { ARN: record.arn, ReplicationStatus: await replicationStatus(core, record) };
  }

  /** Removing a Region that holds no replica of the secret is not an error; it changes nothing. */
  async function removeRegionsFromReplication(ctx: CallContext, input: SM.RemoveRegionsFromReplicationRequest): Promise<SM.RemoveRegionsFromReplicationResponse> {
    const asked = new Set(input.RemoveReplicaRegions);
    let removed: string[] = [];
    const record = await core.update(ctx, input.SecretId, async (current) => {
      removed = (current.replicas ?? []).map((r) => r.region).filter((region) => asked.has(region));
      if (removed.length === 0) return { result: current };
      const replicas = (current.replicas ?? []).filter((r) => !asked.has(r.region));
      const next: SecretRecord = { ...current, replicas, primaryRegion: replicas.length ? ctx.region : undefined };
      return { record: next, removeRegions: removed, result: next };
    }, { answers: false });
    for (const region of removed) await core.store.setReplicaStatus(record.arn, region, undefined);
    return { ARN: record.arn, ReplicationStatus: (await replicationStatus(core, record)) ?? [] };
  }

  /** Promotion, in the replica's Region: works while the primary's Region is down. */
  async function stopReplicationToReplica(ctx: CallContext, input: SM.StopReplicationToReplicaRequest): Promise<SM.StopReplicationToReplicaResponse> {
    let oldPrimary = "";
    const record = await core.update(
      ctx,
      input.SecretId,
      async (current) => {
        if (!isReplica(current)) throw invalidRequest("This secret is not a replica secret; StopReplicationToReplica is called in a replica's Region.");
        oldPrimary = current.primaryRegion!;
        const next: SecretRecord = { ...current, primaryRegion: undefined, replicas: undefined, lastChangedDate: core.clock.now() };
        declareAnswer({ ARN: next.arn });
        return { record: next, result: next };
      },
      { allowReplica: true, answers: false },
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
