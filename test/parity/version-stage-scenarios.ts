// The recorded scenarios about versions and staging labels: PutSecretValue with VersionStages,
// UpdateSecretVersionStage cycles of AWSCURRENT/AWSPENDING/AWSPREVIOUS and custom labels,
// deprecated versions.

import { randomUUID } from "node:crypto";
import { CreateSecretCommand, GetSecretValueCommand, UpdateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { createSecret, current, forceDelete, moveStage, put, secretName, versions, type Replay, type ScenarioEntry } from "./sm-calls.js";

const putSecretValueWithVersionStages: Replay = async (s) => {
  const name = secretName();
  await createSecret(s, "create_secret_rs_0", name, "secret_string_v0");
  await s.match("get_secret_value_res_0", current(s, name));
  const steps: [string, string[] | undefined][] = [
    ["secret_string_v1", ["SAMPLESTAGE1", "SAMPLESTAGE0"]],
    ["secret_string_v2", ["SAMPLESTAGE1", "SAMPLESTAGE0"]],
    ["secret_string_v3", ["AWSPENDING"]],
    ["secret_string_v4", undefined],
  ];
  for (const [i, [value, stages]] of steps.entries()) {
    await s.match(`put_secret_value_res_${i + 1}`, put(s, name, value, stages, randomUUID()));
    await s.match(`get_secret_value_res_${i + 1}`, current(s, name));
  }
  await forceDelete(s, "delete_secret_res_1", name);
};

const versionStagesReturnType: Replay = async (s) => {
  const name = secretName();
  const created = await createSecret(s, "create_secret_rs_0", name, "Something1");
  const pending = await s.match("put_secret_value_res_0", put(s, name, "Something2", ["AWSPENDING"]));
  await s.match("update_secret_version_stage_res_0", moveStage(s, name, "AWSCURRENT", created.VersionId, pending.VersionId));
  await forceDelete(s, "delete_secret_res_0", name);
};

const versionStagesCurrentPrevious: Replay = async (s) => {
  const name = secretName();
  await createSecret(s, "create_secret_rs_0", name, "secret_string_v0");
  await s.match("list_secret_version_ids_res_0", versions(s, name));
  await s.match("update_secret_res_0", s.sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: "secret_string_v1" })));
  await s.match("list_secret_version_ids_res_1", versions(s, name));
  await forceDelete(s, "delete_secret_res_0", name);
};

const versionStagesCurrentPending: Replay = async (s) => {
  const name = secretName();
  const created = await createSecret(s, "create_secret_rs_0", name, "Something1");
  const pending = await s.match("put_secret_value_res_0", put(s, name, "Something2", ["AWSPENDING"]));
  await s.match("list_secret_version_ids_res_0", versions(s, name));
  await s.match("update_secret_version_stage_res_0", moveStage(s, name, "AWSCURRENT", created.VersionId, pending.VersionId));
  await s.match("list_secret_version_ids_res_1", versions(s, name));
  await s.match("put_secret_value_res_1", put(s, name, "SS3"));
  await s.match("list_secret_version_ids_res_2", versions(s, name));
  await forceDelete(s, "delete_secret_res_0", name);
};

/**
 * The pending/current cycles: create (v0), put v1 with `first` stages, move AWSCURRENT v0 → v1,
 * put v2 with `second`, move AWSCURRENT v1 → v2; a listing and a read after each step.
 */
const versionStagesCycle = (first: string[], second: string[], moveSecondWithStageCall: boolean): Replay => async (s) => {
  const name = secretName();
  const created = await createSecret(s, "create_secret_rs_0", name, "S1");
  const v1 = await s.match("put_secret_value_res_0", put(s, name, "S2", first));
  await s.match("list_secret_version_ids_res_0", versions(s, name));
  await s.match("get_secret_value_res_0", current(s, name));
  await s.match("update_secret_version_stage_res_0", moveStage(s, name, "AWSCURRENT", created.VersionId, v1.VersionId));
  await s.match("list_secret_version_ids_res_1", versions(s, name));
  await s.match("get_secret_value_res_1", current(s, name));
  const v2 = await s.match("put_secret_value_res_1", put(s, name, "S3", second));
  await s.match("list_secret_version_ids_res_2", versions(s, name));
  await s.match("get_secret_value_res_2", current(s, name));
  // The plain cycle records its second move under a put_ key, the custom-stage cycle under its own.
  const key = moveSecondWithStageCall ? "update_secret_version_stage_res_1" : "put_secret_value_res_2";
  await s.match(key, moveStage(s, name, "AWSCURRENT", v1.VersionId, v2.VersionId));
  await s.match("list_secret_version_ids_res_3", versions(s, name));
  await s.match("get_secret_value_res_3", current(s, name));
  await forceDelete(s, "delete_secret_res_0", name);
};

const versionStagesCustom2: Replay = async (s) => {
  const name = secretName();
  await createSecret(s, "create_secret_rs_0", name, "SS");
  const v0 = await s.match("put_secret_value_res_0", put(s, name, "S1", ["AWSCURRENT", "PUT0"]));
  await s.match("list_secret_version_ids_res_0", versions(s, name));
  const v1 = await s.match("put_secret_value_res_1", put(s, name, "S2", ["AWSPENDING", "PUT1"]));
  await s.match("list_secret_version_ids_res_1", versions(s, name));
  await s.match("get_secret_value_res_0", current(s, name));
  await s.match("update_secret_version_stage_res_0", moveStage(s, name, "AWSCURRENT", v0.VersionId, v1.VersionId));
  await s.match("list_secret_version_ids_res_2", versions(s, name));
  await s.match("get_secret_value_res_1", current(s, name));
  const v2 = await s.match("put_secret_value_res_2", put(s, name, "S3", ["AWSPENDING", "PUT2"]));
  await s.match("list_secret_version_ids_res_3", versions(s, name));
  await s.match("get_secret_value_res_2", current(s, name));
  await s.match("update_secret_version_stage_res_1", moveStage(s, name, "AWSCURRENT", v1.VersionId, v2.VersionId));
  await s.match("list_secret_version_ids_res_4", versions(s, name));
  await s.match("get_secret_value_res_3", current(s, name));
  await forceDelete(s, "delete_secret_res_0", name);
};

const versionStagesCustom3: Replay = async (s) => {
  const name = secretName();
  const created = await createSecret(s, "create_secret_rs", name, "SS");
  const v1 = created.VersionId;
  const v2 = (await s.match("put_secret_value_res_0", put(s, name, "S1", ["PENDING"]))).VersionId;
  const byVersion = (versionId?: string) => s.sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId }));
  await s.match("list_secret_version_ids_rs", versions(s, name));
  await s.match("get_secret_value_v1_rs", byVersion(v1));
  await s.match("get_secret_value_v2_rs", byVersion(v2));
  await s.match("update_secret_version_stage_res_1", moveStage(s, name, "AWSCURRENT", v1, v2));
  await s.match("get_secret_value_v1_rs_1", byVersion(v1));
  await s.match("get_secret_value_v2_rs_1", byVersion(v2));
  await s.match("update_secret_version_stage_res_2", moveStage(s, name, "PENDING", v2));
  await s.match("get_secret_value_v1_rs_2", byVersion(v1));
  await s.match("get_secret_value_v2_rs_2", byVersion(v2));
  await forceDelete(s, "delete_secret_res_0", name);
};

const nonVersioningStages = (second: string[]): Replay => async (s) => {
  const name = secretName();
  await createSecret(s, "create_secret_rs_0", name, "S0");
  await s.match("put_secret_value_res_0", put(s, name, "S1", ["one", "two", "three"]));
  await s.match("list_secret_version_ids_res_0", versions(s, name));
  await s.match("put_secret_value_res_1", put(s, name, "S2", second));
  await s.match("list_secret_version_ids_res_1", versions(s, name));
  await forceDelete(s, "delete_secret_res_0", name);
};

const deprecatedSecretVersionStage: Replay = async (s) => {
  const name = secretName();
  const created = await s.match(
    "create_secret",
    s.sm.send(new CreateSecretCommand({ Name: name, SecretString: "original", Description: "My secret" })),
  );
  s.mask.secretIdArn(created, 0);
  await s.match("list_secret_version_ids", versions(s, name));
  await s.match("put_secret_value_1", put(s, name, "update1"));
  await s.match("list_secret_version_ids_1", versions(s, name));
  await s.match("put_secret_value_2", put(s, name, "update2"));
  await s.match("list_secret_version_ids_2", versions(s, name));
  await s.match("list_secret_version_ids_3", versions(s, name, true));
  await s.match("put_secret_value_3", put(s, name, "update3"));
  await s.match("list_secret_version_ids_4", versions(s, name));
  await s.match("list_secret_version_ids_5", versions(s, name, true));
};

export const versionStageScenarios: Record<string, ScenarioEntry> = {
  "TestSecretsManager::test_put_secret_value_with_version_stages": putSecretValueWithVersionStages,
  "TestSecretsManager::test_update_secret_version_stages_return_type": versionStagesReturnType,
  "TestSecretsManager::test_update_secret_version_stages_current_previous": versionStagesCurrentPrevious,
  "TestSecretsManager::test_update_secret_version_stages_current_pending": versionStagesCurrentPending,
  "TestSecretsManager::test_update_secret_version_stages_current_pending_cycle": versionStagesCycle(["AWSPENDING"], ["AWSPENDING"], false),
  "TestSecretsManager::test_update_secret_version_stages_current_pending_cycle_custom_stages_1": versionStagesCycle(
    ["AWSSOMETHING", "AWSPENDING", "PUT1"],
    ["AWSPENDING", "PUT2"],
    true,
  ),
  "TestSecretsManager::test_update_secret_version_stages_current_pending_cycle_custom_stages_2": versionStagesCustom2,
  "TestSecretsManager::test_update_secret_version_stages_current_pending_cycle_custom_stages_3": versionStagesCustom3,
  "TestSecretsManager::test_non_versioning_version_stages_replacement": nonVersioningStages(["one", "two", "three", "four"]),
  "TestSecretsManager::test_non_versioning_version_stages_no_replacement": nonVersioningStages(["one", "two", "four"]),
  "TestSecretsManager::test_deprecated_secret_version_stage": deprecatedSecretVersionStage,
};
