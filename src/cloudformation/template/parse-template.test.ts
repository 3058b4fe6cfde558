// Reading templates: YAML short forms become the long forms, JSON is read as it is, and malformed
// or incomplete templates get CloudFormation's format errors.

import assert from "node:assert/strict";
import { it } from "node:test";
import { parseTemplate } from "./parse-template.js";

it("expands the YAML short forms to the long forms, scalars, lists and maps alike", () => {
  const t = parseTemplate(`
Resources:
  S:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub "\${AWS::StackName}-db"
      Description: !Join ["-", [!Ref Env, !GetAtt K.Arn]]
      KmsKeyId: !If [IsProd, !Ref K, !Ref "AWS::NoValue"]
      Tags: !FindInMap { "Fn::Select": [0, [a]] }
`);
  assert.deepEqual(t.Resources.S!.Properties, {
    Name: { "Fn::Sub": "${AWS::StackName}-db" },
    Description: { "Fn::Join": ["-", [{ Ref: "Env" }, { "Fn::GetAtt": ["K", "Arn"] }]] },
    KmsKeyId: { "Fn::If": ["IsProd", { Ref: "K" }, { Ref: "AWS::NoValue" }] },
    Tags: { "Fn::FindInMap": { "Fn::Select": [0, ["a"]] } },
  });
  assert.deepEqual(t.Parameters, {});
});

it("reads JSON templates", () => {
  const t = parseTemplate(`{"Resources": {"H": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}, "Description": "d"}`);
  assert.equal(t.Description, "d");
  assert.equal(t.Resources.H!.Type, "AWS::CloudFormation::WaitConditionHandle");
});

it("refuses malformed and incomplete templates with CloudFormation's messages", () => {
  const refuses = (body: string, message: string | RegExp) => assert.throws(() => parseTemplate(body), { code: "ValidationError", message } as object);
  refuses(`{"Resources": `, /^Template format error: JSON not well-formed\./);
  refuses(`Resources:\n  A: [unclosed`, /^Template format error: YAML not well-formed\./);
  refuses(`Description: nothing`, "Template format error: At least one Resources member must be defined.");
  refuses(`Resources:\n  A:\n    Properties: {}`, "Template format error: [/Resources/A] Every Resources object must contain a Type member.");
  refuses(`Resources:\n  my-bucket:\n    Type: AWS::IAM::User`, "Template format error: Resource name my-bucket is non alphanumeric.");
  refuses(`Resourcez:\n  A:\n    Type: AWS::IAM::User`, "Template format error: Invalid template property or properties [Resourcez]");
});
