// The unchanged AWS CLI against Meridian's CloudFormation (issue 15): `aws cloudformation deploy`
// (change sets and their waiters), a second deploy that changes a description in place, a deploy
// with nothing to change, `delete-stack` and its waiter; every template of the tests passes
// cfn-lint; a template synthesised by aws-cdk-lib with BootstraplessSynthesizer deploys unchanged.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { App, BootstraplessSynthesizer, Stack } from "aws-cdk-lib";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Key } from "aws-cdk-lib/aws-kms";
import { CreateStackCommand } from "@aws-sdk/client-cloudformation";
import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import { awsCliMissing, emptyAwsHome, run, runProgram, type AwsHome } from "../support/aws-cli.js";
import { cfnClient, outputOf, settled } from "../cloudformation/cfn-support.js";
import { PRIMARY_KEY, REPLICA_KEY, appSecret } from "../cloudformation/templates.js";
import { DYNAMIC_REFERENCE, FAILING, LITERAL_SECRET, NOECHO_SECRET, USER_TEMPLATE } from "../cloudformation/safety-templates.js";

const SIMPLE = (description: string) => `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
Resources:
  Config:
    Type: AWS::SecretsManager::Secret
    Properties:
      Description: ${description}
      Tags:
        - Key: env
          Value: !Ref Env
Outputs:
  ConfigArn:
    Value: !Ref Config
`;

function cdkTemplate(): string {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "meridian-cdk-")) });
  const stack = new Stack(app, "CdkSecrets", { synthesizer: new BootstraplessSynthesizer() });
  const key = new Key(stack, "TeamKey", { description: "from the CDK", enableKeyRotation: true });
  new Secret(stack, "TeamSecret", { description: "synthesised by aws-cdk-lib", encryptionKey: key, generateSecretString: { passwordLength: 20 } });
  const template = app.synth().getStackByName("CdkSecrets").template as object;
  rmSync(app.outdir, { recursive: true, force: true });
  return JSON.stringify(template, null, 1);
}

describe("CloudFormation with the AWS CLI, cfn-lint and the CDK", { skip: awsCliMissing() }, () => {
  let m: TestServer;
  let home: AwsHome;
  before(async () => {
    m = await startMeridian();
    home = emptyAwsHome(m.url, "us-east-1");
  });
  after(async () => {
    home.remove();
    await m.stop();
  });

  it("deploys, updates and deletes a stack with the unchanged aws cloudformation deploy and delete-stack", async () => {
    const file = join(home.dir, "template.yaml");
    writeFileSync(file, SIMPLE("first"));
    const deploy = ["cloudformation", "deploy", "--template-file", file, "--stack-name", "cli-stack", "--parameter-overrides", "Env=dev"];
    const first = await run(deploy, home.env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Successfully created\/updated stack - cli-stack/);
    const cfn = cfnClient(m.url);
    const arn = outputOf(await settled(cfn, "cli-stack"), "ConfigArn")!;
    assert.equal((await m.secrets().send(new DescribeSecretCommand({ SecretId: arn }))).Description, "first");

    writeFileSync(file, SIMPLE("second"));
    const second = await run(deploy, home.env);
    assert.equal(second.code, 0, second.stderr);
    const updated = await settled(cfn, "cli-stack");
    assert.equal(updated.StackStatus, "UPDATE_COMPLETE");
    assert.equal(outputOf(updated, "ConfigArn"), arn, "changed in place");
    assert.equal((await m.secrets().send(new DescribeSecretCommand({ SecretId: arn }))).Description, "second");

    // as against AWS: nothing to change fails the command unless --no-fail-on-empty-changeset
    const same = await run(deploy, home.env);
    assert.equal(same.code, 255, same.stderr);
    assert.match(same.stderr, /No changes to deploy. Stack cli-stack is up to date/);
    assert.equal((await run([...deploy, "--no-fail-on-empty-changeset"], home.env)).code, 0);

    const bad = await run([...deploy.slice(0, -1), "Env=staging"], home.env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Parameter 'Env' must be one of AllowedValues/);

    const del = await run(["cloudformation", "delete-stack", "--stack-name", "cli-stack"], home.env);
    assert.equal(del.code, 0, del.stderr);
    const wait = await run(["cloudformation", "wait", "stack-delete-complete", "--stack-name", "cli-stack"], home.env);
    assert.equal(wait.code, 0, wait.stderr);
    await assert.rejects(m.secrets().send(new DescribeSecretCommand({ SecretId: arn })), { name: "ResourceNotFoundException" });
  });

  it("deploys a template synthesised by aws-cdk-lib with BootstraplessSynthesizer, unchanged", async () => {
    const cfn = cfnClient(m.url);
    await cfn.send(new CreateStackCommand({ StackName: "CdkSecrets", TemplateBody: cdkTemplate() }));
    const s = await settled(cfn, "CdkSecrets");
    assert.equal(s.StackStatus, "CREATE_COMPLETE", s.StackStatusReason);
  });

  it("every template of the tests passes cfn-lint", async () => {
    const templates = { SIMPLE: SIMPLE("x"), PRIMARY_KEY, REPLICA_KEY, APP: appSecret("x"), FAILING, USER_TEMPLATE, NOECHO_SECRET, DYNAMIC_REFERENCE, LITERAL_SECRET: LITERAL_SECRET.replace("LITERAL", "value"), CDK: cdkTemplate() };
    const files = Object.entries(templates).map(([name, body]) => {
      const file = join(home.dir, `${name}.${body.startsWith("{") ? "json" : "yaml"}`);
      writeFileSync(file, body);
      return file;
    });
    const lint = await runProgram("cfn-lint", ["--", ...files], home.env);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  });
});
