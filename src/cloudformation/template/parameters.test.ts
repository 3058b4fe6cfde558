// Parameter values: given, previous or default, checked against their declarations with
// CloudFormation's messages.

import assert from "node:assert/strict";
import { it } from "node:test";
import { resolveParameters } from "./parameters.js";
import type { Template } from "./template-types.js";

const template: Template = {
  Parameters: {
    Env: { Type: "String", AllowedValues: ["dev", "prod"], Default: "dev" },
    Size: { Type: "Number", MinValue: 1, MaxValue: 10 },
    Password: { Type: "String", NoEcho: true, MinLength: 8 },
    Zones: { Type: "CommaDelimitedList", Default: "a,b" },
  },
  Mappings: {},
  Conditions: {},
  Resources: {},
  Outputs: {},
};

const given = (values: Record<string, string>) => Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
const fails = (values: Record<string, string>, message: string) => assert.throws(() => resolveParameters(template, given(values)), { code: "ValidationError", message } as object);

it("takes given values, then defaults, then previous values when asked", () => {
  assert.deepEqual(resolveParameters(template, given({ Size: "3", Password: "long-enough" })), { Env: "dev", Size: "3", Password: "long-enough", Zones: "a,b" });
  const previous = { Env: "prod", Size: "4", Password: "previous-one", Zones: "c" };
  assert.deepEqual(resolveParameters(template, [{ ParameterKey: "Password", UsePreviousValue: true }, ...given({ Size: "5" })], previous), { Env: "dev", Size: "5", Password: "previous-one", Zones: "a,b" });
});

it("refuses values that break their declaration, and names missing or unknown ones", () => {
  fails({ Size: "3" }, "Parameters: [Password] must have values");
  fails({ Size: "3", Password: "long-enough", Nope: "x" }, "Parameters: [Nope] do not exist in the template");
  fails({ Size: "3", Password: "long-enough", Env: "staging" }, "Parameter 'Env' must be one of AllowedValues");
  fails({ Size: "ten", Password: "long-enough" }, "Parameter 'Size' must be a number");
  fails({ Size: "11", Password: "long-enough" }, "Parameter 'Size' must be a number not greater than 10");
  fails({ Size: "3", Password: "short" }, "Parameter 'Password' must contain at least 8 characters");
});
