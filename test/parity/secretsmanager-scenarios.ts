// The calls of each scenario LocalStack recorded against AWS (tests/aws/services/secretsmanager/
// test_secretsmanager.py), replayed with the AWS SDK for JavaScript. Keys are the recorded test
// names; a scenario is either the calls, or the reason it is not replayed.

import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  ValidateResourcePolicyCommand,
} from "@aws-sdk/client-secrets-manager";
import { shortUid } from "./scenario.js";
import { createSecret, current, forceDelete, listAll, secretName, utf8, versions, type Replay, type ScenarioEntry } from "./sm-calls.js";
import { versionStageScenarios } from "./version-stage-scenarios.js";

const ROTATION = "needs a Lambda function deployed next to AWS (LocalStack's test deploys one); the Lambda-Invoke-API rotation is covered by test/e2e/rotation-lambda.test.ts";

/** RotateSecret with a function Secrets Manager cannot invoke, or none: refused, nothing recorded. */
function rotateWithout(errorKey: string, functionArn: (secretArn: string) => string | undefined): Replay {
  return async (s) => {
    const name = secretName();
    const created = await s.match("create_secret", s.sm.send(new CreateSecretCommand({ Name: name, SecretString: "init" })));
    s.mask.secretIdArn(created, 0);
    const arn = functionArn(created.ARN!);
    await s.match(errorKey, s.sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: arn, RotationRules: arn ? { AutomaticallyAfterDays: 1 } : undefined })));
    await s.match("describe_secret", s.sm.send(new DescribeSecretCommand({ SecretId: name })));
  };
}

/** test_create_and_update_secret: create, read by name, ARN and partial ARN, put, update by ARN. */
function createAndUpdate(name: string, partialArnFinds = true): Replay {
  return async (s) => {
    const created = await s.match(
      "create_secret_rs_1",
      s.sm.send(new CreateSecretCommand({ Name: name, SecretString: "my_secret", Description: "Testing secret creation." })),
    );
    s.mask.secretIdArn(created, 0);
    const arn = created.ARN!;
    await s.match("get_secret_value_rs_1", s.sm.send(new GetSecretValueCommand({ SecretId: name })));
    await s.match("describe_secret_rs_1", s.sm.send(new DescribeSecretCommand({ SecretId: name })));
    await s.match("get_secret_value_rs_2", s.sm.send(new GetSecretValueCommand({ SecretId: arn })));
    const partial = s.sm.send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) }));
    await s.match(partialArnFinds ? "get_secret_value_rs_3" : "resource_not_found_dict_1", partial);
    await s.match("put_secret_value_rs_1", s.sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "new_secret" })));
    await s.match("get_secret_value_rs_4", s.sm.send(new GetSecretValueCommand({ SecretId: name })));
    await s.match(
      "update_secret_res_1",
      s.sm.send(new UpdateSecretCommand({ SecretId: arn, SecretString: "test123", Description: "d1" })),
    );
    await forceDelete(s, "delete_secret_res_1", name);
  };
}

/** test_invalid_secret_name: every operation taking a SecretId refuses a name with characters a name can't have. */
function invalidName(name: string): Replay {
  return async (s) => {
    const policy =
      '{\n"Version":"2012-10-17",\n"Statement":[{\n"Effect":"Allow",\n"Principal":{\n"AWS":"arn:aws:iam::123456789012:root"\n},\n"Action":"secretsmanager:GetSecretValue",\n"Resource":"*"\n}]\n}';
    await s.match("ex_log_1", s.sm.send(new CreateSecretCommand({ Name: name, SecretString: "MySecretString" })));
    await forceDelete(s, "ex_log_2", name);
    await s.match("ex_log_3", s.sm.send(new DescribeSecretCommand({ SecretId: name })));
    await s.match("ex_log_4", s.sm.send(new GetSecretValueCommand({ SecretId: name })));
    await s.match("ex_log_5", s.sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true })));
    await s.match("ex_log_6", s.sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "MySecretString" })));
    await s.match("ex_log_7", s.sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "FirstTag", Value: "SomeValue" }] })));
    await s.match("ex_log_8", s.sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: ["FirstTag"] })));
    await s.match("ex_log_9", s.sm.send(new UpdateSecretCommand({ SecretId: name, Description: "MyNewDescription" })));
    await s.match("ex_log_10", s.sm.send(new ValidateResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy })));
  };
}

/** test_call_lists_secrets_multiple_times(_snapshots): the account's whole list, three times. */
const listsSecretsMultipleTimes: Replay = async (s) => {
  const name = secretName();
  const created = await s.match(
    "create_secret_rs_1",
    s.sm.send(new CreateSecretCommand({ Name: name, SecretString: "my_secret", Description: "testing creation of secrets" })),
  );
  s.mask.secretIdArn(created, 0);
  for (let i = 0; i < 3; i++) await s.match(`list_secrets_res_${i}`, listAll(s));
  await forceDelete(s, "delete_secret_res_1", name);
};

/** test_create_multi_secrets(_snapshot): three secrets, the account's whole list. */
const createMultiSecrets: Replay = async (s) => {
  const names = [shortUid(), shortUid(), shortUid()];
  for (const [i, name] of names.entries()) {
    const created = await s.sm.send(
      new CreateSecretCommand({ Name: name, SecretString: `my_secret_${name}`, Description: "Testing secrets creation." }),
    );
    s.mask.secretIdArn(created, i);
  }
  await s.match("list_secrets_res", listAll(s));
  for (const [i, name] of names.entries()) await forceDelete(s, `delete_secret_res${i}`, name);
};

const updateSecretDescription: Replay = async (s) => {
  const name = secretName();
  await createSecret(s, "create_secret_rs_0", name, "MySecretString");
  const describe = () => s.sm.send(new DescribeSecretCommand({ SecretId: name }));
  await s.match("describe_secret_res_0", describe());
  await s.match("update_secret_res_0", s.sm.send(new UpdateSecretCommand({ SecretId: name, Description: "MyDescription" })));
  await s.match("describe_secret_res_1", describe());
  await s.match(
    "update_secret_res_1",
    s.sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: "MyNewSecretString", Description: "MyNewDescription" })),
  );
  await s.match("describe_secret_res_2", describe());
  await s.match("update_secret_res_2", s.sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: "MyNewSecretString".repeat(2) })));
  await s.match("describe_secret_res_3", describe());
  await s.match("update_secret_res_3", s.sm.send(new UpdateSecretCommand({ SecretId: name })));
  await s.match("describe_secret_res_4", describe());
  await forceDelete(s, "delete_secret_res_0", name);
};

/** test_no_client_request_token: a plain HTTP client that sends no ClientRequestToken. */
const noClientRequestToken = (operation: "CreateSecret" | "UpdateSecret" | "PutSecretValue" | "RotateSecret"): Replay => async (s) => {
  const name = shortUid();
  const body: Record<string, string> = { SecretString: "thisisthesecret", Description: "My secret string" };
  if (operation === "CreateSecret") body.Name = name;
  else body.SecretId = name;
  const response = await s.raw(operation, body);
  s.keep("no-client-request-exc", { Error: response.json, Metadata: { StatusCode: response.status } });
};

const createSecretVersionFromEmptySecret: Replay = async (s) => {
  const created = await s.match("create-empty-secret", s.sm.send(new CreateSecretCommand({ Name: `test-version-${shortUid()}`, Description: "" })));
  // This scenario uses LocalStack's generic transformers: the ARN's resource, the name, any UUID.
  s.mask.literal(created.ARN!.slice(created.ARN!.indexOf(":secret:") + ":secret:".length), "<secret-version:1>");
  s.mask.literal(created.Name!, "<name:1>");
  await s.match("describe-secret", s.sm.send(new DescribeSecretCommand({ SecretId: created.ARN })));
  const put = await s.match(
    "put-secret-value",
    s.sm.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: "example-string-to-protect" })),
  );
  if (put?.VersionId) s.mask.literal(put.VersionId, "<uuid:1>");
};

const RESOURCE_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
};

export const scenarios: Record<string, ScenarioEntry> = {
  ...versionStageScenarios,

  "TestSecretsManager::test_create_and_update_secret[s-c64bdc03]": createAndUpdate("s-c64bdc03"),
  "TestSecretsManager::test_create_and_update_secret[Valid/_+=.@-Name]": createAndUpdate("Valid/_+=.@-Name"),
  "TestSecretsManager::test_create_and_update_secret[Valid/_+=.@-Name-a1b2]": createAndUpdate("Valid/_+=.@-Name-a1b2"),
  "TestSecretsManager::test_create_and_update_secret[Valid/_+=.@-Name-a1b2c3-]": createAndUpdate("Valid/_+=.@-Name-a1b2c3-"),
  // An earlier version of the test, parametrized with whether the partial ARN finds the secret.
  "TestSecretsManager::test_create_and_update_secret[s-c64bdc03-True]": createAndUpdate("s-c64bdc03"),
  "TestSecretsManager::test_create_and_update_secret[s-4b175f02-True]": createAndUpdate("s-4b175f02"),
  "TestSecretsManager::test_create_and_update_secret[Valid/_+=.@-Name-True]": createAndUpdate("Valid/_+=.@-Name"),
  "TestSecretsManager::test_create_and_update_secret[Valid/_+=.@-Name-a1b2-True]": createAndUpdate("Valid/_+=.@-Name-a1b2"),
  "TestSecretsManager::test_create_and_update_secret[Valid/_+=.@-Name-a1b2c3--True]": createAndUpdate("Valid/_+=.@-Name-a1b2c3-"),
  // A name ending in "-" and six characters: without its suffix the ARN looks complete, so it finds nothing.
  "TestSecretsManager::test_create_and_update_secret[Invalid/_+=.@-Name-a1b2c3-False]": createAndUpdate("Invalid/_+=.@-Name-a1b2c3", false),

  "TestSecretsManager::test_can_recreate_delete_secret": async (s) => {
    const name = secretName();
    const value = `secretstr-${shortUid()}`;
    const first = await s.match("create_secret_res_0", s.sm.send(new CreateSecretCommand({ Name: name, SecretString: value })));
    s.mask.secretIdArn(first, 0);
    await forceDelete(s, "delete_res_1", name);
    const second = await s.match("create_secret_res_1", s.sm.send(new CreateSecretCommand({ Name: name, SecretString: value })));
    s.mask.secretIdArn(second, 1);
    await s.sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  },

  "TestSecretsManager::test_exp_raised_on_creation_of_secret_scheduled_for_deletion": async (s) => {
    const name = secretName();
    const value = `secretstr-${shortUid()}`;
    s.mask.secretIdArn(await s.sm.send(new CreateSecretCommand({ Name: name, SecretString: value })), 0);
    await s.match("delete_res", s.sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 })));
    await s.match("invalid_req_ex", s.sm.send(new CreateSecretCommand({ Name: name, SecretString: value })));
  },

  "TestSecretsManager::test_call_lists_secrets_multiple_times": listsSecretsMultipleTimes,
  "TestSecretsManager::test_call_lists_secrets_multiple_times_snapshots": listsSecretsMultipleTimes,
  "TestSecretsManager::test_create_multi_secrets": createMultiSecrets,
  "TestSecretsManager::test_create_multi_secrets_snapshot": createMultiSecrets,

  "TestSecretsManager::test_invalid_secret_name[Inv Name]": invalidName("Inv Name"),
  "TestSecretsManager::test_invalid_secret_name[ Inv Name]": invalidName(" Inv Name"),
  "TestSecretsManager::test_invalid_secret_name[ Inv*Name? ]": invalidName(" Inv*Name? "),
  "TestSecretsManager::test_invalid_secret_name[ Inv *?!]Name\\\\-]": invalidName(" Inv *?!]Name\\-"),

  "TestSecretsManager::test_update_secret_description": updateSecretDescription,

  "TestSecretsManager::test_secret_not_found": async (s) => {
    await s.match("get_secret_value_not_found_ex", s.sm.send(new GetSecretValueCommand({ SecretId: secretName() })));
    await s.match("list_secret_version_ids_not_found_ex", versions(s, secretName()));
  },

  "TestSecretsManager::test_secret_exists_snapshots": async (s) => {
    const name = secretName();
    const input = { Name: name, SecretString: `my_secret_${name}`, Description: "Snapshot testing secret already exists." };
    s.mask.secretIdArn(await s.sm.send(new CreateSecretCommand(input)), 0);
    await s.match("ex_log", s.sm.send(new CreateSecretCommand(input)));
    await forceDelete(s, "delete_secret_res", name);
  },

  "TestSecretsManager::test_no_client_request_token[CreateSecret]": noClientRequestToken("CreateSecret"),
  "TestSecretsManager::test_no_client_request_token[UpdateSecret]": noClientRequestToken("UpdateSecret"),
  "TestSecretsManager::test_no_client_request_token[PutSecretValue]": noClientRequestToken("PutSecretValue"),
  "TestSecretsManager::test_no_client_request_token[RotateSecret]": noClientRequestToken("RotateSecret"),

  "TestSecretsManager::test_create_secret_version_from_empty_secret": createSecretVersionFromEmptySecret,

  "TestSecretsManager::test_rotate_secret_with_lambda_success[True]": { skip: ROTATION },
  "TestSecretsManager::test_rotate_secret_with_lambda_success[None]": { skip: ROTATION },
  "TestSecretsManager::test_rotate_secret_multiple_times_with_lambda_success": { skip: ROTATION },
  "TestSecretsManager::test_rotate_secret_invalid_lambda_arn": rotateWithout(
    "rotate_secret_invalid_arn_exc",
    (secretArn) => {
      const [, partition, , region, account] = secretArn.split(":");
      return `arn:${partition}:lambda:${region}:${account}:function:rotate_secret_invalid_lambda_arn`;
    },
  ),
  "TestSecretsManager::test_first_rotate_secret_with_missing_lambda_arn": rotateWithout("rotate_secret_no_arn_exc", () => undefined),

  "TestSecretsManager::test_resource_policy": async (s) => {
    const name = secretName();
    const created = await s.sm.send(
      new CreateSecretCommand({ Name: name, SecretString: "my_secret", Description: "testing creation of secrets" }),
    );
    s.mask.secretIdArn(created, 0);
    await s.match(
      "put_resource_policy",
      s.sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: JSON.stringify(RESOURCE_POLICY) })),
    );
    await s.match("get_resource_policy", s.sm.send(new GetResourcePolicyCommand({ SecretId: name })));
  },

  "TestSecretsManager::test_secret_restore": async (s) => {
    const name = secretName();
    const created = await s.sm.send(new CreateSecretCommand({ Name: name, SecretString: "my_secret", Description: "test description" }));
    s.mask.secretIdArn(created, 0);
    await s.match("delete_secret_res", s.sm.send(new DeleteSecretCommand({ SecretId: name })));
    await s.match("restore_secret_res", s.sm.send(new RestoreSecretCommand({ SecretId: name })));
  },

  "TestSecretsManager::test_secret_tags": async (s) => {
    const created = await s.match("create_secret", s.sm.send(new CreateSecretCommand({ Name: shortUid() })));
    s.mask.secretIdArn(created, 0);
    const arn = created.ARN!;
    const describe = () => s.sm.send(new DescribeSecretCommand({ SecretId: arn }));
    const tag = (tags: Record<string, string>) =>
      s.sm.send(new TagResourceCommand({ SecretId: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    const untag = (keys: string[]) => s.sm.send(new UntagResourceCommand({ SecretId: arn, TagKeys: keys }));
    await s.match("describe_secret", describe());
    await s.match("tag_resource_1", tag({ tag1: "value1" }));
    await s.match("describe_secret_1", describe());
    await s.match("tag_resource_2", tag({ tag2: "value2" }));
    await s.match("describe_secret_2", describe());
    await s.match("untag_resource_1", untag(["tag1"]));
    await s.match("describe_secret_3", describe());
    await s.match("untag_resource_2", untag(["tag2"]));
    await s.match("describe_secret_4", describe());
    await tag({ tag3: "value3", tag4: "value4" });
    await s.match("describe_secret_5", describe());
    await untag(["tag3", "tag4"]);
    await s.match("describe_secret_6", describe());
  },

  "TestSecretsManager::test_get_secret_value_errors": async (s) => {
    const name = shortUid();
    const created = await s.sm.send(new CreateSecretCommand({ Name: name, SecretString: "test" }));
    s.mask.secretIdArn(created, 0);
    await s.match(
      "error_get_secret_value_non_existing",
      s.sm.send(new GetSecretValueCommand({ SecretId: created.ARN, VersionStage: "AWSPREVIOUS" })),
    );
    await s.match(
      "mismatch_version_id_and_stage",
      s.sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: created.VersionId, VersionStage: "AWSPREVIOUS" })),
    );
  },

  "TestSecretsManager::test_secret_version_not_found": async (s) => {
    const name = secretName();
    await s.sm.send(new CreateSecretCommand({ Name: name }));
    const versionId = randomUUID();
    s.mask.literal(versionId, "<version-id>");
    await s.matchErrorText("get_secret_value_no_version_ex", "GetSecretValue", current(s, name));
    await s.matchErrorText(
      "get_secret_value_version_not_found_ex",
      "GetSecretValue",
      s.sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId })),
    );
    await s.matchErrorText(
      "get_secret_value_stage_not_found_ex",
      "GetSecretValue",
      s.sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPENDING" })),
    );
  },

  "TestSecretsManager::test_get_secret_value": async (s) => {
    const name = shortUid();
    const created = await s.sm.send(new CreateSecretCommand({ Name: name, SecretBinary: utf8("footest") }));
    s.mask.secretIdArn(created, 0);
    await s.match("secret_value_response", s.sm.send(new GetSecretValueCommand({ SecretId: created.ARN })));
    // Through plain HTTP the binary stays base64, as the wire carries it.
    const raw = await s.raw("GetSecretValue", { SecretId: name });
    const json = { ...raw.json };
    if (typeof json.CreatedDate === "number") json.CreatedDate = "datetime";
    s.keep("secret_value_http_response", json);
  },

  "TestSecretsManager::test_force_delete_deleted_secret": async (s) => {
    const name = secretName();
    const created = await s.match(
      "create_secret_response",
      s.sm.send(new CreateSecretCommand({ Name: name, SecretString: `secretstr-${shortUid()}` })),
    );
    s.mask.secretIdArn(created, 0);
    await s.match("delete_secret_response", s.sm.send(new DeleteSecretCommand({ SecretId: created.ARN })));
    await s.match("describe_secret_response", s.sm.send(new DescribeSecretCommand({ SecretId: created.ARN })));
    await forceDelete(s, "force_delete_secret_response", created.ARN!);
  },

  "TestSecretsManager::test_tag_untag_resource_on_deleted_secret": async (s) => {
    const created = await s.match(
      "create_secret",
      s.sm.send(
        new CreateSecretCommand({
          Name: shortUid(),
          SecretString: "test-secret-value",
          Tags: [{ Key: "initial-tag", Value: "initial-value" }],
        }),
      ),
    );
    s.mask.secretIdArn(created, 0);
    const arn = created.ARN!;
    await s.match("delete_secret", s.sm.send(new DeleteSecretCommand({ SecretId: arn })));
    await s.match(
      "tag_deleted_secret_error",
      s.sm.send(new TagResourceCommand({ SecretId: arn, Tags: [{ Key: "new-tag", Value: "new-value" }] })),
    );
    await s.match("untag_deleted_secret_error", s.sm.send(new UntagResourceCommand({ SecretId: arn, TagKeys: ["initial-tag"] })));
  },

  // The test's source is not public yet; the recording shows its calls: a binary secret created
  // with b"initial", then PutSecretValue and UpdateSecret with the two parameters, each read back.
  "TestSecretsManager::test_change_secret_value_after_creation[footest-updated1]": changeBinaryValue("footest", "updated1"),
  "TestSecretsManager::test_change_secret_value_after_creation[tops3cret-updated2]": changeBinaryValue("tops3cret", "updated2"),
  "TestSecretsManager::test_change_secret_value_after_creation[\\x00\\x01\\x02\\xff-\\xfe\\xfd]": changeBinaryValue(
    Buffer.from([0x00, 0x01, 0x02, 0xff]),
    Buffer.from([0xfe, 0xfd]),
  ),
};

function changeBinaryValue(putValue: string | Buffer, updateValue: string | Buffer): Replay {
  const bytes = (v: string | Buffer) => (typeof v === "string" ? utf8(v) : v);
  return async (s) => {
    const name = shortUid();
    const created = await s.sm.send(new CreateSecretCommand({ Name: name, SecretBinary: utf8("initial") }));
    s.mask.secretIdArn(created, 0);
    await s.match("put_secret_value_secret_response", current(s, name));
    await s.sm.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: bytes(putValue) }));
    await s.match("put_secret_binary_response_updated", current(s, name));
    await s.sm.send(new UpdateSecretCommand({ SecretId: name, SecretBinary: bytes(updateValue) }));
    await s.match("update_secret_binary_response_updated", current(s, name));
  };
}
