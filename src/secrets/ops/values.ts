// CreateSecret, PutSecretValue and UpdateSecret: the operations that write values.

import { declareAnswer } from "../../store/call-events.js";
import { randomInt } from "node:crypto";
import { invalidRequest } from "../../contract/service-error.js";
import { StoreConflict } from "../../store/store.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { SecretRecord } from "../../contract/secret-types.js";
import type { SecretsCore } from "../secrets-core.js";
import type * as SM from "../../generated/secretsmanager-api.js";
import { CURRENT, PENDING, PREVIOUS } from "../labels.js";
import { invalidName, missingToken, nameScheduledForDeletion, secretExists } from "../secret-errors.js";
import { checkTags, storedTag } from "./tags.js";
import { writeVersion } from "./write-version.js";
import { afterManualChange } from "./rotation.js";
import { addReplicaRegions, replicationStatus } from "./replication.js";
import { secretArn } from "../../util/arn.js";

const REKEYED_STAGES = [CURRENT, PENDING, PREVIOUS];

const NAME_CHARS = /^[A-Za-z0-9/_+=.@!-]+$/;
const SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** The six random characters Secrets Manager appends to a secret's name in its ARN. */
export function arnSuffix(): string {
  let s = "";
  for (let i = 0; i < 6; i++) s += SUFFIX_CHARS[randomInt(SUFFIX_CHARS.length)];
  return s;
}

export function valueOps(core: SecretsCore): OperationTable<SM.SecretsManagerOperations> {
  async function createSecret(ctx: CallContext, input: SM.CreateSecretRequest): Promise<SM.CreateSecretResponse> {
    if (!NAME_CHARS.test(input.Name)) throw invalidName();
    const replicas = input.AddReplicaRegions
      ? addReplicaRegions(core, ctx, [], input.AddReplicaRegions, input.ForceOverwriteReplicaSecret === true)
      : undefined;
    const value = core.requestValue(input);
    const token = input.ClientRequestToken;
    if (value && !token) throw missingToken();
    const tags = input.Tags;
    if (tags) checkTags(tags);
    if (input.KmsKeyId) await core.checkKey(ctx, input.KmsKeyId);

    for (;;) {
      const existing = await core.store.findSecretByName(ctx.accountId, input.Name);
      if (existing) {
        if (existing.deletedDate !== undefined) throw nameScheduledForDeletion();
        if (value && token && existing.versions.some((v) => v.versionId === token)) {
          // A retried CreateSecret: answer as the first time, or refuse a different value.
          const { result } = await writeVersion(core, ctx, existing, token, value, [CURRENT]);
          return { ARN: existing.arn, Name: existing.name, VersionId: result.versionId };
        }
        throw secretExists(input.Name);
      }
      const now = core.clock.now();
      const record: SecretRecord = {
        arn: secretArn(ctx.partition, ctx.region, ctx.accountId, `${input.Name}-${arnSuffix()}`),
        accountId: ctx.accountId,
        region: ctx.region,
        name: input.Name,
        description: input.Description,
        kmsKeyId: input.KmsKeyId,
        tags: (tags ?? []).map(storedTag),
        tagsSet: tags?.length ? true : undefined,
        type: input.Type,
        createdDate: now,
        lastChangedDate: now,
        versions: [],
        revision: 1,
        replicas,
        primaryRegion: replicas ? ctx.region : undefined,
      };
      const change = value && token
        ? await writeVersion(core, ctx, record, token, value, [CURRENT])
        : { record, result: undefined };
      // a new secret's replicas are all InProgress: the answer is known before the commit
      const answer: SM.CreateSecretResponse = {
        ARN: record.arn,
        Name: record.name,
        VersionId: change.result?.versionId,
        ReplicationStatus: await replicationStatus(core, record),
      };
      declareAnswer(answer);
      try {
        await core.commit({ ...change, record: change.record ?? record }, 0);
      } catch (e) {
        if (e instanceof StoreConflict) continue; // created meanwhile: answer from what is there now
        throw e;
      }
      return answer;
    }
  }

  async function putSecretValue(ctx: CallContext, input: SM.PutSecretValueRequest): Promise<SM.PutSecretValueResponse> {
    const value = core.requestValue(input);
    if (!value) throw invalidRequest("You must provide either SecretString or SecretBinary.");
    const token = input.ClientRequestToken;
    if (!token) throw missingToken();
    const stages = input.VersionStages ?? [CURRENT];
    let abandoned: SecretRecord | undefined;
    const out = await core.update(ctx, input.SecretId, async (record) => {
      const change = await writeVersion(core, ctx, record, token, value, stages);
      const manual = change.record && afterManualChange(core, record, change.record, token);
      abandoned = manual?.abandoned ? record : undefined;
      const result: SM.PutSecretValueResponse = {
        ARN: record.arn, Name: record.name, VersionId: change.result.versionId, VersionStages: change.result.stages,
      };
      return manual ? { ...change, record: manual.record, result } : { result };
    });
    if (abandoned) await core.rotation?.abandoned(abandoned);
    return out;
  }

  async function updateSecret(ctx: CallContext, input: SM.UpdateSecretRequest): Promise<SM.UpdateSecretResponse> {
    const value = core.requestValue(input);
    const token = input.ClientRequestToken;
    if (value && !token) throw missingToken();
    if (input.KmsKeyId) await core.checkKey(ctx, input.KmsKeyId);
    let abandoned: SecretRecord | undefined;
    const out = await core.update(ctx, input.SecretId, async (current) => {
      abandoned = undefined;
      let record: SecretRecord = {
        ...current,
        description: input.Description ?? current.description,
        kmsKeyId: input.KmsKeyId ?? current.kmsKeyId,
        type: input.Type ?? current.type,
        lastChangedDate: core.clock.now(),
      };
      const rekeyed = input.KmsKeyId !== undefined && input.KmsKeyId !== current.kmsKeyId
        ? await reencryptLabeled(ctx, current, record)
        : { record, putValues: [] };
      record = rekeyed.record;
      const result: SM.UpdateSecretResponse = { ARN: record.arn, Name: record.name };
      if (!value || !token) return { record, putValues: rekeyed.putValues, result };
      const change = await writeVersion(core, ctx, record, token, value, [CURRENT]);
      const manual = afterManualChange(core, current, change.record ?? record, token);
      abandoned = manual.abandoned ? current : undefined;
      return {
        record: manual.record,
        putValues: [...rekeyed.putValues, ...(change.putValues ?? [])],
        deleteValues: change.deleteValues,
        result: { ...result, VersionId: change.result.versionId },
      };
    });
    if (abandoned) await core.rotation?.abandoned(abandoned);
    return out;
  }

  /**
   * A secret's new KMS key applies to the versions labeled AWSCURRENT, AWSPENDING and AWSPREVIOUS,
   * which are encrypted again under it; older versions stay under the key that encrypted them.
   */
  async function reencryptLabeled(ctx: CallContext, current: SecretRecord, next: SecretRecord) {
    const putValues = [];
    const versions = [];
    for (const v of next.versions) {
      if (!v.stages.some((s) => REKEYED_STAGES.includes(s))) {
        versions.push(v);
        continue;
      }
      const plain = await core.open(ctx, current, v.versionId);
      if (!plain) {
        versions.push(v);
        continue;
      }
      const { sealed, keyArn } = await core.seal(ctx, next, v.versionId, plain);
      plain.bytes.fill(0);
      putValues.push(sealed);
      versions.push({ ...v, kmsKeyId: next.kmsKeyId ? keyArn : undefined });
    }
    return { record: { ...next, versions }, putValues };
  }

  return { CreateSecret: createSecret, PutSecretValue: putSecretValue, UpdateSecret: updateSecret };
}
