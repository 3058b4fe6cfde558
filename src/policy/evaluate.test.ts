// Evaluation logic, one row per case: identity policies, an optional resource policy and a request;
// the exact decision and deciding statement. Rows name the AWS documentation example they follow
// ("IAM UG" = IAM User Guide, "SM UG" = Secrets Manager User Guide, "KMS DG" = KMS Developer Guide).

import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluate } from "./evaluate.js";
import type { EvaluationResult, PolicyInput, RequestContext, RequestPrincipal, ResourcePolicyInput, StatementRef } from "../contract/policy-types.js";
import {
  ACCOUNT, BLUE, OTHER, RED, alice, bob, carol, context, doc, otherRoot, policy, resourcePolicy, root, secretsService, session,
} from "../../test/support/policy-builders.js";

const GET = "secretsmanager:GetSecretValue";
const allowGet = (Resource: string | string[] = "*", Sid = "AllowGet") => ({ Sid, Effect: "Allow", Action: GET, Resource });
const idRef = (policyId: string, index: number, sid?: string): StatementRef => ({ policyId, source: "identity", sid, index });
const resRef = (index: number, sid?: string): StatementRef => ({ policyId: "secret-policy", source: "resource", sid, index });
const boundaryRef = (index: number, sid?: string): StatementRef => ({ policyId: "boundary", source: "boundary", sid, index });
const sessionRef = (index: number, sid?: string): StatementRef => ({ policyId: "session", source: "session", sid, index });
const allowed = (statement: StatementRef, resourceStatement?: StatementRef): EvaluationResult =>
  resourceStatement ? { decision: "Allow", statement, resourceStatement } : { decision: "Allow", statement };
const denied = (statement: StatementRef): EvaluationResult => ({ decision: "ExplicitDeny", statement });
const implicit = (reason: EvaluationResult["reason"]): EvaluationResult => ({ decision: "ImplicitDeny", reason });

interface Row {
  name: string;
  identity?: PolicyInput[];
  resource?: ResourcePolicyInput;
  boundary?: PolicyInput;
  session?: PolicyInput[];
  ctx: RequestContext;
  want: EvaluationResult;
}

const secretPolicy = (...statements: object[]) => resourcePolicy("secret-policy", doc(...statements));
const keyPolicy = (...statements: object[]) => resourcePolicy("secret-policy", doc(...statements), "kms-key");
const p1 = (...statements: object[]) => policy("p1", doc(...statements));
const defaultKeyStatement = { Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Deployer`;
/** a session of the Deployer role, in the resource's account */
const deployer: RequestPrincipal = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/s1`, roleArn: ROLE, account: ACCOUNT, type: "AssumedRole" };
const boundaryOf = (...statements: object[]) => policy("boundary", doc(...statements));
const sessionOf = (...statements: object[]) => policy("session", doc(...statements));
const allowDescribe = { Effect: "Allow", Action: "secretsmanager:DescribeSecret", Resource: "*" };
const allowAll = { Effect: "Allow", Action: "*", Resource: "*" };
const teamBlue = policy("team-blue", doc({
  Sid: "ReadBlue", Effect: "Allow", Action: GET, Resource: "*",
  Condition: { StringEquals: { "secretsmanager:ResourceTag/team": "blue" } },
}));
const blueIn = (region: string, team: string) =>
  context({ resource: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${team}-AbCdEf` }, { "secretsmanager:ResourceTag/team": team, "aws:RequestedRegion": region });

const rows: Row[] = [
  // Basic allow and implicit deny — IAM UG "Policy evaluation logic"
  { name: "no policy: implicit deny", ctx: context(), want: implicit("NoIdentityPolicyAllows") },
  { name: "identity allow on the exact ARN", identity: [p1(allowGet(BLUE))], ctx: context(), want: allowed(idRef("p1", 0, "AllowGet")) },
  { name: "identity allow on another secret only", identity: [p1(allowGet(RED))], ctx: context(), want: implicit("NoIdentityPolicyAllows") },
  // Deny precedence — IAM UG "How AWS enforcement code logic evaluates requests"
  { name: "explicit deny beats an allow in the same policy",
    identity: [p1(allowGet(), { Sid: "DenyBlue", Effect: "Deny", Action: GET, Resource: BLUE })], ctx: context(), want: denied(idRef("p1", 1, "DenyBlue")) },
  { name: "explicit deny in a second policy beats the first's allow",
    identity: [p1(allowGet()), policy("p2", doc({ Effect: "Deny", Action: "secretsmanager:*", Resource: "*" }))], ctx: context(), want: denied(idRef("p2", 0)) },
  { name: "resource-policy deny beats an identity allow (same account)",
    identity: [p1(allowGet())], resource: secretPolicy({ Sid: "DenyAll", Effect: "Deny", Principal: "*", Action: GET, Resource: "*" }), ctx: context(), want: denied(resRef(0, "DenyAll")) },
  { name: "identity deny beats a resource-policy allow",
    identity: [p1({ Effect: "Deny", Action: GET, Resource: "*" })], resource: secretPolicy({ Effect: "Allow", Principal: { AWS: alice.arn }, Action: GET, Resource: "*" }), ctx: context(), want: denied(idRef("p1", 0)) },
  // Same account: either side suffices — IAM UG "Policy evaluation for requests within a single account" (carlossalazar example)
  { name: "same account: resource policy naming the user suffices",
    resource: secretPolicy({ Sid: "Alice", Effect: "Allow", Principal: { AWS: alice.arn }, Action: GET, Resource: "*" }), ctx: context(), want: allowed(resRef(0, "Alice")) },
  { name: "same account: identity allow suffices with an unrelated resource policy",
    identity: [p1(allowGet())], resource: secretPolicy({ Effect: "Allow", Principal: { AWS: bob.arn }, Action: GET, Resource: "*" }), ctx: context(), want: allowed(idRef("p1", 0, "AllowGet")) },
  { name: "same account: resource policy naming the account delegates, the user still needs an identity allow",
    resource: secretPolicy({ Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: GET, Resource: "*" }), ctx: context(), want: implicit("NoPolicyAllows") },
  { name: "same account: Principal \"*\" grants everyone",
    resource: secretPolicy({ Effect: "Allow", Principal: "*", Action: GET, Resource: "*" }), ctx: context({ principal: bob }), want: allowed(resRef(0)) },
  { name: "root user of the account: allowed without policies", ctx: context({ principal: root }), want: { decision: "Allow", reason: "RootUser" } },
  { name: "root user: an explicit deny in the resource policy still applies",
    resource: secretPolicy({ Effect: "Deny", Principal: { AWS: ACCOUNT }, Action: GET, Resource: "*" }), ctx: context({ principal: root }), want: denied(resRef(0)) },
  // Cross-account — IAM UG "Cross-account policy evaluation logic"
  { name: "cross-account: identity allow without a resource policy is not enough",
    identity: [p1(allowGet())], ctx: context({ principal: carol }), want: implicit("NoResourcePolicyAllows") },
  { name: "cross-account: both sides allow (account id as principal, SM UG cross-account example)",
    identity: [p1(allowGet())], resource: secretPolicy({ Sid: "Other", Effect: "Allow", Principal: { AWS: OTHER }, Action: GET, Resource: "*" }),
    ctx: context({ principal: carol }), want: allowed(idRef("p1", 0, "AllowGet"), resRef(0, "Other")) },
  { name: "cross-account: resource allow without an identity allow",
    resource: secretPolicy({ Effect: "Allow", Principal: { AWS: carol.arn }, Action: GET, Resource: "*" }), ctx: context({ principal: carol }), want: implicit("NoIdentityPolicyAllows") },
  { name: "cross-account: resource policy names someone else",
    identity: [p1(allowGet())], resource: secretPolicy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:user/dave` }, Action: GET, Resource: "*" }),
    ctx: context({ principal: carol }), want: implicit("NoResourcePolicyAllows") },
  { name: "cross-account: resource deny on the account root ARN denies its users",
    identity: [p1(allowGet())], resource: secretPolicy({ Effect: "Deny", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: "*", Resource: "*" }),
    ctx: context({ principal: carol }), want: denied(resRef(0)) },
  { name: "cross-account: role named in Principal covers its sessions",
    identity: [p1(allowGet())], resource: secretPolicy({ Effect: "Allow", Principal: { AWS: session.roleArn }, Action: GET, Resource: "*" }),
    ctx: context({ principal: session }), want: allowed(idRef("p1", 0, "AllowGet"), resRef(0)) },
  { name: "cross-account: the other account's root needs only the resource side",
    resource: secretPolicy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: GET, Resource: "*" }), ctx: context({ principal: otherRoot }), want: allowed(resRef(0)) },
  { name: "service principal granted by the resource policy",
    resource: secretPolicy({ Effect: "Allow", Principal: { Service: "secretsmanager.amazonaws.com" }, Action: GET, Resource: "*" }), ctx: context({ principal: secretsService }), want: allowed(resRef(0)) },
  // Wildcards — IAM UG "Action" and "Resource" elements
  { name: "action wildcard Get*", identity: [p1({ Effect: "Allow", Action: "secretsmanager:Get*", Resource: "*" })], ctx: context(), want: allowed(idRef("p1", 0)) },
  { name: "action wildcard Describe* does not cover GetSecretValue", identity: [p1({ Effect: "Allow", Action: "secretsmanager:Describe*", Resource: "*" })], ctx: context(), want: implicit("NoIdentityPolicyAllows") },
  { name: "action names are case-insensitive", identity: [p1({ Effect: "Allow", Action: "SecretsManager:getsecretvalue", Resource: "*" })], ctx: context(), want: allowed(idRef("p1", 0)) },
  { name: "action ? wildcard", identity: [p1({ Effect: "Allow", Action: "secretsmanager:?etSecretValue", Resource: "*" })], ctx: context(), want: allowed(idRef("p1", 0)) },
  { name: "resource wildcard in Region and name", identity: [p1(allowGet(`arn:aws:secretsmanager:*:${ACCOUNT}:secret:blue-*`))], ctx: context(), want: allowed(idRef("p1", 0, "AllowGet")) },
  { name: "resource ARNs are case-sensitive", identity: [p1(allowGet(`arn:aws:secretsmanager:*:${ACCOUNT}:secret:Blue-*`))], ctx: context(), want: implicit("NoIdentityPolicyAllows") },
  { name: "resource ? wildcard (SM UG: secret ARN suffix of six characters)", identity: [p1(allowGet(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:blue-??????`))], ctx: context(), want: allowed(idRef("p1", 0, "AllowGet")) },
  // NotAction / NotResource / NotPrincipal — IAM UG element pages
  { name: "NotAction allow covers other actions", identity: [p1({ Effect: "Allow", NotAction: "secretsmanager:DeleteSecret", Resource: "*" })], ctx: context(), want: allowed(idRef("p1", 0)) },
  { name: "NotAction allow excludes the listed action", identity: [p1({ Effect: "Allow", NotAction: "secretsmanager:DeleteSecret", Resource: "*" })], ctx: context({ action: "secretsmanager:DeleteSecret" }), want: implicit("NoIdentityPolicyAllows") },
  { name: "Deny with NotResource denies everything else",
    identity: [p1(allowGet(), { Sid: "OnlyBlue", Effect: "Deny", Action: "*", NotResource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:blue-*` })], ctx: context({ resource: RED }), want: denied(idRef("p1", 1, "OnlyBlue")) },
  { name: "Deny with NotResource leaves the listed resource",
    identity: [p1(allowGet(), { Sid: "OnlyBlue", Effect: "Deny", Action: "*", NotResource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:blue-*` })], ctx: context(), want: allowed(idRef("p1", 0, "AllowGet")) },
  { name: "Deny NotPrincipal: the listed user (with its account) is not denied",
    identity: [p1(allowGet())], resource: secretPolicy({ Effect: "Deny", NotPrincipal: { AWS: [alice.arn, `arn:aws:iam::${ACCOUNT}:root`] }, Action: "*", Resource: "*" }),
    ctx: context(), want: allowed(idRef("p1", 0, "AllowGet")) },
  { name: "Deny NotPrincipal: anyone else is denied",
    identity: [p1(allowGet())], resource: secretPolicy({ Effect: "Deny", NotPrincipal: { AWS: [alice.arn, `arn:aws:iam::${ACCOUNT}:root`] }, Action: "*", Resource: "*" }),
    ctx: context({ principal: bob }), want: denied(resRef(0)) },
  { name: "Deny NotPrincipal naming only the user still denies it (IAM UG: list the account too)",
    identity: [p1(allowGet())], resource: secretPolicy({ Effect: "Deny", NotPrincipal: { AWS: alice.arn }, Action: "*", Resource: "*" }), ctx: context(), want: denied(resRef(0)) },
  // Policy variables — IAM UG "Policy variables" (${aws:username} home-folder example)
  { name: "${aws:username} in Resource", identity: [p1(allowGet(`arn:aws:secretsmanager:*:${ACCOUNT}:secret:\${aws:username}-*`))],
    ctx: context({ resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:alice-XyZ123` }), want: allowed(idRef("p1", 0, "AllowGet")) },
  { name: "${aws:username} does not match another user's secret", identity: [p1(allowGet(`arn:aws:secretsmanager:*:${ACCOUNT}:secret:\${aws:username}-*`))],
    ctx: context({ resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:bob-XyZ123` }), want: implicit("NoIdentityPolicyAllows") },
  { name: "${aws:PrincipalTag/team} in Resource", identity: [p1(allowGet(`arn:aws:secretsmanager:*:${ACCOUNT}:secret:\${aws:PrincipalTag/team}-*`))], ctx: context(), want: allowed(idRef("p1", 0, "AllowGet")) },
  { name: "a variable without a value matches nothing", identity: [p1(allowGet(`arn:aws:secretsmanager:*:${ACCOUNT}:secret:\${aws:username}-*`))],
    ctx: context({ principal: { ...session, account: ACCOUNT } }), want: implicit("NoIdentityPolicyAllows") },
  { name: "a variable with a default value", identity: [p1(allowGet(`arn:aws:secretsmanager:*:${ACCOUNT}:secret:\${aws:PrincipalTag/none, 'blue'}-*`))], ctx: context(), want: allowed(idRef("p1", 0, "AllowGet")) },
  // KMS key policies — KMS DG "Default key policy" and "Allowing users in other accounts"
  { name: "KMS: default key policy enables the IAM allow", identity: [p1({ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY })], resource: keyPolicy(defaultKeyStatement),
    ctx: context({ action: "kms:Decrypt", resource: KEY }), want: allowed(idRef("p1", 0), resRef(0, "Enable IAM User Permissions")) },
  { name: "KMS: without the account statement an IAM allow is not enough", identity: [p1({ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY })],
    resource: keyPolicy({ Effect: "Allow", Principal: { AWS: bob.arn }, Action: "kms:*", Resource: "*" }), ctx: context({ action: "kms:Decrypt", resource: KEY }), want: implicit("NoResourcePolicyAllows") },
  { name: "KMS: root user is allowed by the default key policy", resource: keyPolicy(defaultKeyStatement), ctx: context({ principal: root, action: "kms:Decrypt", resource: KEY }), want: allowed(resRef(0, "Enable IAM User Permissions")) },
  { name: "KMS: key policy naming the user grants alone", resource: keyPolicy({ Sid: "Alice", Effect: "Allow", Principal: { AWS: alice.arn }, Action: "kms:Decrypt", Resource: "*" }),
    ctx: context({ action: "kms:Decrypt", resource: KEY }), want: allowed(resRef(0, "Alice")) },
  { name: "KMS: external account allowed by the key policy and its own IAM policy",
    identity: [p1({ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY })], resource: keyPolicy(defaultKeyStatement, { Sid: "External", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: ["kms:Decrypt"], Resource: "*" }),
    ctx: context({ principal: carol, action: "kms:Decrypt", resource: KEY }), want: allowed(idRef("p1", 0), resRef(1, "External")) },
  // One tag-based policy, every Region — issue 5 / SM UG "Control access to secrets using tags"
  { name: "team=blue: blue secret in its primary Region", identity: [teamBlue], ctx: blueIn("us-east-1", "blue"), want: allowed(idRef("team-blue", 0, "ReadBlue")) },
  { name: "team=blue: blue replica in eu-west-1", identity: [teamBlue], ctx: blueIn("eu-west-1", "blue"), want: allowed(idRef("team-blue", 0, "ReadBlue")) },
  { name: "team=blue: blue replica in ap-southeast-2", identity: [teamBlue], ctx: blueIn("ap-southeast-2", "blue"), want: allowed(idRef("team-blue", 0, "ReadBlue")) },
  { name: "team=blue: red secret in the primary Region", identity: [teamBlue], ctx: blueIn("us-east-1", "red"), want: implicit("NoIdentityPolicyAllows") },
  { name: "team=blue: red replica", identity: [teamBlue], ctx: blueIn("eu-west-1", "red"), want: implicit("NoIdentityPolicyAllows") },
  { name: "team=blue with a Region deny: aws:RequestedRegion outside the allowed list",
    identity: [teamBlue, policy("regions", doc({ Sid: "OnlyUs", Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["us-east-1", "ap-southeast-2"] } } }))],
    ctx: blueIn("eu-west-1", "blue"), want: denied(idRef("regions", 0, "OnlyUs")) },
  // Trust policies — IAM UG "How IAM roles differ from resource-based policies": no Resource element;
  // a principal named is allowed by the trust policy alone, a named account defers to its IAM policies.
  { name: "trust policy naming the user: AssumeRole allowed without an identity policy",
    resource: resourcePolicy("role-trust", doc({ Sid: "Alice", Effect: "Allow", Principal: { AWS: alice.arn }, Action: "sts:AssumeRole" }), "trust"),
    ctx: context({ action: "sts:AssumeRole", resource: ROLE }), want: allowed({ policyId: "role-trust", source: "resource", sid: "Alice", index: 0 }) },
  { name: "trust policy naming the account: the user's identity policy must allow too",
    resource: resourcePolicy("role-trust", doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }), "trust"),
    ctx: context({ action: "sts:AssumeRole", resource: ROLE }), want: implicit("NoIdentityPolicyAllows") },
  { name: "trust policy naming the account, identity policy allowing: allowed",
    identity: [p1({ Effect: "Allow", Action: "sts:AssumeRole", Resource: ROLE })],
    resource: resourcePolicy("role-trust", doc({ Sid: "Account", Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sts:AssumeRole" }), "trust"),
    ctx: context({ action: "sts:AssumeRole", resource: ROLE }), want: allowed(idRef("p1", 0), { policyId: "role-trust", source: "resource", sid: "Account", index: 0 }) },
  { name: "identity policy alone cannot assume a role whose trust policy names someone else",
    identity: [p1({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" })],
    resource: resourcePolicy("role-trust", doc({ Effect: "Allow", Principal: { AWS: bob.arn }, Action: "sts:AssumeRole" }), "trust"),
    ctx: context({ action: "sts:AssumeRole", resource: ROLE }), want: implicit("NoResourcePolicyAllows") },

  // Permissions boundaries — IAM UG "Permissions boundaries for IAM entities": the effective
  // permissions are where identity-based policies and the boundary overlap.
  { name: "boundary: identity and boundary both allow", identity: [p1(allowGet())], boundary: boundaryOf(allowGet()), ctx: context(), want: allowed(idRef("p1", 0, "AllowGet")) },
  { name: "boundary: identity allows, the boundary allows only another action",
    identity: [p1(allowAll)], boundary: boundaryOf(allowDescribe), ctx: context(), want: implicit("NoPermissionsBoundaryAllows") },
  { name: "boundary: the boundary alone grants nothing", boundary: boundaryOf(allowGet()), ctx: context(), want: implicit("NoIdentityPolicyAllows") },
  { name: "boundary: a Deny statement in the boundary beats the identity allow",
    identity: [p1(allowAll)], boundary: boundaryOf(allowAll, { Sid: "NoBlue", Effect: "Deny", Action: GET, Resource: BLUE }), ctx: context(), want: denied(boundaryRef(1, "NoBlue")) },
  { name: "boundary: a Deny in the boundary beats a resource policy naming the user",
    resource: secretPolicy({ Effect: "Allow", Principal: { AWS: alice.arn }, Action: GET, Resource: "*" }), boundary: boundaryOf({ Effect: "Deny", Action: GET, Resource: "*" }),
    ctx: context(), want: denied(boundaryRef(0)) },
  { name: "boundary: same account, a resource policy naming the user is not limited by the boundary's implicit deny",
    identity: [p1(allowAll)], boundary: boundaryOf(allowDescribe), resource: secretPolicy({ Sid: "Alice", Effect: "Allow", Principal: { AWS: alice.arn }, Action: GET, Resource: "*" }),
    ctx: context(), want: allowed(resRef(0, "Alice")) },
  { name: "boundary: same account, a resource policy naming the role is limited by the role's boundary",
    boundary: boundaryOf(allowDescribe), resource: secretPolicy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: GET, Resource: "*" }),
    ctx: context({ principal: deployer }), want: implicit("NoPermissionsBoundaryAllows") },
  { name: "boundary: same account, a resource policy naming the role session is not limited",
    boundary: boundaryOf(allowDescribe), resource: secretPolicy({ Effect: "Allow", Principal: { AWS: deployer.arn }, Action: GET, Resource: "*" }),
    ctx: context({ principal: deployer }), want: allowed(resRef(0)) },
  { name: "boundary: a resource policy naming the account still needs identity and boundary",
    identity: [p1(allowGet())], boundary: boundaryOf(allowDescribe), resource: secretPolicy({ Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: GET, Resource: "*" }),
    ctx: context(), want: implicit("NoPermissionsBoundaryAllows") },
  { name: "boundary: Deny with NotPrincipal always applies to a caller with a boundary",
    identity: [p1(allowGet())], boundary: boundaryOf(allowAll),
    resource: secretPolicy({ Effect: "Deny", NotPrincipal: { AWS: [alice.arn, `arn:aws:iam::${ACCOUNT}:root`] }, Action: "*", Resource: "*" }),
    ctx: context(), want: denied(resRef(0)) },
  { name: "boundary: cross-account, both sides allow but the caller's boundary does not",
    identity: [p1(allowGet())], boundary: boundaryOf(allowDescribe), resource: secretPolicy({ Effect: "Allow", Principal: { AWS: OTHER }, Action: GET, Resource: "*" }),
    ctx: context({ principal: carol }), want: implicit("NoPermissionsBoundaryAllows") },
  { name: "boundary: cross-account, a resource policy naming the user does not lift the boundary",
    identity: [p1(allowGet())], boundary: boundaryOf(allowDescribe), resource: secretPolicy({ Effect: "Allow", Principal: { AWS: carol.arn }, Action: GET, Resource: "*" }),
    ctx: context({ principal: carol }), want: implicit("NoPermissionsBoundaryAllows") },
  { name: "boundary: cross-account, identity, boundary and resource policy all allow",
    identity: [p1(allowGet())], boundary: boundaryOf(allowGet()), resource: secretPolicy({ Sid: "Other", Effect: "Allow", Principal: { AWS: OTHER }, Action: GET, Resource: "*" }),
    ctx: context({ principal: carol }), want: allowed(idRef("p1", 0, "AllowGet"), resRef(0, "Other")) },
  { name: "boundary: KMS key policy naming the role is limited, naming the user is not",
    identity: [p1(allowAll)], boundary: boundaryOf(allowDescribe), resource: keyPolicy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "kms:Decrypt", Resource: "*" }),
    ctx: context({ principal: deployer, action: "kms:Decrypt", resource: KEY }), want: implicit("NoPermissionsBoundaryAllows") },
  { name: "boundary: KMS key policy naming the user grants past the boundary",
    boundary: boundaryOf(allowDescribe), resource: keyPolicy({ Sid: "Alice", Effect: "Allow", Principal: { AWS: alice.arn }, Action: "kms:Decrypt", Resource: "*" }),
    ctx: context({ action: "kms:Decrypt", resource: KEY }), want: allowed(resRef(0, "Alice")) },
  // Session policies — IAM UG "Session policies": a session's permissions are where the role's
  // identity-based policies and the session policies overlap.
  { name: "session: role policy and session policy both allow", identity: [p1(allowAll)], session: [sessionOf(allowGet())],
    ctx: context({ principal: deployer }), want: allowed(idRef("p1", 0)) },
  { name: "session: a session policy narrower than the role limits it",
    identity: [p1(allowAll)], session: [sessionOf(allowDescribe)], ctx: context({ principal: deployer }), want: implicit("NoSessionPolicyAllows") },
  { name: "session: any one of the session policies may allow",
    identity: [p1(allowAll)], session: [sessionOf(allowDescribe), policy("managed-session", doc(allowGet()))], ctx: context({ principal: deployer }), want: allowed(idRef("p1", 0)) },
  { name: "session: the session policy alone grants nothing", session: [sessionOf(allowGet())], ctx: context({ principal: deployer }), want: implicit("NoIdentityPolicyAllows") },
  { name: "session: an explicit deny in a session policy",
    identity: [p1(allowAll)], session: [sessionOf(allowAll, { Sid: "NoGet", Effect: "Deny", Action: GET, Resource: "*" })], ctx: context({ principal: deployer }), want: denied(sessionRef(1, "NoGet")) },
  { name: "session: the boundary allows, the session policy does not",
    identity: [p1(allowAll)], boundary: boundaryOf(allowAll), session: [sessionOf(allowDescribe)], ctx: context({ principal: deployer }), want: implicit("NoSessionPolicyAllows") },
  { name: "session: same account, a resource policy naming the role is limited by the session policy",
    session: [sessionOf(allowDescribe)], resource: secretPolicy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: GET, Resource: "*" }),
    ctx: context({ principal: deployer }), want: implicit("NoSessionPolicyAllows") },
  { name: "session: same account, a resource policy naming the role, the session policy allowing",
    session: [sessionOf(allowGet())], resource: secretPolicy({ Sid: "Role", Effect: "Allow", Principal: { AWS: ROLE }, Action: GET, Resource: "*" }),
    ctx: context({ principal: deployer }), want: allowed(resRef(0, "Role")) },
  { name: "session: same account, a resource policy naming the session is not limited by the session policy",
    session: [sessionOf(allowDescribe)], resource: secretPolicy({ Sid: "Session", Effect: "Allow", Principal: { AWS: deployer.arn }, Action: GET, Resource: "*" }),
    ctx: context({ principal: deployer }), want: allowed(resRef(0, "Session")) },
  { name: "session: cross-account, the role's account allows, the session policy does not",
    identity: [p1(allowGet())], session: [sessionOf(allowDescribe)], resource: secretPolicy({ Effect: "Allow", Principal: { AWS: session.roleArn }, Action: GET, Resource: "*" }),
    ctx: context({ principal: session }), want: implicit("NoSessionPolicyAllows") },
  { name: "session: cross-account, session policy allowing too",
    identity: [p1(allowGet())], session: [sessionOf(allowGet())], resource: secretPolicy({ Effect: "Allow", Principal: { AWS: session.roleArn }, Action: GET, Resource: "*" }),
    ctx: context({ principal: session }), want: allowed(idRef("p1", 0, "AllowGet"), resRef(0)) },
];

for (const row of rows) {
  test(`evaluate: ${row.name}`, () => {
    const result = evaluate({
      context: row.ctx,
      identityPolicies: row.identity ?? [],
      resourcePolicy: row.resource,
      permissionsBoundary: row.boundary,
      sessionPolicies: row.session,
    });
    assert.deepEqual(result, row.want);
  });
}

test("evaluate: a resource policy that could not be read denies everyone, whatever else allows", () => {
  const unreadable = { policyId: "secret-policy", kind: "kms-key" as const, unreadable: "Syntax errors in policy." };
  const want: EvaluationResult = {
    decision: "ExplicitDeny",
    reason: "UnreadablePolicy",
    statement: { policyId: "secret-policy", source: "resource", index: -1 },
  };
  const admin = p1({ Effect: "Allow", Action: "*", Resource: "*" });
  for (const principal of [alice, root, carol, otherRoot, session, secretsService]) {
    for (const action of [GET, "kms:Decrypt", "kms:PutKeyPolicy"]) {
      const result = evaluate({ context: context({ principal, action }), identityPolicies: [admin], resourcePolicy: unreadable });
      assert.deepEqual(result, want, `${principal.arn} ${action}`);
    }
  }
});
