// The calls the recorded scenarios are made of, with the SDK, and the types of a scenario.

import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  paginateListSecrets,
  type SecretListEntry,
} from "@aws-sdk/client-secrets-manager";
import { shortUid, type Scenario } from "./scenario.js";

/** The calls of one recorded scenario, replayed. */
export type Replay = (s: Scenario) => Promise<void>;
/** A scenario's calls, or the reason it is not replayed. */
export type ScenarioEntry = Replay | { skip: string };

export const secretName = () => `s-${shortUid()}`;
export const utf8 = (s: string) => Buffer.from(s, "utf8");

/** ListSecrets through its paginator, every page: what botocore's build_full_result() gives. */
export async function listAll(s: Scenario): Promise<{ SecretList: SecretListEntry[] }> {
  const all: SecretListEntry[] = [];
  for await (const page of paginateListSecrets({ client: s.sm }, {})) all.push(...(page.SecretList ?? []));
  return { SecretList: all };
}

/** DeleteSecret with ForceDeleteWithoutRecovery, kept under `key`. */
export function forceDelete(s: Scenario, key: string, secretId: string) {
  return s.match(key, s.sm.send(new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true })));
}

/** Create a secret with SecretString `value`, registered for masking as secret 0, kept under `key`. */
export async function createSecret(s: Scenario, key: string, name: string, value: string) {
  const created = await s.match(key, s.sm.send(new CreateSecretCommand({ Name: name, SecretString: value })));
  s.mask.secretIdArn(created, 0);
  return created;
}

export const put = (s: Scenario, name: string, value: string, stages?: string[], token?: string) =>
  s.sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: value, VersionStages: stages, ClientRequestToken: token }));
export const versions = (s: Scenario, name: string, includeDeprecated?: boolean) =>
  s.sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: includeDeprecated }));
export const current = (s: Scenario, name: string) => s.sm.send(new GetSecretValueCommand({ SecretId: name }));
export const moveStage = (s: Scenario, name: string, stage: string, from?: string, to?: string) =>
  s.sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: stage, RemoveFromVersionId: from, MoveToVersionId: to }));
