// Tags and key policies through the AWS SDK: TagResource, UntagResource, ListResourceTags and their
// refusals; GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, the malformed-policy and lockout checks.
// Every refused request leaves the key as it was.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateKeyCommand, GetKeyPolicyCommand, ListKeyPoliciesCommand, ListKeysCommand, ListResourceTagsCommand, PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand, TagResourceCommand, UntagResourceCommand, type KMSClient, type Tag,
} from "@aws-sdk/client-kms";
import { startMeridian, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { kmsClient } from "./kms-support.js";
import { refuses } from "../support/service-errors.js";

const ROOT = `arn:aws:iam::${ACCOUNT_ID}:root`;
let m: TestServer;
let kms: KMSClient;

before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
  kms = kmsClient(m);
});
after(() => m.stop());

const tags = (pairs: Record<string, string>): Tag[] => Object.entries(pairs).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
const newKey = async (input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}) => (await kms.send(new CreateKeyCommand(input))).KeyMetadata!;
async function tagsOf(KeyId: string): Promise<Tag[]> {
  const all: Tag[] = [];
  let Marker: string | undefined;
  do {
    const page = await kms.send(new ListResourceTagsCommand({ KeyId, Marker, Limit: 2 }));
    all.push(...page.Tags!);
    Marker = page.NextMarker;
  } while (Marker);
  return all;
}
const keyCount = async () => (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.length;
const policyOf = async (KeyId: string) => (await kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: "default" }))).Policy!;
const allowRoot = (action: string | string[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ROOT }, Action: action, Resource: "*" }] });

test("tags on CreateKey, TagResource adding and updating, UntagResource removing some", async () => {
  const key = await newKey({ Tags: tags({ tag1: "value1", tag2: "value2", tag3: "value3" }) });
  assert.deepEqual(await tagsOf(key.KeyId!), tags({ tag1: "value1", tag2: "value2", tag3: "value3" }));
  await kms.send(new TagResourceCommand({ KeyId: key.Arn, Tags: tags({ tag4: "value4", tag2: "updated_value2", tag5: "" }) }));
  assert.deepEqual(await tagsOf(key.KeyId!), tags({ tag1: "value1", tag2: "updated_value2", tag3: "value3", tag4: "value4", tag5: "" }));
  await kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ["tag2", "tag5", "never-there"] }));
  assert.deepEqual(await tagsOf(key.KeyId!), tags({ tag1: "value1", tag3: "value3", tag4: "value4" }));
});

test("tag refusals: duplicate keys, the aws: prefix, more than 50, too long; nothing changes", async () => {
  const key = await newKey({ Tags: tags({ keep: "me" }) });
  const count = await keyCount();
  await refuses(kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: "tag1", TagValue: "a" }, { TagKey: "tag1", TagValue: "b" }] })), {
    name: "TagException", message: "Duplicate tag keys",
  });
  for (const reserved of ["aws:key1", "AWS:key1"]) {
    await refuses(kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: tags({ [reserved]: "v" }) })), {
      name: "TagException", message: "Tags beginning with aws: are reserved",
    });
    await refuses(newKey({ Tags: tags({ [reserved]: "v" }) }), { name: "TagException", message: "Tags beginning with aws: are reserved" });
  }
  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, `value${i}`]));
  await refuses(newKey({ Tags: tags({ ...fifty, key50: "value50" }) }), { name: "TagException", message: "Too many tags" });
  await refuses(kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: tags(fifty) })), { name: "TagException", message: "Too many tags" });
  await refuses(newKey({ Tags: tags({ ["a".repeat(129)]: "v" }) }), {
    name: "ValidationException",
    message: `1 validation error detected: Value '${"a".repeat(129)}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`,
  });
  await refuses(newKey({ Tags: tags({ tag1: "v".repeat(257) }) }), {
    name: "ValidationException",
    message: `1 validation error detected: Value '${"v".repeat(257)}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`,
  });
  assert.deepEqual(await tagsOf(key.KeyId!), tags({ keep: "me" }));
  assert.equal(await keyCount(), count, "no refused CreateKey made a key");
});

test("a key's one policy, named default: the default policy, ListKeyPolicies, PutKeyPolicy", async () => {
  const key = await newKey();
  const initial = JSON.parse(await policyOf(key.KeyId!));
  assert.deepEqual(initial, {
    Version: "2012-10-17",
    Id: "key-default-1",
    Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" }],
  });
  const listed = await kms.send(new ListKeyPoliciesCommand({ KeyId: key.Arn }));
  assert.deepEqual([listed.PolicyNames, listed.Truncated], [["default"], false]);
  const unnamed = await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }));
  assert.equal(unnamed.PolicyName, "default");

  const policy = allowRoot(["kms:ListAliases", "kms:PutKeyPolicy", "kms:GetKeyPolicy"]);
  await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: "default", Policy: policy }));
  assert.equal(await policyOf(key.KeyId!), policy);

  const withPolicy = await newKey({ Policy: allowRoot("kms:*") });
  assert.equal(await policyOf(withPolicy.KeyId!), allowRoot("kms:*"));
});

test("policy refusals: not a policy, another policy name, a policy locking the caller out; nothing changes", async () => {
  const key = await newKey();
  const policy = await policyOf(key.KeyId!);
  const count = await keyCount();
  for (const bad of ["not a real policy statement", "[]", JSON.stringify({ Version: "2012-10-17" }), JSON.stringify({ Statement: [{ Effect: "Maybe", Principal: "*", Action: "kms:*" }] })]) {
    await refuses(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: "default", Policy: bad })), { name: "MalformedPolicyDocumentException" });
  }
  await refuses(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: "other", Policy: allowRoot("kms:*") })), {
    name: "NotFoundException", message: "No such policy exists",
  });
  const lockout = { name: "MalformedPolicyDocumentException", message: "The new key policy will not allow you to update the key policy in the future." };
  await refuses(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: "default", Policy: allowRoot("kms:Encrypt") })), lockout);
  await refuses(newKey({ Policy: allowRoot(["kms:Describe*", "kms:Get*"]) }), lockout);
  assert.equal(await policyOf(key.KeyId!), policy);
  assert.equal(await keyCount(), count);

  // The caller may take the risk, as AWS lets it.
  const locked = allowRoot("kms:Encrypt");
  await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: locked, BypassPolicyLockoutSafetyCheck: true }));
  // And is then locked out, as warned: the key policy alone decides, and it allows only Encrypt.
  await refuses(policyOf(key.KeyId!), {
    name: "AccessDeniedException",
    message: `User: arn:aws:iam::${ACCOUNT_ID}:root is not authorized to perform: kms:GetKeyPolicy on resource: ${key.Arn} because no resource-based policy allows the kms:GetKeyPolicy action`,
  });
});

test("PutKeyPolicy works in every key state, pending deletion included", async () => {
  const key = await newKey();
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 30 }));
  await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: "default", Policy: allowRoot("kms:*") }));
  assert.equal(await policyOf(key.KeyId!), allowRoot("kms:*"));
  assert.deepEqual(await tagsOf(key.KeyId!), [], "ListResourceTags answers for a key pending deletion");
});
