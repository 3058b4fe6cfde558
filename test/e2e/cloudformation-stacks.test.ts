// CloudFormation through @aws-sdk/client-cloudformation (issue 15): a multi-Region secret under
// per-Region customer keys (keys from two stacks, one importing the other's export), its policies,
// an update in place and one by replacement, exports that block a delete, and teardown.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateChangeSetCommand, CreateStackCommand, DeleteStackCommand, DescribeChangeSetCommand, DescribeStacksCommand, ListChangeSetsCommand, DescribeStackResourcesCommand, ListExportsCommand, UpdateStackCommand } from "@aws-sdk/client-cloudformation";
import { DescribeSecretCommand, GetSecretValueCommand, GetResourcePolicyCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { cfnClient, eventsOf, outputOf, settled } from "../cloudformation/cfn-support.js";
import { PRIMARY_KEY, REPLICA_KEY, appSecret } from "../cloudformation/templates.js";

describe("CloudFormation stacks", () => {
  let m: TestServer;
  before(async () => {
    m = await startMeridian();
  });
  after(() => m.stop());

  it("deploys a multi-Region secret under per-Region keys, updates it in place and by replacement, and refuses to delete an export in use", async () => {
    const east = cfnClient(m.url, "us-east-1");
    const west = cfnClient(m.url, "eu-west-1");
    await east.send(new CreateStackCommand({ StackName: "team-keys", TemplateBody: PRIMARY_KEY }));
    const keys = await settled(east, "team-keys");
    assert.equal(keys.StackStatus, "CREATE_COMPLETE", keys.StackStatusReason);
    const keyArn = outputOf(keys, "KeyArn")!;
    assert.match(keyArn, /^arn:aws:kms:us-east-1:111111111111:key\/mrk-/);

    await west.send(new CreateStackCommand({ StackName: "team-keys-replica", TemplateBody: REPLICA_KEY, Parameters: [{ ParameterKey: "PrimaryKeyArn", ParameterValue: keyArn }] }));
    const replica = await settled(west, "team-keys-replica");
    assert.equal(replica.StackStatus, "CREATE_COMPLETE", replica.StackStatusReason);
    const replicaKeyArn = outputOf(replica, "ReplicaKeyArn")!;
    assert.equal(replicaKeyArn, keyArn.replace("us-east-1", "eu-west-1"));

    const params = [
      { ParameterKey: "KeyStack", ParameterValue: "team-keys" },
      { ParameterKey: "ReplicaKeyArn", ParameterValue: replicaKeyArn },
    ];
    // a ManagedPolicy needs CAPABILITY_IAM
    await assert.rejects(east.send(new CreateStackCommand({ StackName: "app", TemplateBody: appSecret("first"), Parameters: params })), { name: "InsufficientCapabilitiesException", message: "Requires capabilities : [CAPABILITY_IAM]" });
    await east.send(new CreateStackCommand({ StackName: "app", TemplateBody: appSecret("first"), Parameters: params, Capabilities: ["CAPABILITY_IAM"] }));
    const app = await settled(east, "app");
    assert.equal(app.StackStatus, "CREATE_COMPLETE", app.StackStatusReason);
    const secretArn = outputOf(app, "SecretArn")!;
    const sm = m.secrets("us-east-1");
    const described = await sm.send(new DescribeSecretCommand({ SecretId: secretArn }));
    assert.equal(described.Name, "app/db-credentials");
    assert.equal(described.Description, "first");
    assert.equal(described.KmsKeyId, keyArn);
    assert.deepEqual(described.Tags, [{ Key: "team", Value: "payments" }]);
    assert.deepEqual(described.ReplicationStatus?.map((r) => [r.Region, r.KmsKeyId]), [["eu-west-1", replicaKeyArn]]);
    const value = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!);
    assert.equal(value.username, "app");
    assert.match(value.password, /^[A-Za-z0-9]{24}$/);
    assert.match((await sm.send(new GetResourcePolicyCommand({ SecretId: secretArn }))).ResourcePolicy!, /DeleteResourcePolicy/);
    // made by the deployer's own calls: the audit trail shows CreateSecret as theirs, invoked by CloudFormation
    const audit = await m.server.host.node("us-east-1")!.store.queryAuditEvents({ eventName: "CreateSecret" });
    const created = audit.find((e) => e.event.responseElements?.arn === secretArn || JSON.stringify(e.event.responseElements ?? {}).includes(secretArn))!;
    assert.ok(created, "a CreateSecret event for the stack's secret");
    const stackCall = (await m.server.host.node("us-east-1")!.store.queryAuditEvents({ eventName: "CreateStack" }))[0]!;
    assert.equal(stackCall.event.eventSource, "cloudformation.amazonaws.com");
    assert.ok(stackCall.event.userIdentity.arn);
    assert.equal(created.event.userIdentity.arn, stackCall.event.userIdentity.arn, "the deployer's identity");
    assert.equal(created.event.sourceIPAddress, "cloudformation.amazonaws.com");
    assert.equal(JSON.stringify(created.event).includes(value.password), false, "the generated value is not in the event");

    // a description changes in place: same ARN
    await east.send(new UpdateStackCommand({ StackName: "app", TemplateBody: appSecret("second"), Parameters: params, Capabilities: ["CAPABILITY_IAM"] }));
    const updated = await settled(east, "app");
    assert.equal(updated.StackStatus, "UPDATE_COMPLETE", updated.StackStatusReason);
    assert.equal(outputOf(updated, "SecretArn"), secretArn);
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: secretArn }))).Description, "second");

    // a name replaces the secret: a new ARN, the old secret gone
    await east.send(new UpdateStackCommand({ StackName: "app", TemplateBody: appSecret("second", "app/renamed"), Parameters: params, Capabilities: ["CAPABILITY_IAM"] }));
    const renamed = await settled(east, "app");
    assert.equal(renamed.StackStatus, "UPDATE_COMPLETE", renamed.StackStatusReason);
    const newArn = outputOf(renamed, "SecretArn")!;
    assert.notEqual(newArn, secretArn);
    assert.match(newArn, /:secret:app\/renamed-/);
    await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: secretArn })), { name: "ResourceNotFoundException" });
    const events = await eventsOf(east, "app");
    assert.ok(events.some((e) => e.LogicalResourceId === "AppSecret" && e.ResourceStatusReason === "Requested update requires the creation of a new physical resource; hence creating one."));

    // the key stack's export is imported by "app": its delete is refused, AWS's words
    assert.deepEqual((await east.send(new ListExportsCommand({}))).Exports?.map((e) => [e.Name, e.Value]), [["team-keys-KeyArn", keyArn]]);
    await east.send(new DeleteStackCommand({ StackName: "team-keys" }));
    const refused = await settled(east, "team-keys");
    assert.equal(refused.StackStatus, "DELETE_FAILED");
    assert.equal(refused.StackStatusReason, "Delete canceled. Cannot delete export team-keys-KeyArn as it is in use by app.");

    await east.send(new DeleteStackCommand({ StackName: "app" }));
    await assert.rejects(settled(east, "app"), { name: "ValidationError", message: "Stack with id app does not exist" });
    await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: newArn })), { name: "ResourceNotFoundException" });
    const resources = await west.send(new DescribeStackResourcesCommand({ StackName: "team-keys-replica" }));
    assert.equal(resources.StackResources?.[0]?.ResourceStatus, "CREATE_COMPLETE");
  });

  it("deletes what an update removes, but keeps what DeletionPolicy Retain keeps", async () => {
    const cfn = cfnClient(m.url, "us-east-1");
    const two = `Resources:\n  Dropped:\n    Type: AWS::SecretsManager::Secret\n  Kept:\n    Type: AWS::SecretsManager::Secret\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n`;
    await cfn.send(new CreateStackCommand({ StackName: "shrinking", TemplateBody: two }));
    await settled(cfn, "shrinking");
    const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: "shrinking" }))).StackResources!;
    const arn = (id: string) => resources.find((r) => r.LogicalResourceId === id)!.PhysicalResourceId!;
    await cfn.send(new UpdateStackCommand({ StackName: "shrinking", TemplateBody: `Resources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\n` }));
    const s = await settled(cfn, "shrinking");
    assert.equal(s.StackStatus, "UPDATE_COMPLETE", s.StackStatusReason);
    const sm = m.secrets("us-east-1");
    await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: arn("Dropped") })), { name: "ResourceNotFoundException" });
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: arn("Kept") }))).ARN, arn("Kept"));
    const after = (await cfn.send(new DescribeStackResourcesCommand({ StackName: "shrinking" }))).StackResources!;
    assert.deepEqual(after.map((r) => r.LogicalResourceId), ["Handle"]);
    assert.ok((await eventsOf(cfn, "shrinking")).some((e) => e.LogicalResourceId === "Kept" && e.ResourceStatus === "DELETE_SKIPPED"));
  });

  it("keeps a stack whose CREATE change set is not executed in REVIEW_IN_PROGRESS, and deletes it with its change sets", async () => {
    const cfn = cfnClient(m.url, "us-east-1");
    await cfn.send(new CreateChangeSetCommand({ StackName: "reviewed", ChangeSetName: "first", ChangeSetType: "CREATE", TemplateBody: PRIMARY_KEY }));
    const cs = await cfn.send(new DescribeChangeSetCommand({ StackName: "reviewed", ChangeSetName: "first" }));
    assert.equal(cs.Status, "CREATE_COMPLETE");
    assert.deepEqual(cs.Changes?.map((c) => [c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId, c.ResourceChange?.ResourceType]), [["Add", "PrimaryKey", "AWS::KMS::Key"]]);
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "reviewed" }))).Stacks![0]!;
    assert.equal(stack.StackStatus, "REVIEW_IN_PROGRESS");
    assert.deepEqual(stack.Parameters, []);
    await cfn.send(new DeleteStackCommand({ StackName: "reviewed" }));
    await assert.rejects(settled(cfn, "reviewed"), { name: "ValidationError", message: "Stack with id reviewed does not exist" });
    await assert.rejects(cfn.send(new ListChangeSetsCommand({ StackName: "reviewed" })), { name: "ValidationError" });
  });
});
