// RotateSecret and CancelRotateSecret (issue 13), and what the rotation engine asks of the secret
// it rotates: open a rotation (the AWSPENDING version named by the token), record its success or
// failure. The settings live on the secret's record, so they replicate like any change; the
// engine itself (src/rotation/) runs the function and is reached through `SecretsDeps.rotation`.

import { invalidParameter, invalidRequest, ServiceError } from "../../contract/service-error.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { RotationSettings, SecretRecord, VersionMeta } from "../../contract/secret-types.js";
import type * as SM from "../../generated/secretsmanager-api.js";
import { parseFunctionArn } from "../../rotation/function-arn.js";
import { serviceContext } from "../../rotation/service-context.js";
import { parseSchedule, planNext, rulesOf, type RotationRules } from "../../rotation/schedule.js";
import { addVersion, CURRENT, PENDING, removeLabel } from "../labels.js";
import { isReplica, type SecretsCore } from "../secrets-core.js";

/** The version a rotation is working on: AWSPENDING on a version that is not (yet) AWSCURRENT. */
function rotationInProgress(record: SecretRecord): VersionMeta | undefined {
  return record.versions.find((v) => v.stages.includes(PENDING) && !v.stages.includes(CURRENT));
}

const previousRotationIncomplete = () => invalidRequest("A previous rotation isn't complete. That rotation will be reattempted.");

export function rotationOps(core: SecretsCore): OperationTable<SM.SecretsManagerOperations> {
  const random = core.random;

  async function rotateSecret(ctx: CallContext, input: SM.RotateSecretRequest): Promise<SM.RotateSecretResponse> {
    const token = input.ClientRequestToken;
    if (!token) throw invalidParameter("You must provide a ClientRequestToken value. We recommend a UUID-type value.");
    if (input.RotationRules) parseSchedule(input.RotationRules);
    const immediately = input.RotateImmediately !== false;
    let start = false;
    const out = await core.update(ctx, input.SecretId, async (current) => {
      const lambdaArn = input.RotationLambdaARN ?? current.rotation?.lambdaArn;
      if (!lambdaArn) throw invalidRequest("No Lambda rotation function ARN is associated with this secret.");
      if (!parseFunctionArn(lambdaArn) || (core.rotation && !(await core.rotation.canInvoke(lambdaArn, current)))) {
        throw new ServiceError(
          "AccessDeniedException",
          "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.",
        );
      }
      const pending = rotationInProgress(current);
      if (pending && pending.versionId !== token) throw previousRotationIncomplete();
      const now = core.clock.now();
      const rules: RotationRules | undefined = input.RotationRules ?? rulesOf(current.rotation);
      const rotation: RotationSettings = {
        enabled: true,
        lambdaArn,
        automaticallyAfterDays: rules?.AutomaticallyAfterDays,
        scheduleExpression: rules?.ScheduleExpression,
        duration: rules?.Duration,
        lastRotatedDate: current.rotation?.lastRotatedDate,
        ...planNext(rules, now, random()),
      };
      const result: SM.RotateSecretResponse = { ARN: current.arn, Name: current.name, VersionId: immediately ? token : undefined };
      const existing = current.versions.find((v) => v.versionId === token);
      if (immediately && existing && !existing.stages.includes(PENDING)) {
        throw invalidRequest(`You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${current.arn}.`);
      }
      start = immediately;
      // The rotation's version exists before the function's first step, labeled AWSPENDING and
      // without a value: AWS's functions check that the token names it, then createSecret puts its value.
      const versions = immediately && !existing
        ? addVersion(current.versions, { versionId: token, stages: [], createdDate: now }, [PENDING])
        : current.versions;
      return { record: { ...current, rotation, versions, lastChangedDate: now }, result };
    });
    if (start) core.rotation?.start(out.ARN!, token);
    else core.rotation?.test(out.ARN!, token);
    return out;
  }

  async function cancelRotateSecret(ctx: CallContext, input: SM.CancelRotateSecretRequest): Promise<SM.CancelRotateSecretResponse> {
    return core.update(ctx, input.SecretId, async (current) => {
      const r = current.rotation;
      const result: SM.CancelRotateSecretResponse = { ARN: current.arn, Name: current.name, VersionId: rotationInProgress(current)?.versionId };
      if (!r?.enabled) return { result };
      // the function and rules are kept: a later RotateSecret turns rotation on again with them
      const rotation: RotationSettings = { ...r, enabled: false, nextRotationDate: undefined, rotateAt: undefined };
      return { record: { ...current, rotation, lastChangedDate: core.clock.now() }, result };
    });
  }

  return { RotateSecret: rotateSecret, CancelRotateSecret: cancelRotateSecret };
}

/**
 * A manual PutSecretValue or UpdateSecret whose new version `versionId` took AWSCURRENT:
 * - it abandons a rotation in progress, as AWS does: AWSPENDING comes off the version the rotation
 *   was working on, so the next rotation can start, and CloudTrail hears of it (RotationAbandoned);
 * - it counts as a rotation for AutomaticallyAfterDays, as AWS documents: the next window is
 *   counted from now.
 * `abandoned` says whether a rotation was abandoned (the caller has the engine record it once committed).
 */
export function afterManualChange(core: SecretsCore, before: SecretRecord, after: SecretRecord, versionId: string): { record: SecretRecord; abandoned: boolean } {
  const currentOf = (rec: SecretRecord) => rec.versions.find((v) => v.stages.includes(CURRENT))?.versionId;
  if (currentOf(after) !== versionId || currentOf(before) === versionId) return { record: after, abandoned: false };
  let record = after;
  const pending = rotationInProgress(after);
  if (pending && pending.versionId !== versionId) record = { ...record, versions: removeLabel(record.versions, PENDING, pending.versionId) };
  const r = record.rotation;
  if (r?.enabled && r.automaticallyAfterDays !== undefined) record = { ...record, rotation: { ...r, ...planNext(rulesOf(r), core.clock.now(), core.random()) } };
  return { record, abandoned: record.versions !== after.versions };
}

/** What the rotation engine needs of the secrets it rotates (wired by the Region). */
export function rotationHooks(core: SecretsCore) {
  const find = async (arn: string) => {
    const record = await core.store.findSecretByArn(arn);
    if (!record) throw new Error(`secret ${arn} no longer exists`);
    return record;
  };

  return {
    /** The secret as stored now, or undefined when it is gone. */
    secret: (arn: string) => core.store.findSecretByArn(arn),

    /**
     * Open a rotation: the version already pending when one is (a failed rotation resumes with its
     * token, as on AWS), else a new AWSPENDING version named `token`. Returns the token.
     */
    async begin(arn: string, token: string = core.newVersionId()): Promise<string> {
      const record = await find(arn);
      return core.update(serviceContext(record), arn, async (current) => {
        const pending = rotationInProgress(current);
        if (pending) return { result: pending.versionId };
        const now = core.clock.now();
        const versions = addVersion(current.versions, { versionId: token, stages: [], createdDate: now }, [PENDING]);
        return { record: { ...current, versions, lastChangedDate: now }, result: token };
      }, { answers: false });
    },

    /** The four steps ran: AWSCURRENT must now be on `token`'s version. Returns why not, if it is not. */
    async succeeded(arn: string, token: string): Promise<string | undefined> {
      const record = await find(arn);
      return core.update(serviceContext(record), arn, async (current) => {
        const version = current.versions.find((v) => v.versionId === token);
        if (!version?.stages.includes(CURRENT)) return { result: `finishSecret did not move AWSCURRENT to version ${token}` };
        const now = core.clock.now();
        const r = current.rotation ?? { enabled: true };
        const rotation: RotationSettings = {
          ...r,
          lastRotatedDate: now,
          lastFailure: undefined,
          ...(r.enabled ? planNext(rulesOf(r), now, core.random()) : {}),
        };
        return { record: { ...current, rotation, lastChangedDate: now }, result: undefined };
      }, { answers: false });
    },

    /** A step failed: the reason is kept, AWSPENDING stays, and the next window retries. */
    async failed(arn: string, reason: string): Promise<void> {
      const record = await find(arn);
      await core.update(serviceContext(record), arn, async (current) => {
        const r = current.rotation;
        if (!r) return { result: undefined };
        const rotation: RotationSettings = { ...r, lastFailure: reason, ...(r.enabled ? planNext(rulesOf(r), core.clock.now(), core.random()) : {}) };
        return { record: { ...current, rotation }, result: undefined };
      }, { answers: false });
    },

    /**
     * A test of the rotation configuration (RotateSecret with RotateImmediately false): a version
     * named `token` holding AWSCURRENT's value, labeled AWSPENDING. False, and nothing changed,
     * when a rotation is in progress, the token is taken, or there is no AWSCURRENT to copy.
     */
    async openTest(arn: string, token: string): Promise<boolean> {
      const record = await find(arn);
      const ctx = serviceContext(record);
      return core.update(ctx, arn, async (current) => {
        const source = current.versions.find((v) => v.stages.includes(CURRENT));
        if (rotationInProgress(current) || !source || current.versions.some((v) => v.versionId === token)) return { result: false };
        const value = await core.open(ctx, current, source.versionId);
        if (!value) return { result: false };
        const { sealed, keyArn } = await core.seal(ctx, current, token, value);
        const now = core.clock.now();
        const versions = addVersion(current.versions, { versionId: token, stages: [], createdDate: now, kmsKeyId: current.kmsKeyId ? keyArn : undefined }, [PENDING]);
        return { record: { ...current, versions, lastChangedDate: now }, putValues: [sealed], result: true };
      }, { answers: false });
    },

    /** The test is over: its version goes (only AWSPENDING comes off, should it have been given another label meanwhile). */
    async closeTest(arn: string, token: string): Promise<void> {
      const record = await core.store.findSecretByArn(arn);
      if (!record) return;
      await core.update(serviceContext(record), arn, async (current) => {
        const version = current.versions.find((v) => v.versionId === token);
        if (!version) return { result: undefined };
        const now = core.clock.now();
        if (version.stages.some((s) => s !== PENDING)) {
          return { record: { ...current, versions: removeLabel(current.versions, PENDING, token), lastChangedDate: now }, result: undefined };
        }
        const versions = current.versions.filter((v) => v.versionId !== token);
        return { record: { ...current, versions, lastChangedDate: now }, deleteValues: [token], result: undefined };
      }, { answers: false });
    },

    /**
     * The secrets of `accountIds` whose rotation should start by `now`: enabled, in their primary
     * Region, not deleted, the chosen moment of their window reached (or passed: a window missed
     * while no node ran rotates once).
     */
    async due(accountIds: Iterable<string>, now: number): Promise<SecretRecord[]> {
      const out: SecretRecord[] = [];
      for (const accountId of accountIds) {
        for (const record of await core.store.listSecrets(accountId)) {
          const r = record.rotation;
          const at = r?.rotateAt ?? r?.nextRotationDate;
          if (!r?.enabled || !r.lambdaArn || at === undefined || at > now) continue;
          if (record.deletedDate !== undefined || isReplica(record)) continue;
          out.push(record);
        }
      }
      return out;
    },
  };
}
