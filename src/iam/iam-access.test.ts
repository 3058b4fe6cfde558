import { test } from "node:test";
import assert from "node:assert/strict";
import type { CallContext } from "../contract/call-context.js";
import { makeIamAccess } from "./iam-access.js";

// No directory for the partition: every name is described as the entity the input would create.
const describe = makeIamAccess({ identity: { partition: () => undefined }, clock: { now: () => 0 } });
const ctx: CallContext = { accountId: "111122223333", region: "us-east-1", partition: "aws", requestId: "r", principalArn: "arn:aws:iam::111122223333:user/caller" };

test("a call is described from its input's members: the entity it names, the tags and boundary it sets", async () => {
  const [request] = await describe(ctx, "CreateUser", {
    UserName: "bob",
    Path: "/team/",
    PermissionsBoundary: "arn:aws:iam::111122223333:policy/limit",
    Tags: [{ Key: "dept", Value: "ops" }],
  });
  assert.deepEqual(request, {
    action: "iam:CreateUser",
    resource: "arn:aws:iam::111122223333:user/team/bob",
    resourceAccount: "111122223333",
    conditions: { "aws:RequestTag/dept": "ops", "aws:TagKeys": ["dept"], "iam:PermissionsBoundary": "arn:aws:iam::111122223333:policy/limit" },
  });
});

test("an account-wide list names no resource; a call naming nothing acts on the caller", async () => {
  assert.equal((await describe(ctx, "ListUsers", { PathPrefix: "/" }))[0]!.resource, "*");
  assert.equal((await describe(ctx, "ListAccessKeys", {}))[0]!.resource, ctx.principalArn);
});

test("members without their model type are not read: what the describer cannot read names nothing", async () => {
  for (const input of [undefined, null, "bob", { UserName: 42 }, { UserName: ["bob"] }]) {
    assert.equal((await describe(ctx, "GetUser", input))[0]!.resource, ctx.principalArn, JSON.stringify(input));
  }
  const [untag] = await describe(ctx, "UntagUser", { UserName: "bob", TagKeys: ["dept", 7] });
  assert.deepEqual(untag!.conditions, { "aws:TagKeys": ["dept"] });
});
