// How a denial is worded when the request carries what the caller named (DESIGN §12): on the named
// resource, with the reason the named ARN alone gets, so an existing and a missing resource read
// alike; the resource's own policy never shows in the reason.

import { test } from "node:test";
import assert from "node:assert/strict";
import { authorize, type RequestFacts } from "./authorize.js";
import type { AccessRequest } from "../contract/access-request.js";
import type { CallerPolicies } from "../contract/policy-types.js";
import { ACCOUNT, BLUE, alice, carol, doc, policy, resourcePolicy } from "../../test/support/policy-builders.js";
import { throwsServiceError } from "../../test/support/service-errors.js";

const facts: RequestFacts = { now: 0, sourceIp: "127.0.0.1", userAgent: "test", requestedRegion: "us-east-1", secureTransport: false };
const DENIED = { code: "AccessDeniedException", status: 400 };
const GET = "secretsmanager:GetSecretValue";
const NAMED = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:blue`;

const named: AccessRequest = { action: GET, resource: NAMED, resourceAccount: ACCOUNT };
/** the blue secret as it exists: its own ARN, and a resource policy that denies alice and allows carol */
const existing: AccessRequest = {
  action: GET,
  resource: BLUE,
  resourceAccount: ACCOUNT,
  resourcePolicy: resourcePolicy("blue", doc(
    { Effect: "Deny", Principal: { AWS: alice.arn }, Action: GET, Resource: "*" },
    { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: GET, Resource: "*" },
  )),
  named,
};
const none: CallerPolicies = { identityPolicies: [] };
const mayRead: CallerPolicies = { identityPolicies: [policy("read", doc({ Effect: "Allow", Action: GET, Resource: "*" }))] };
const message = (who: string, why: string) => `User: ${who} is not authorized to perform: ${GET} on resource: ${NAMED} ${why}`;

test("a caller denied on what it named reads the same refusal for the existing resource as for a missing one", () => {
  const why = `because no identity-based policy allows the ${GET} action`;
  throwsServiceError(() => authorize(alice, none, [existing], facts, DENIED), "AccessDeniedException", message(alice.arn, why));
  throwsServiceError(() => authorize(alice, none, [named], facts, DENIED), "AccessDeniedException", message(alice.arn, why));
  const crossAccount = `because no resource-based policy allows the ${GET} action`;
  throwsServiceError(() => authorize(carol, mayRead, [{ ...existing, resourcePolicy: undefined }], facts, DENIED), "AccessDeniedException", message(carol.arn, crossAccount));
  throwsServiceError(() => authorize(carol, mayRead, [named], facts, DENIED), "AccessDeniedException", message(carol.arn, crossAccount));
});

test("a caller its own policies allow, refused by the resource's policy, is not told of that policy", () => {
  throwsServiceError(
    () => authorize(alice, mayRead, [existing], facts, DENIED),
    "AccessDeniedException",
    message(alice.arn, `because no resource-based policy allows the ${GET} action`),
  );
  assert.doesNotThrow(() => authorize(alice, mayRead, [named], facts, DENIED));
});

test("without what the caller named, a denial is worded on the request itself, as AWS words it", () => {
  throwsServiceError(
    () => authorize(alice, mayRead, [{ ...existing, named: undefined }], facts, DENIED),
    "AccessDeniedException",
    `User: ${alice.arn} is not authorized to perform: ${GET} on resource: ${BLUE} with an explicit deny in a resource-based policy`,
  );
});
