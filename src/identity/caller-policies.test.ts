// A stored identity policy that cannot be read denies everything instead of vanishing with its
// denies (issue 10, item 2: fail closed).

import { test } from "node:test";
import assert from "node:assert/strict";
import { makeCallerPolicies } from "./caller-policies.js";
import { userPrincipal } from "./principals.js";
import type { IamEntity, IamUser } from "../contract/identity-types.js";
import { decide } from "../authz/authorize.js";

const allowAll = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

function userWith(inlinePolicies: Record<string, string>): IamUser {
  return {
    kind: "user", accountId: "111111111111", name: "alice", path: "/", id: "AIDAALICE00000000001",
    arn: "arn:aws:iam::111111111111:user/alice", createDate: 0, inlinePolicies, attachedPolicies: [], tags: [], groups: [],
  };
}

function decisionFor(user: IamUser): string {
  const lookup = { partition: "aws", byId: (id: string): IamEntity | undefined => (id === user.id ? user : undefined) };
  const policies = makeCallerPolicies(() => undefined, lookup).policiesOf(userPrincipal(user));
  const request = { action: "secretsmanager:GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbCdEf", resourceAccount: "111111111111" };
  return decide(userPrincipal(user), policies, request, { now: 0, sourceIp: "127.0.0.1", userAgent: "", requestedRegion: "us-east-1", secureTransport: false }).decision;
}

test("a readable allow allows", () => {
  assert.equal(decisionFor(userWith({ all: allowAll })), "Allow");
});

test("an unreadable inline policy beside an allow denies (its denies are not lost)", () => {
  // Damaged at rest: truncated JSON, and a grammar the parser refuses (an unknown Effect).
  for (const broken of ['{"Version":"2012-10-17","Statement":[{"Effect":"Deny"', '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}']) {
    assert.equal(decisionFor(userWith({ all: allowAll, guard: broken })), "ExplicitDeny", broken);
  }
});
