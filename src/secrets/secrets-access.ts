// Secrets Manager calls as the policy engine sees them (DESIGN §6): secretsmanager:<Operation> on
// the secret's ARN with its resource policy, its tags (aws:ResourceTag/… and
// secretsmanager:ResourceTag/…, which replicate, so one tag-based policy holds in every Region),
// and the secretsmanager: condition keys the request supplies. A secret that does not exist is
// decided on the ARN its name would have, and a denial is worded on what the caller named whether
// the secret exists or not, so a caller without access learns nothing from the answer (DESIGN §12).

import type { AccessDescriber, AccessRequest, RequestMembers } from "../contract/access-request.js";
import { describing, requestTagKeys, resourceTagKeys } from "../contract/access-request.js";
import type { ConditionValues, ContextValue } from "../contract/policy-types.js";
import { storedResourcePolicy } from "../policy/policy-cache.js";
import type { SecretRepo } from "../store/store.js";
import type { CallContext } from "../contract/call-context.js";
import { findSecret } from "./secret-lookup.js";
import type { SecretRecord } from "../contract/secret-types.js";
import { parseArn, secretArn } from "../util/arn.js";
import type { KeyService } from "../kms/key-service.js";
import type { KeyRecord } from "../contract/kms-types.js";
import { namedKeyArn } from "../kms/kms-access.js";
import type { SecretsManagerOperations } from "../generated/secretsmanager-api.js";
import { parseFunctionArn } from "../rotation/function-arn.js";

/** Operations on no particular secret: decided on "*". */
const ON_NO_SECRET = new Set(["ListSecrets", "GetRandomPassword", "BatchGetSecretValue"]);

/** What the describer reads of a call's input: any Secrets Manager request's members. */
type Input = RequestMembers<SecretsManagerOperations>;

/** The condition keys an operation's input supplies, by the input member that carries them. */
function requestKeys(operation: string, input: Input): Record<string, ContextValue | undefined> {
  const keys: Record<string, ContextValue | undefined> = {};
  const given: [string, ContextValue | undefined][] = [
    ["secretsmanager:SecretId", input.SecretId],
    ["secretsmanager:Name", operation === "CreateSecret" ? input.Name : undefined],
    ["secretsmanager:Description", input.Description],
    ["secretsmanager:KmsKeyId", input.KmsKeyId],
    ["secretsmanager:VersionId", input.VersionId ?? input.ClientRequestToken],
    ["secretsmanager:VersionStage", input.VersionStage],
    ["secretsmanager:ForceOverwriteReplicaSecret", input.ForceOverwriteReplicaSecret],
    ["secretsmanager:BlockPublicPolicy", input.BlockPublicPolicy],
    ["secretsmanager:RecoveryWindowInDays", input.RecoveryWindowInDays],
    ["secretsmanager:ForceDeleteWithoutRecovery", input.ForceDeleteWithoutRecovery],
    ["secretsmanager:RotationLambdaARN", input.RotationLambdaARN],
    ["secretsmanager:ModifyRotationRules", operation === "RotateSecret" ? input.RotationRules !== undefined : undefined],
  ];
  for (const [k, v] of given) if (v !== undefined) keys[k] = v;
  const added = input.AddReplicaRegions?.map((r) => r.Region).filter((r): r is string => r !== undefined);
  if (added) keys["secretsmanager:AddReplicaRegions"] = added;
  if (operation === "CreateSecret" || operation === "TagResource" || operation === "UntagResource") {
    Object.assign(keys, requestTagKeys(input.Tags, input.TagKeys));
  }
  return keys;
}

type SecretFacts = { conditions: ConditionValues; resourcePolicy?: AccessRequest["resourcePolicy"] };

/** What a secret contributes, by record: a record is never changed in place (a change makes a new one). */
const factsOf = new WeakMap<SecretRecord, SecretFacts>();

/** What the secret itself contributes: its tags, primary Region and resource policy. */
function secretFacts(record: SecretRecord): SecretFacts {
  let facts = factsOf.get(record);
  if (!facts) {
    facts = computeFacts(record);
    factsOf.set(record, facts);
  }
  return facts;
}

function computeFacts(record: SecretRecord): SecretFacts {
  return {
    conditions: {
      ...resourceTagKeys("secretsmanager", record.tags),
      "secretsmanager:SecretPrimaryRegion": record.primaryRegion ?? record.region,
      ...(record.rotation?.lambdaArn ? { "secretsmanager:resource/AllowRotationLambdaArn": record.rotation.lambdaArn } : {}),
    },
    resourcePolicy: storedResourcePolicy(record.resourcePolicy, "resource", record.arn),
  };
}

/** The ARN and account a SecretId names when no secret answers to it. */
function namedResource(ctx: CallContext, secretId: string): { resource: string; resourceAccount: string } {
  const arn = secretId.startsWith("arn:") ? parseArn(secretId) : undefined;
  if (arn) return { resource: secretId, resourceAccount: arn.accountId };
  return { resource: secretArn(ctx.partition, ctx.region, ctx.accountId, secretId), resourceAccount: ctx.accountId };
}

/**
 * The key an operation uses on the caller's behalf, and the KMS action it needs: the key the
 * request names (CreateSecret, UpdateSecret with KmsKeyId), else the secret's own. As on AWS, the
 * caller must be allowed that action on a customer managed key (through Secrets Manager:
 * kms:ViaService); the AWS managed key's policy allows everyone in its account that way.
 */
function keyUsed(operation: string, input: Input, record: SecretRecord | undefined): { ref: string; action: string } | undefined {
  const givesValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
  let ref: string | undefined;
  let action = "kms:GenerateDataKey";
  if (operation === "GetSecretValue") [ref, action] = [record?.kmsKeyId, "kms:Decrypt"];
  else if (operation === "PutSecretValue") ref = record?.kmsKeyId;
  else if (operation === "CreateSecret") ref = input.KmsKeyId;
  else if (operation === "UpdateSecret") ref = input.KmsKeyId ?? (givesValue ? record?.kmsKeyId : undefined);
  return typeof ref === "string" && ref !== DEFAULT_KEY ? { ref, action } : undefined;
}

const DEFAULT_KEY = "alias/aws/secretsmanager";
const KMS_NOT_ALLOWED = { code: "AccessDeniedException", message: "Access to KMS is not allowed" };

/** What Secrets Manager using a key on the caller's behalf tells the key policy. */
function viaConditions(ctx: CallContext, secretArn: string | undefined): ConditionValues {
  const dns = ctx.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return {
    "kms:ViaService": `secretsmanager.${ctx.region}.${dns}`,
    "kms:CallerAccount": ctx.accountId,
    ...(secretArn ? { "kms:EncryptionContext:SecretARN": secretArn } : {}),
  };
}

function viaSecretsManager(ctx: CallContext, action: string, key: KeyRecord, secretArn: string | undefined): AccessRequest {
  return {
    action,
    resource: key.arn,
    resourceAccount: key.accountId,
    conditions: {
      ...viaConditions(ctx, secretArn),
      ...resourceTagKeys("kms", key.tags.map((t) => ({ Key: t.TagKey, Value: t.TagValue }))),
    },
    resourcePolicy: storedResourcePolicy(key.policy, "kms-key", key.arn),
    deniedAs: KMS_NOT_ALLOWED,
  };
}

/**
 * RotateSecret also needs lambda:InvokeFunction on the rotation function, as AWS documents: the
 * function the request names, else the one the secret has. A denial is the usual access-denied
 * answer naming that action and function. An ARN that names no function is left to the operation
 * (AWS's "cannot invoke" refusal).
 */
function invokeRotationFunction(operation: string, input: Input, record: SecretRecord | undefined): AccessRequest[] {
  if (operation !== "RotateSecret") return [];
  const lambdaArn = input.RotationLambdaARN ?? record?.rotation?.lambdaArn;
  const fn = lambdaArn === undefined ? undefined : parseFunctionArn(lambdaArn);
  return fn ? [{ action: "lambda:InvokeFunction", resource: lambdaArn!, resourceAccount: fn.accountId }] : [];
}

export function describeSecretsAccess(
  store: Pick<SecretRepo, "findSecretByArn" | "findSecretByName">,
  keys: Pick<KeyService, "resolveKey" | "keyArn" | "aliasArn">,
): AccessDescriber {
  /** The customer managed key the operation will use for the caller, if any. */
  async function keyUse(ctx: CallContext, operation: string, input: Input, record: SecretRecord | undefined): Promise<AccessRequest[]> {
    const use = keyUsed(operation, input, record);
    if (!use) return [];
    const accountId = record?.accountId ?? ctx.accountId;
    let key: KeyRecord;
    try {
      key = await keys.resolveKey(accountId, use.ref);
    } catch {
      // No such key: decided on the ARN its reference names, so a caller who may not use it is
      // refused alike whether it exists or not; one who may is told by the operation.
      const named = namedKeyArn(keys, accountId, use.ref);
      return [{ action: use.action, ...named, conditions: viaConditions(ctx, record?.arn), deniedAs: KMS_NOT_ALLOWED }];
    }
    if (key.keyManager === "AWS") return [];
    return [viaSecretsManager(ctx, use.action, key, record?.arn)];
  }

  return describing<Input>(async (ctx, operation, input) => {
    const action = `secretsmanager:${operation}`;
    const conditions = requestKeys(operation, input);
    if (ON_NO_SECRET.has(operation)) return [{ action, resource: "*", resourceAccount: ctx.accountId, conditions }];
    const secretId = operation === "CreateSecret" ? input.Name : input.SecretId;
    if (typeof secretId !== "string") return [{ action, resource: "*", resourceAccount: ctx.accountId, conditions }];
    let record: SecretRecord | undefined;
    try {
      record = operation === "CreateSecret" ? undefined : await findSecret(store, ctx, secretId);
    } catch {
      record = undefined; // a SecretId the operation itself refuses; decided on its name
    }
    // An existing secret is decided on itself (its ARN with the suffix, tags, resource policy); a
    // denial is worded on what the caller named, as it would be were there no such secret.
    const named: AccessRequest = { action, ...namedResource(ctx, secretId), conditions };
    if (!record) return [named, ...(await keyUse(ctx, operation, input, undefined))];
    return [secretAccessRequest(action, record, conditions, named), ...(await keyUse(ctx, operation, input, record)), ...invokeRotationFunction(operation, input, record)];
  });
}

/** An action on an existing secret, with what the secret and the request contribute. */
function secretAccessRequest(
  action: string,
  record: SecretRecord,
  conditions: Record<string, ContextValue | undefined>,
  named: AccessRequest,
): AccessRequest {
  const facts = secretFacts(record);
  return {
    action, resource: record.arn, resourceAccount: record.accountId, resourceConditions: facts.conditions, conditions, resourcePolicy: facts.resourcePolicy, named,
  };
}
