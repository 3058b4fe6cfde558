// EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations,
// and the automatic rotation a Region's background job performs. Related multi-Region keys share
// their material and rotation settings: only the primary rotates or changes them, and its replicas
// follow.

import { ServiceError } from "../../contract/service-error.js";
import type { OperationTable } from "../../contract/call-context.js";
import type { GetKeyRotationStatusResponse, KmsOperations, ListKeyRotationsResponse, RotateKeyOnDemandResponse, RotationsListEntry } from "../../generated/kms-api.js";
import { days } from "../../util/clock.js";
import type { KeyRecord } from "../../contract/kms-types.js";
import { keyDisabled, kmsError } from "../kms-errors.js";
import { callerKey, customerKey, notPendingDeletion } from "./key-access.js";
import { apiDate, markerPage } from "./render.js";
import type { KmsDeps } from "./kms-deps.js";
import { changeShared, notReplica } from "./multi-region.js";
import { isMultiRegionReplica } from "../key-replication.js";

// The limit the KMS model documents (it was 10 when on-demand rotation was introduced).
const ON_DEMAND_LIMIT = 25;

function enabledKey(key: KeyRecord): KeyRecord {
  notPendingDeletion(key);
  if (key.keyState === "Disabled") throw keyDisabled(key.arn);
  return key;
}

export function rotationOps(deps: KmsDeps): OperationTable<KmsOperations> {
  const { keys, clock } = deps;
  return {
    async EnableKeyRotation(ctx, input) {
      const key = notReplica(enabledKey(await customerKey(keys, ctx, input.KeyId, "EnableKeyRotation")));
      const period = input.RotationPeriodInDays ?? 365;
      await changeShared(deps, key, (k) => ({ ...k, rotationEnabled: true, rotationPeriodInDays: period, nextRotationDate: clock.now() + days(period) }));
      return {};
    },
    async DisableKeyRotation(ctx, input) {
      const key = notReplica(enabledKey(await customerKey(keys, ctx, input.KeyId, "DisableKeyRotation")));
      await changeShared(deps, key, (k) => ({ ...k, rotationEnabled: false, rotationPeriodInDays: undefined, nextRotationDate: undefined }));
      return {};
    },
    // Answers in every key state (AWS's key state table), pending deletion included.
    async GetKeyRotationStatus(ctx, input): Promise<GetKeyRotationStatusResponse> {
      const key = await callerKey(keys, ctx, input.KeyId, "GetKeyRotationStatus");
      return {
        KeyRotationEnabled: key.rotationEnabled,
        KeyId: key.arn,
        RotationPeriodInDays: key.rotationEnabled ? key.rotationPeriodInDays : undefined,
        NextRotationDate: key.rotationEnabled ? apiDate(key.nextRotationDate) : undefined,
        // On-demand rotations complete within the request here, so none is ever in progress.
      };
    },
    async RotateKeyOnDemand(ctx, input): Promise<RotateKeyOnDemandResponse> {
      const key = notReplica(enabledKey(await customerKey(keys, ctx, input.KeyId, "RotateKeyOnDemand")));
      await changeShared(deps, key, (current) => {
        if (current.materials.filter((m) => m.rotationType === "ON_DEMAND").length >= ON_DEMAND_LIMIT) {
          throw kmsError(
            "LimitExceededException",
            `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`,
          );
        }
        return keys.withNewMaterial(current, "ON_DEMAND");
      });
      return { KeyId: key.arn };
    },
    async ListKeyRotations(ctx, input): Promise<ListKeyRotationsResponse> {
      const key = await callerKey(keys, ctx, input.KeyId, "ListKeyRotations");
      const rotations = key.materials
        .filter((m) => m.rotationType !== undefined)
        .map((m): RotationsListEntry => ({ KeyId: key.arn, KeyMaterialId: m.id, RotationDate: new Date(m.createdDate), RotationType: m.rotationType }));
      const { page, Truncated, NextMarker } = markerPage(rotations, input.Limit, input.Marker);
      return { Rotations: page, Truncated, NextMarker };
    },
  };
}

/**
 * Rotate every enabled key whose rotation is due; called by the Region's key-rotation job. A
 * multi-Region replica waits for its primary's rotation to reach it.
 */
export async function rotateDueKeys(deps: Pick<KmsDeps, "keys" | "clock" | "keyReplication">, all: KeyRecord[]): Promise<void> {
  const now = deps.clock.now();
  const due = (key: KeyRecord) =>
    key.rotationEnabled && key.keyState === "Enabled" && key.nextRotationDate !== undefined && key.nextRotationDate <= now && !isMultiRegionReplica(key);
  for (const key of all) {
    if (!due(key)) continue;
    const rotated = changeShared(deps, key, (current) => {
      if (!due(current)) return current;
      // The schedule keeps its own dates; after downtime longer than a period it restarts from now.
      const period = days(current.rotationPeriodInDays ?? 365);
      const next = current.nextRotationDate! + period > now ? current.nextRotationDate! + period : now + period;
      return deps.keys.withNewMaterial({ ...current, nextRotationDate: next }, "AUTOMATIC");
    });
    // a key deleted since the job listed it has nothing to rotate
    await rotated.catch((e) => {
      if (!(e instanceof ServiceError)) throw e;
    });
  }
}
