// CloudFormation's failures and secrets (issue 15): a failed create rolls back; a user without
// permission on a resource type gets the stack rolled back with the access-denied reason (the
// resources are made as the deployer); a dynamic reference resolves at deploy time; NoEcho values,
// resolved references and literal SecretStrings are nowhere in plaintext: not in the responses,
// not in the store's files.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateStackCommand, DescribeStacksCommand, GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetUserCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { DescribeSecretCommand, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { ADMIN, startMeridian, type TestServer } from "../support/meridian.js";
import { cfnClient, eventsOf, outputOf, settled } from "../cloudformation/cfn-support.js";
import { DYNAMIC_REFERENCE, FAILING, LITERAL_SECRET, NOECHO_SECRET, USER_TEMPLATE } from "../cloudformation/safety-templates.js";

const NOECHO_VALUE = "NoEcho-Plaintext-77-q9";
const LITERAL_VALUE = "Literal-Plaintext-42-z8";

describe("CloudFormation failures and secrets", () => {
  let m: TestServer;
  before(async () => {
    m = await startMeridian();
  });
  after(() => m.stop());

  it("rolls a failed create back: what was made is deleted, the reason names the resource", async () => {
    const cfn = cfnClient(m.url);
    await cfn.send(new CreateStackCommand({ StackName: "failing", TemplateBody: FAILING }));
    const s = await settled(cfn, "failing");
    assert.equal(s.StackStatus, "ROLLBACK_COMPLETE");
    assert.equal(s.StackStatusReason, undefined);
    const events = await eventsOf(cfn, "failing");
    const rollback = events.find((e) => e.ResourceStatus === "ROLLBACK_IN_PROGRESS")!;
    assert.equal(rollback.ResourceStatusReason, "The following resource(s) failed to create: [BadAlias]. Rollback requested by user.");
    const failed = events.find((e) => e.ResourceStatus === "CREATE_FAILED")!;
    assert.equal(failed.LogicalResourceId, "BadAlias");
    assert.match(failed.ResourceStatusReason!, /^Resource handler returned message: ".*" \(HandlerErrorCode: \w+\)$/);
    const made = events.find((e) => e.LogicalResourceId === "GoodSecret" && e.ResourceStatus === "CREATE_COMPLETE")!;
    assert.ok(events.some((e) => e.LogicalResourceId === "GoodSecret" && e.ResourceStatus === "DELETE_COMPLETE"));
    await assert.rejects(m.secrets().send(new DescribeSecretCommand({ SecretId: made.PhysicalResourceId! })), { name: "ResourceNotFoundException" });
  });

  it("makes resources as the deployer: a user who may not create IAM users gets the stack rolled back with the denial", async () => {
    const iam = new IAMClient({ endpoint: m.url, region: "us-east-1", credentials: ADMIN, maxAttempts: 1 });
    await iam.send(new CreateUserCommand({ UserName: "deployer" }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: "deployer",
        PolicyName: "stacks-and-secrets",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["cloudformation:*", "secretsmanager:*"], Resource: "*" },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/cfn-*" },
          ],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "deployer" }))).AccessKey!;
    const trusting = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
    await iam.send(new CreateRoleCommand({ RoleName: "cfn-iam-admin", AssumeRolePolicyDocument: trusting("cloudformation.amazonaws.com") }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "cfn-iam-admin", PolicyName: "iam", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }] }) }));
    await iam.send(new CreateRoleCommand({ RoleName: "cfn-lambda-only", AssumeRolePolicyDocument: trusting("lambda.amazonaws.com") }));
    await iam.send(new CreateRoleCommand({ RoleName: "other-admin", AssumeRolePolicyDocument: trusting("cloudformation.amazonaws.com") }));
    const cfn = cfnClient(m.url, "us-east-1", { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    await cfn.send(new CreateStackCommand({ StackName: "iam-denied", TemplateBody: USER_TEMPLATE, Capabilities: ["CAPABILITY_IAM"] }));
    const s = await settled(cfn, "iam-denied");
    assert.equal(s.StackStatus, "ROLLBACK_COMPLETE");
    const failed = (await eventsOf(cfn, "iam-denied")).find((e) => e.ResourceStatus === "CREATE_FAILED")!;
    assert.equal(failed.LogicalResourceId, "Operator");
    assert.match(
      failed.ResourceStatusReason!,
      /^Resource handler returned message: "User: arn:aws:iam::111111111111:user\/deployer is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111111111111:user\/operators\/iam-denied-Operator-[A-Z0-9]{13} .*" \(HandlerErrorCode: AccessDenied\)$/,
    );

    // a service role it may pass, which trusts CloudFormation, makes the user: the role's permissions, not the deployer's
    const create = (StackName: string, RoleARN: string) => cfn.send(new CreateStackCommand({ StackName, TemplateBody: USER_TEMPLATE, Capabilities: ["CAPABILITY_IAM"], RoleARN }));
    await assert.rejects(create("not-passed", "arn:aws:iam::111111111111:role/other-admin"), {
      name: "AccessDenied",
      message: /^User: arn:aws:iam::111111111111:user\/deployer is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111111111111:role\/other-admin/,
    });
    await assert.rejects(create("not-trusted", "arn:aws:iam::111111111111:role/cfn-lambda-only"), { name: "ValidationError", message: "Role arn:aws:iam::111111111111:role/cfn-lambda-only is invalid or cannot be assumed" });
    await create("with-role", "arn:aws:iam::111111111111:role/cfn-iam-admin");
    const withRole = await settled(cfn, "with-role");
    assert.equal(withRole.StackStatus, "CREATE_COMPLETE", withRole.StackStatusReason);
    assert.equal(withRole.RoleARN, "arn:aws:iam::111111111111:role/cfn-iam-admin");
    const made = (await eventsOf(cfn, "with-role")).find((e) => e.LogicalResourceId === "Operator" && e.ResourceStatus === "CREATE_COMPLETE")!;
    assert.equal((await iam.send(new GetUserCommand({ UserName: made.PhysicalResourceId! }))).User?.Path, "/operators/");
    iam.destroy();
  });

  it("resolves a dynamic reference at deploy time and keeps NoEcho values, resolved values and literal SecretStrings out of responses and the store", async () => {
    const cfn = cfnClient(m.url);
    await cfn.send(new CreateStackCommand({ StackName: "noecho", TemplateBody: NOECHO_SECRET, Parameters: [{ ParameterKey: "DbPassword", ParameterValue: NOECHO_VALUE }] }));
    const source = await settled(cfn, "noecho");
    assert.equal(source.StackStatus, "CREATE_COMPLETE", source.StackStatusReason);
    assert.deepEqual(source.Parameters, [{ ParameterKey: "DbPassword", ParameterValue: "****" }]);

    await cfn.send(new CreateStackCommand({ StackName: "copy", TemplateBody: DYNAMIC_REFERENCE }));
    const copy = await settled(cfn, "copy");
    assert.equal(copy.StackStatus, "CREATE_COMPLETE", copy.StackStatusReason);
    const copied = await m.secrets().send(new GetSecretValueCommand({ SecretId: outputOf(copy, "CopyArn")! }));
    assert.equal(copied.SecretString, `password=${NOECHO_VALUE}`);

    await cfn.send(new CreateStackCommand({ StackName: "literal", TemplateBody: LITERAL_SECRET.replace("LITERAL", LITERAL_VALUE) }));
    assert.equal((await settled(cfn, "literal")).StackStatus, "CREATE_COMPLETE");

    const shown = JSON.stringify([
      (await cfn.send(new DescribeStacksCommand({}))).Stacks,
      await eventsOf(cfn, "noecho"),
      await eventsOf(cfn, "copy"),
      (await cfn.send(new GetTemplateCommand({ StackName: "copy" }))).TemplateBody,
      (await cfn.send(new GetTemplateCommand({ StackName: "noecho" }))).TemplateBody,
    ]);
    assert.ok(!shown.includes(NOECHO_VALUE), "a NoEcho or resolved value is shown");
    assert.ok(shown.includes("{{resolve:secretsmanager:noecho/db:SecretString:password}}"), "GetTemplate shows the reference, not its value");

    await m.server.host.whenDurable();
    for (const file of readdirSync(m.dataDir)) {
      if (!/\.sqlite/.test(file)) continue;
      const bytes = readFileSync(join(m.dataDir, file));
      for (const plaintext of [NOECHO_VALUE, LITERAL_VALUE, "Literal-Plaintext"]) assert.equal(bytes.indexOf(plaintext), -1, `${plaintext} found in ${file}`);
    }
  });
});
