// Calls as CloudTrail events, against the real generated models: what is kept, what is hidden,
// how members are named, which calls are read-only, and who the caller was.

import { test } from "node:test";
import assert from "node:assert/strict";
import { model as secretsmanager } from "../generated/secretsmanager-model.js";
import { model as kms } from "../generated/kms-model.js";
import type { ServiceModel } from "../contract/model-types.js";
import { operatorModel } from "../edge/operator-accounts.js";
import type { AuditedCall } from "./audit-types.js";
import { HIDDEN, cloudTrailName, isReadOnly, redactStructure, toCloudTrailEvent } from "./cloudtrail-event.js";

const CANARY = "audit-plaintext-canary";
const ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-AbCdEf";
const alice = { arn: "arn:aws:iam::111122223333:user/team/alice", account: "111122223333", type: "User" as const, username: "alice", userId: "AIDAEXAMPLEALICE" };

function call(over: Partial<AuditedCall>): AuditedCall {
  return {
    time: Date.UTC(2026, 10, 28, 17, 37, 0, 412),
    service: "secretsmanager",
    model: secretsmanager,
    operation: "DescribeSecret",
    region: "eu-west-1",
    sourceIp: "192.0.2.10",
    userAgent: "aws-cli/2.15.0",
    principal: alice,
    accessKeyId: "AKIAEXAMPLEALICE",
    requestId: "11111111-2222-3333-4444-555555555555",
    ...over,
  };
}

test("CreateSecret: the secret's value is hidden, every other parameter shown the way CloudTrail names it", () => {
  const event = toCloudTrailEvent(
    call({
      operation: "CreateSecret",
      input: {
        Name: "app/db",
        ClientRequestToken: "token-1",
        KmsKeyId: "alias/app",
        SecretString: CANARY,
        Tags: [{ Key: "team", Value: "blue" }],
        AddReplicaRegions: [{ Region: "ap-south-1", KmsKeyId: "alias/app" }],
        NotInTheModel: CANARY,
      },
      output: { ARN, Name: "app/db", VersionId: "token-1" },
    }),
    "event-1",
  );
  assert.deepEqual(event, {
    eventVersion: "1.08",
    userIdentity: {
      type: "IAMUser",
      principalId: "AIDAEXAMPLEALICE",
      arn: alice.arn,
      accountId: "111122223333",
      accessKeyId: "AKIAEXAMPLEALICE",
      userName: "alice",
    },
    eventTime: "2026-11-28T17:37:00Z",
    eventSource: "secretsmanager.amazonaws.com",
    eventName: "CreateSecret",
    awsRegion: "eu-west-1",
    sourceIPAddress: "192.0.2.10",
    userAgent: "aws-cli/2.15.0",
    requestParameters: {
      name: "app/db",
      clientRequestToken: "token-1",
      kmsKeyId: "alias/app",
      secretString: HIDDEN,
      tags: [{ key: "team", value: "blue" }],
      addReplicaRegions: [{ region: "ap-south-1", kmsKeyId: "alias/app" }],
    },
    responseElements: { arn: ARN, name: "app/db", versionId: "token-1" },
    requestID: "11111111-2222-3333-4444-555555555555",
    eventID: "event-1",
    readOnly: false,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: "111122223333",
    eventCategory: "Management",
  });
  const binary = toCloudTrailEvent(call({ operation: "CreateSecret", input: { Name: "b", SecretBinary: Buffer.from(CANARY).toString("base64") } }), "e");
  assert.equal(binary.requestParameters?.secretBinary, HIDDEN);
  assert.ok(!JSON.stringify(binary).includes(Buffer.from(CANARY).toString("base64")));
});

test("GetSecretValue is read-only with no response elements; its output, were it shown, hides the value", () => {
  const output = { ARN, Name: "app/db", VersionId: "v1", SecretString: CANARY, VersionStages: ["AWSCURRENT"], CreatedDate: 1660171107.5 };
  const event = toCloudTrailEvent(call({ operation: "GetSecretValue", input: { SecretId: "app/db", VersionStage: "AWSCURRENT" }, output }), "e");
  assert.equal(event.readOnly, true);
  assert.deepEqual(event.requestParameters, { secretId: "app/db", versionStage: "AWSCURRENT" });
  assert.equal(event.responseElements, null);
  assert.ok(!JSON.stringify(event).includes(CANARY));
  assert.deepEqual(redactStructure(secretsmanager, "GetSecretValueResponse", output), {
    arn: ARN,
    name: "app/db",
    versionId: "v1",
    secretString: HIDDEN,
    versionStages: ["AWSCURRENT"],
    createdDate: "Aug 10, 2022, 10:38:27 PM",
  });
});

test("KMS: plaintext hidden, encryption context kept as given, ciphertext blobs left out, key metadata named as CloudTrail names it", () => {
  const encrypt = toCloudTrailEvent(
    call({ service: "kms", model: kms, operation: "Encrypt", input: { KeyId: "alias/app", Plaintext: Buffer.from(CANARY).toString("base64"), EncryptionContext: { Purpose: "test" } } }),
    "e",
  );
  assert.equal(encrypt.eventSource, "kms.amazonaws.com");
  assert.equal(encrypt.readOnly, true);
  assert.deepEqual(encrypt.requestParameters, { keyId: "alias/app", plaintext: HIDDEN, encryptionContext: { Purpose: "test" } });

  const decrypt = toCloudTrailEvent(call({ service: "kms", model: kms, operation: "Decrypt", input: { CiphertextBlob: "AQIDBA==", EncryptionAlgorithm: "SYMMETRIC_DEFAULT" } }), "e");
  assert.deepEqual(decrypt.requestParameters, { encryptionAlgorithm: "SYMMETRIC_DEFAULT" });

  assert.deepEqual(redactStructure(kms, "GenerateDataKeyResponse", { CiphertextBlob: "AQID", Plaintext: "c2VjcmV0", KeyId: "k" }), { plaintext: HIDDEN, keyId: "k" });

  const created = toCloudTrailEvent(
    call({
      service: "kms",
      model: kms,
      operation: "CreateKey",
      input: { Description: "", KeySpec: "SYMMETRIC_DEFAULT" },
      output: { KeyMetadata: { AWSAccountId: "111122223333", KeyId: "1234", Arn: "arn:aws:kms:eu-west-1:111122223333:key/1234", CreationDate: 1660171107, Enabled: true, MultiRegion: false } },
    }),
    "e",
  );
  assert.equal(created.readOnly, false);
  assert.deepEqual(created.responseElements, {
    keyMetadata: { AWSAccountId: "111122223333", keyId: "1234", arn: "arn:aws:kms:eu-west-1:111122223333:key/1234", creationDate: "Aug 10, 2022, 10:38:27 PM", enabled: true, multiRegion: false },
  });
});

test("an error event carries the code and message after the user agent, and no response elements", () => {
  const event = toCloudTrailEvent(
    call({
      operation: "PutSecretValue",
      input: { SecretId: "app/db", SecretString: CANARY },
      output: { ARN },
      error: { code: "AccessDeniedException", message: `User: ${alice.arn} is not authorized to perform: secretsmanager:PutSecretValue` },
    }),
    "e",
  );
  assert.equal(event.errorCode, "AccessDeniedException");
  assert.match(event.errorMessage ?? "", /is not authorized/);
  assert.equal(event.responseElements, null);
  assert.deepEqual(event.requestParameters, { secretId: "app/db", secretString: HIDDEN });
  const keys = Object.keys(event);
  assert.deepEqual(keys.slice(keys.indexOf("userAgent"), keys.indexOf("userAgent") + 4), ["userAgent", "errorCode", "errorMessage", "requestParameters"]);

  const noMessage = toCloudTrailEvent(call({ operation: "Nope", error: { code: "UnknownOperationException", message: "" } }), "e");
  assert.equal(noMessage.errorCode, "UnknownOperationException");
  assert.ok(!("errorMessage" in noMessage));
  assert.equal(noMessage.requestParameters, null);
  assert.ok(!("errorCode" in toCloudTrailEvent(call({}), "e")));
});

test("read-only follows CloudTrail: reads and KMS cryptographic operations, not changes", () => {
  const readOnly = [
    ["secretsmanager", "GetSecretValue"],
    ["secretsmanager", "BatchGetSecretValue"],
    ["secretsmanager", "ListSecrets"],
    ["secretsmanager", "DescribeSecret"],
    ["secretsmanager", "ValidateResourcePolicy"],
    ["secretsmanager", "GetRandomPassword"],
    ["kms", "Encrypt"],
    ["kms", "Decrypt"],
    ["kms", "ReEncrypt"],
    ["kms", "GenerateDataKey"],
    ["kms", "GenerateDataKeyWithoutPlaintext"],
    ["kms", "GenerateRandom"],
    ["kms", "DescribeKey"],
    ["sts", "GetCallerIdentity"],
    ["account", "ListRegions"],
  ];
  const changes = [
    ["secretsmanager", "CreateSecret"],
    ["secretsmanager", "PutSecretValue"],
    ["secretsmanager", "DeleteSecret"],
    ["secretsmanager", "ReplicateSecretToRegions"],
    ["kms", "CreateKey"],
    ["kms", "ScheduleKeyDeletion"],
    ["sts", "AssumeRole"],
    ["account", "EnableRegion"],
    ["iam", "Listen"], // a prefix is a word, not a few letters
  ];
  for (const [service, op] of readOnly) assert.equal(isReadOnly(service, op), true, `${service}:${op}`);
  for (const [service, op] of changes) assert.equal(isReadOnly(service, op), false, `${service}:${op}`);
});

test("userIdentity: the account root, and an assumed role with the session that issued it", () => {
  const root = toCloudTrailEvent(call({ principal: { arn: "arn:aws:iam::111122223333:root", account: "111122223333", type: "Root" } }), "e");
  assert.deepEqual(root.userIdentity, {
    type: "Root",
    principalId: "111122223333",
    arn: "arn:aws:iam::111122223333:root",
    accountId: "111122223333",
    accessKeyId: "AKIAEXAMPLEALICE",
  });

  const assumed = toCloudTrailEvent(
    call({
      principal: {
        arn: "arn:aws:sts::111122223333:assumed-role/Deployer/ci-run-7",
        account: "111122223333",
        type: "AssumedRole",
        roleArn: "arn:aws:iam::111122223333:role/ops/Deployer",
        userId: "AROAEXAMPLEROLE:ci-run-7",
      },
      accessKeyId: "ASIAEXAMPLESESSION",
      session: { issuerArn: "arn:aws:iam::111122223333:role/ops/Deployer", issuerType: "Role", createdAt: Date.UTC(2026, 10, 28, 17, 0, 0, 999), mfa: false },
    }),
    "e",
  );
  assert.deepEqual(assumed.userIdentity, {
    type: "AssumedRole",
    principalId: "AROAEXAMPLEROLE:ci-run-7",
    arn: "arn:aws:sts::111122223333:assumed-role/Deployer/ci-run-7",
    accountId: "111122223333",
    accessKeyId: "ASIAEXAMPLESESSION",
    sessionContext: {
      sessionIssuer: {
        type: "Role",
        principalId: "AROAEXAMPLEROLE",
        arn: "arn:aws:iam::111122223333:role/ops/Deployer",
        accountId: "111122223333",
        userName: "Deployer",
      },
      webIdFederationData: {},
      attributes: { creationDate: "2026-11-28T17:00:00Z", mfaAuthenticated: "false" },
    },
  });
});

test("members named for secrets are hidden even where a model forgets to mark them", () => {
  const model: ServiceModel = {
    metadata: { apiVersion: "x", endpointPrefix: "iam", serviceId: "IAM", protocol: "json", signingName: "iam" },
    operations: { CreateLoginProfile: { input: "In", output: "Out", errors: [], http: { method: "POST", requestUri: "/" } } },
    shapes: {
      In: { type: "structure", members: { UserName: { shape: "S" }, Password: { shape: "S" } } },
      Out: { type: "structure", members: { AccessKey: { shape: "Key" } } },
      Key: { type: "structure", members: { AccessKeyId: { shape: "S" }, SecretAccessKey: { shape: "S" }, SessionToken: { shape: "S" } } },
      S: { type: "string" },
    },
  };
  const event = toCloudTrailEvent(
    call({ service: "iam", model, operation: "CreateLoginProfile", input: { UserName: "bob", Password: CANARY }, output: { AccessKey: { AccessKeyId: "AKIA1", SecretAccessKey: CANARY, SessionToken: CANARY } } }),
    "e",
  );
  assert.deepEqual(event.requestParameters, { userName: "bob", password: HIDDEN });
  assert.deepEqual(event.responseElements, { accessKey: { accessKeyId: "AKIA1", secretAccessKey: HIDDEN, sessionToken: HIDDEN } });
});

test("an operator's CreateAccount: the new root key's secret is hidden, the source is Meridian itself", () => {
  const root = { arn: "arn:aws:iam::111122223333:root", account: "111122223333", type: "Root" as const };
  const event = toCloudTrailEvent(
    call({ service: "meridian", model: operatorModel, operation: "CreateAccount", principal: root, input: {}, output: { AccountId: "444455556666", AccessKeyId: "AKIANEW", SecretAccessKey: CANARY } }),
    "e",
  );
  assert.equal(event.eventSource, "meridian");
  assert.equal(event.readOnly, false);
  assert.deepEqual(event.responseElements, { accountId: "444455556666", accessKeyId: "AKIANEW", secretAccessKey: HIDDEN });
  assert.ok(!JSON.stringify(event).includes(CANARY));
  const listed = toCloudTrailEvent(call({ service: "meridian", model: operatorModel, operation: "ListAccounts", principal: root, input: {}, output: { Accounts: [] } }), "e");
  assert.deepEqual([listed.readOnly, listed.responseElements], [true, null]);
});

test("member names as CloudTrail shows them", () => {
  assert.equal(cloudTrailName("SecretId"), "secretId");
  assert.equal(cloudTrailName("ARN"), "arn");
  assert.equal(cloudTrailName("AWSAccountId"), "AWSAccountId");
  assert.equal(cloudTrailName("KmsKeyId"), "kmsKeyId");
});
