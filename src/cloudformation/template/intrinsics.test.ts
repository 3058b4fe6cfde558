// The intrinsic functions over a small context: parameters, pseudo parameters, conditions,
// mappings, resources' Ref and GetAtt values, exports; AWS::NoValue removes what it lands on.

import assert from "node:assert/strict";
import { it } from "node:test";
import { evaluate, evaluateConditions, type EvalContext } from "./intrinsics.js";
import type { Template } from "./template-types.js";

const template: Template = {
  Parameters: { Env: { Type: "String" } },
  Mappings: { Sizes: { prod: { Length: 32 }, dev: { Length: 12 } } },
  Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] }, NotProd: { "Fn::Not": [{ Condition: "IsProd" }] } },
  Resources: {},
  Outputs: {},
};

function context(env: string): EvalContext {
  const base = {
    params: { Env: env, "AWS::Region": "eu-west-1", "AWS::StackName": "app" },
    mappings: template.Mappings,
    region: "eu-west-1",
    ref: (id: string) => `physical-${id}`,
    getAtt: (id: string, attribute: string) => `${id}.${attribute}`,
    importValue: (name: string) => `imported-${name}`,
  };
  return { ...base, conditions: evaluateConditions(template, base) };
}

it("evaluates the functions", () => {
  const ctx = context("prod");
  assert.equal(evaluate({ "Fn::Sub": "${AWS::StackName}-${Env}-${Key.Arn}-${!Literal}" }, ctx), "app-prod-Key.Arn-${Literal}");
  assert.equal(evaluate({ "Fn::Sub": ["${A}/${Env}", { A: { Ref: "Key" } }] }, ctx), "physical-Key/prod");
  assert.equal(evaluate({ "Fn::Join": [",", ["a", { Ref: "Env" }]] }, ctx), "a,prod");
  assert.equal(evaluate({ "Fn::Select": [1, { "Fn::Split": ["/", "a/b/c"] }] }, ctx), "b");
  assert.equal(evaluate({ "Fn::FindInMap": ["Sizes", { Ref: "Env" }, "Length"] }, ctx), 32);
  assert.equal(evaluate({ "Fn::Base64": "hi" }, ctx), "aGk=");
  assert.deepEqual(evaluate({ "Fn::GetAZs": "" }, ctx), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  assert.equal(evaluate({ "Fn::ImportValue": { "Fn::Sub": "${Env}-Arn" } }, ctx), "imported-prod-Arn");
  assert.equal(evaluate({ "Fn::GetAtt": ["Key", "Arn"] }, ctx), "Key.Arn");
});

it("decides conditions, Fn::If and AWS::NoValue", () => {
  assert.deepEqual(context("prod").conditions, { IsProd: true, NotProd: false });
  assert.deepEqual(context("dev").conditions, { IsProd: false, NotProd: true });
  const props = { Name: "x", KmsKeyId: { "Fn::If": ["IsProd", { Ref: "Key" }, { Ref: "AWS::NoValue" }] }, List: ["a", { Ref: "AWS::NoValue" }] };
  assert.deepEqual(evaluate(props, context("prod")), { Name: "x", KmsKeyId: "physical-Key", List: ["a"] });
  assert.deepEqual(evaluate(props, context("dev")), { Name: "x", List: ["a"] });
});

it("refuses a mapping that is not there and a selection out of range", () => {
  assert.throws(() => evaluate({ "Fn::FindInMap": ["Sizes", "staging", "Length"] }, context("prod")), { message: "Template error: Unable to get mapping for Sizes::staging::Length" });
  assert.throws(() => evaluate({ "Fn::Select": [3, ["a"]] }, context("prod")), /Fn::Select cannot select nonexistent value at index 3/);
});
