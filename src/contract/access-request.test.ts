// describing(): a describer written against a service's request members sees a validated input as
// it came, and an input that is no object (a query call without parameters, a `null` body) as one
// without members, so it never reads a member of null.

import { test } from "node:test";
import assert from "node:assert/strict";
import { describing, type RequestMembers } from "./access-request.js";
import type { CallContext } from "./call-context.js";

interface Ops {
  Get: { input: { Id: string; Stage?: string }; output: object };
  Tag: { input: { Id: string; Tags: { Key: string }[] }; output: object };
  List: { input: Record<string, never>; output: object };
}

const ctx: CallContext = { accountId: "111111111111", region: "us-east-1", partition: "aws", requestId: "r", principalArn: "arn:aws:iam::111111111111:root" };

test("the input's members reach the describer; no object at all reads as no members", async () => {
  const seen: RequestMembers<Ops>[] = [];
  const describe = describing<RequestMembers<Ops>>(async (_ctx, operation, input) => {
    seen.push(input);
    return [{ action: `svc:${operation}`, resource: input.Id ?? "*", resourceAccount: ctx.accountId }];
  });
  assert.deepEqual(await describe(ctx, "Get", { Id: "a", Stage: "S" }), [{ action: "svc:Get", resource: "a", resourceAccount: ctx.accountId }]);
  assert.deepEqual(await describe(ctx, "List", undefined), [{ action: "svc:List", resource: "*", resourceAccount: ctx.accountId }]);
  await describe(ctx, "List", null);
  assert.deepEqual(seen, [{ Id: "a", Stage: "S" }, {}, {}]);
});

// These lines compile only because the types reject them (an unused @ts-expect-error fails the build).
test("RequestMembers: every request's members, each as its requests type it; a request without members adds none", () => {
  // Were List's empty shape read as an index signature, no member at all would be allowed here.
  const members: RequestMembers<Ops> = { Id: "a", Stage: "S", Tags: [{ Key: "k" }] };
  // @ts-expect-error: Stage is a string in every request that has it
  const wrongType: RequestMembers<Ops> = { Stage: 1 };
  // @ts-expect-error: no request has a member Name
  const unknownMember: RequestMembers<Ops> = { Name: "n" };
  assert.ok(members && wrongType && unknownMember);
});
