// Condition operators and keys, one row each: a statement "Allow GetSecretValue on * if <condition>"
// decides alice's request with the given context keys. Rows name the AWS documentation example
// they come from ("IAM UG" = IAM User Guide, "SM UG" = Secrets Manager User Guide).

import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluate } from "./evaluate.js";
import { ipInCidr } from "./conditions.js";
import type { ContextValue } from "../contract/policy-types.js";
import { context, doc, policy, ACCOUNT, OTHER } from "../../test/support/policy-builders.js";

type Row = [name: string, condition: object, keys: Record<string, ContextValue>, allowed: boolean];

const T0 = new Date("2020-06-15T12:00:00Z");
const rows: Row[] = [
  // String operators — IAM UG "Condition operators: String", aws:PrincipalTag/job-category example
  ["StringEquals matches exact value", { StringEquals: { "aws:ResourceTag/team": "blue" } }, { "aws:ResourceTag/team": "blue" }, true],
  ["StringEquals is case-sensitive", { StringEquals: { "aws:ResourceTag/team": "blue" } }, { "aws:ResourceTag/team": "Blue" }, false],
  ["StringEquals: missing key is false (IAM UG operators, Important)", { StringEquals: { "aws:ResourceTag/team": "blue" } }, {}, false],
  ["StringEquals: values of one key are ORed", { StringEquals: { "aws:ResourceTag/team": ["red", "blue"] } }, { "aws:ResourceTag/team": "blue" }, true],
  ["StringNotEquals: missing key is true", { StringNotEquals: { "aws:ResourceTag/team": "red" } }, {}, true],
  ["StringNotEquals: values are NORed (IAM UG multi-value, negated)", { StringNotEquals: { "aws:PrincipalTag/team": ["red", "blue"] } }, {}, false],
  ["StringNotEquals: none of the values", { StringNotEquals: { "aws:ResourceTag/team": ["red", "green"] } }, { "aws:ResourceTag/team": "blue" }, true],
  ["StringEqualsIgnoreCase", { StringEqualsIgnoreCase: { "aws:ResourceTag/team": "BLUE" } }, { "aws:ResourceTag/team": "blue" }, true],
  ["StringNotEqualsIgnoreCase", { StringNotEqualsIgnoreCase: { "aws:ResourceTag/team": "BLUE" } }, { "aws:ResourceTag/team": "blue" }, false],
  ["StringLike with * and ?", { StringLike: { "secretsmanager:Name": "prod/?b/*" } }, { "secretsmanager:Name": "prod/db/main" }, true],
  ["StringLike needs the wildcard for partial match", { StringLike: { "secretsmanager:Name": "prod/" } }, { "secretsmanager:Name": "prod/db" }, false],
  ["StringNotLike", { StringNotLike: { "secretsmanager:Name": "prod/*" } }, { "secretsmanager:Name": "dev/db" }, true],
  ["StringEquals without wildcards: * is literal", { StringEquals: { "secretsmanager:Name": "prod/*" } }, { "secretsmanager:Name": "prod/db" }, false],
  // Numeric — IAM UG "Numeric condition operators" (s3:max-keys example)
  ["NumericEquals", { NumericEquals: { "aws:MultiFactorAuthAge": "10" } }, { "aws:MultiFactorAuthAge": 10 }, true],
  ["NumericNotEquals", { NumericNotEquals: { "aws:MultiFactorAuthAge": "10" } }, { "aws:MultiFactorAuthAge": "10" }, false],
  ["NumericLessThan", { NumericLessThan: { "s3:max-keys": "10" } }, { "s3:max-keys": "9" }, true],
  ["NumericLessThanEquals at the bound", { NumericLessThanEquals: { "s3:max-keys": "10" } }, { "s3:max-keys": "10" }, true],
  ["NumericGreaterThan", { NumericGreaterThan: { "s3:max-keys": "10" } }, { "s3:max-keys": "10" }, false],
  ["NumericGreaterThanEquals", { NumericGreaterThanEquals: { "s3:max-keys": "10" } }, { "s3:max-keys": 11 }, true],
  // Date — IAM UG "Date condition operators" (aws:TokenIssueTime, aws:CurrentTime window examples)
  ["DateEquals", { DateEquals: { "aws:CurrentTime": "2020-06-15T12:00:00Z" } }, { "aws:CurrentTime": T0 }, true],
  ["DateNotEquals", { DateNotEquals: { "aws:CurrentTime": "2020-06-15T12:00:00Z" } }, { "aws:CurrentTime": T0 }, false],
  ["DateLessThan", { DateLessThan: { "aws:CurrentTime": "2020-12-31T23:59:59Z" } }, { "aws:CurrentTime": T0 }, true],
  ["DateLessThanEquals", { DateLessThanEquals: { "aws:CurrentTime": "2020-06-15T11:59:59Z" } }, { "aws:CurrentTime": T0 }, false],
  ["DateGreaterThan", { DateGreaterThan: { "aws:CurrentTime": "2020-04-01T00:00:00Z" } }, { "aws:CurrentTime": T0 }, true],
  ["DateGreaterThanEquals with epoch seconds", { DateGreaterThanEquals: { "aws:CurrentTime": "1592222400" } }, { "aws:CurrentTime": T0 }, true],
  ["aws:CurrentTime window: both operators ANDed (IAM UG Condition element example)",
    { DateGreaterThan: { "aws:CurrentTime": "2020-04-01T00:00:00Z" }, DateLessThan: { "aws:CurrentTime": "2020-06-01T00:00:00Z" } }, { "aws:CurrentTime": T0 }, false],
  ["aws:EpochTime derived from aws:CurrentTime", { NumericLessThan: { "aws:EpochTime": "1592222401" } }, { "aws:CurrentTime": T0 }, true],
  // Bool — IAM UG "Boolean condition operators" (aws:SecureTransport example)
  ["Bool aws:SecureTransport true", { Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": true }, true],
  ["Bool aws:SecureTransport false over HTTP", { Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": false }, false],
  ["Bool: missing key is false", { Bool: { "aws:SecureTransport": "true" } }, {}, false],
  ["Bool with a JSON boolean value", { Bool: { "secretsmanager:ForceOverwriteReplicaSecret": false } }, { "secretsmanager:ForceOverwriteReplicaSecret": false }, true],
  // Binary — IAM UG "Binary condition operators"
  ["BinaryEquals compares base-64", { BinaryEquals: { "key:binary": "QmluYXJ5VmFsdWVJbkJhc2U2NA==" } }, { "key:binary": "QmluYXJ5VmFsdWVJbkJhc2U2NA==" }, true],
  // IP — IAM UG "IP address condition operators" (203.0.113.0/24 and 2001:DB8:1234:5678::/64 example)
  ["IpAddress IPv4 CIDR", { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }, { "aws:SourceIp": "203.0.113.77" }, true],
  ["IpAddress IPv4 outside", { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }, { "aws:SourceIp": "203.0.114.1" }, false],
  ["IpAddress IPv6 CIDR", { IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"] } }, { "aws:SourceIp": "2001:db8:1234:5678:abcd::1" }, true],
  ["NotIpAddress (IAM UG aws:SourceIp deny example)", { NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"] } }, { "aws:SourceIp": "198.51.100.7" }, true],
  ["NotIpAddress inside a listed range", { NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"] } }, { "aws:SourceIp": "192.0.2.9" }, false],
  // ARN — IAM UG "ARN condition operators"; aws:PrincipalArn is derived from the caller
  ["ArnEquals aws:PrincipalArn", { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:user/alice` } }, {}, true],
  ["ArnLike with wildcard segment", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/ali*" } }, {}, true],
  ["ArnNotEquals", { ArnNotEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:user/alice` } }, {}, false],
  ["ArnNotLike", { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } }, {}, true],
  ["ArnLike aws:SourceArn wildcard cannot cross a colon", { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:topic" } }, { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:topic` }, false],
  // Null — IAM UG "Condition operator to check existence of condition keys"
  ["Null true: key absent", { Null: { "aws:TokenIssueTime": "true" } }, {}, true],
  ["Null false: key present", { Null: { "aws:ResourceTag/team": "false" } }, { "aws:ResourceTag/team": "blue" }, true],
  ["Null false: key absent", { Null: { "aws:ResourceTag/team": "false" } }, {}, false],
  // IfExists — IAM UG "...IfExists condition operators" (ec2:InstanceType example)
  ["StringEqualsIfExists: key absent", { StringEqualsIfExists: { "ec2:InstanceType": ["t1.*", "t2.*"] } }, {}, true],
  ["StringLikeIfExists: key present, matches", { StringLikeIfExists: { "ec2:InstanceType": ["t1.*", "t2.*"] } }, { "ec2:InstanceType": "t2.micro" }, true],
  ["StringLikeIfExists: key present, no match", { StringLikeIfExists: { "ec2:InstanceType": ["t1.*", "t2.*"] } }, { "ec2:InstanceType": "m5.large" }, false],
  ["NumericLessThanIfExists absent", { NumericLessThanIfExists: { "s3:max-keys": "10" } }, {}, true],
  ["BoolIfExists present false", { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } }, { "aws:MultiFactorAuthPresent": false }, false],
  // Set operators — IAM UG "Set operators for multivalued context keys"
  ["ForAnyValue:StringEquals one tag key listed", { "ForAnyValue:StringEquals": { "aws:TagKeys": ["environment", "cost-center"] } }, { "aws:TagKeys": ["owner", "environment"] }, true],
  ["ForAnyValue:StringEquals no key listed", { "ForAnyValue:StringEquals": { "aws:TagKeys": ["environment"] } }, { "aws:TagKeys": ["owner"] }, false],
  ["ForAnyValue: missing key is false", { "ForAnyValue:StringEquals": { "aws:TagKeys": ["environment"] } }, {}, false],
  ["ForAnyValue: empty set is false", { "ForAnyValue:StringEquals": { "aws:TagKeys": ["environment"] } }, { "aws:TagKeys": [] }, false],
  ["ForAllValues:StringEquals subset", { "ForAllValues:StringEquals": { "aws:TagKeys": ["environment", "cost-center"] } }, { "aws:TagKeys": ["environment"] }, true],
  ["ForAllValues:StringEquals extra key", { "ForAllValues:StringEquals": { "aws:TagKeys": ["environment", "cost-center"] } }, { "aws:TagKeys": ["environment", "owner"] }, false],
  ["ForAllValues: missing key is true", { "ForAllValues:StringEquals": { "aws:TagKeys": ["environment"] } }, {}, true],
  ["ForAnyValue:StringNotEquals: one value outside the list", { "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["a", "b"] } }, { "aws:TagKeys": ["a", "c"] }, true],
  ["ForAnyValue:StringEqualsIfExists: missing key", { "ForAnyValue:StringEqualsIfExists": { "aws:TagKeys": ["a"] } }, {}, true],
  // Keys ANDed — IAM UG "Conditions with multiple context keys or values"
  ["two keys in one operator: both must hold", { StringEquals: { "aws:ResourceTag/team": "blue", "aws:RequestedRegion": "us-east-1" } }, { "aws:ResourceTag/team": "blue", "aws:RequestedRegion": "eu-west-1" }, false],
  ["two keys in one operator: both hold", { StringEquals: { "aws:ResourceTag/team": "blue", "aws:RequestedRegion": "us-east-1" } }, { "aws:ResourceTag/team": "blue", "aws:RequestedRegion": "us-east-1" }, true],
  ["key names are case-insensitive", { StringEquals: { "AWS:RESOURCETAG/Team": "blue" } }, { "aws:resourcetag/team": "blue" }, true],
  // The condition keys of DESIGN §6 — SM UG "Authentication and access control" / service authorization reference
  ["secretsmanager:ResourceTag (SM UG tag example)", { StringEquals: { "secretsmanager:ResourceTag/ServerName": "ServerABC" } }, { "secretsmanager:ResourceTag/ServerName": "ServerABC" }, true],
  ["aws:RequestTag", { StringEquals: { "aws:RequestTag/team": "blue" } }, { "aws:RequestTag/team": "red" }, false],
  ["aws:RequestedRegion", { StringEquals: { "aws:RequestedRegion": ["us-east-1", "us-west-2"] } }, { "aws:RequestedRegion": "us-west-2" }, true],
  ["secretsmanager:SecretPrimaryRegion", { StringEquals: { "secretsmanager:SecretPrimaryRegion": "us-east-1" } }, { "secretsmanager:SecretPrimaryRegion": "eu-west-1" }, false],
  ["secretsmanager:AddReplicaRegions only approved Regions (SM UG replication example)",
    { "ForAllValues:StringEquals": { "secretsmanager:AddReplicaRegions": ["eu-west-1", "us-west-2"] } }, { "secretsmanager:AddReplicaRegions": ["eu-west-1", "ap-south-1"] }, false],
  ["secretsmanager:ForceOverwriteReplicaSecret", { Bool: { "secretsmanager:ForceOverwriteReplicaSecret": "true" } }, { "secretsmanager:ForceOverwriteReplicaSecret": true }, true],
  ["secretsmanager:Name", { StringLike: { "secretsmanager:Name": "team-blue/*" } }, { "secretsmanager:Name": "team-blue/db" }, true],
  ["secretsmanager:SecretId", { ArnLike: { "secretsmanager:SecretId": `arn:aws:secretsmanager:*:${ACCOUNT}:secret:blue-*` } }, { "secretsmanager:SecretId": `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:blue-AbCdEf` }, true],
  ["secretsmanager:VersionStage (SM UG AWSCURRENT example)", { StringEquals: { "secretsmanager:VersionStage": "AWSCURRENT" } }, { "secretsmanager:VersionStage": "AWSPREVIOUS" }, false],
  ["aws:PrincipalTag derived from the caller", { StringEquals: { "aws:PrincipalTag/team": "blue" } }, {}, true],
  ["aws:PrincipalAccount derived from the caller", { StringEquals: { "aws:PrincipalAccount": OTHER } }, {}, false],
  ["kms:EncryptionContext:* (KMS DG encryption context example)", { StringEquals: { "kms:EncryptionContext:SecretARN": "arn:x" } }, { "kms:EncryptionContext:SecretARN": "arn:x" }, true],
  ["kms:ViaService (KMS DG example)", { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } }, { "kms:ViaService": "ssm.us-east-1.amazonaws.com" }, false],
  // Policy variables in condition values — SM UG ABAC example (ResourceTag/Project = ${aws:PrincipalTag/Project})
  ["variable in a condition value", { StringEquals: { "secretsmanager:ResourceTag/Project": "${aws:PrincipalTag/Project}" } }, { "secretsmanager:ResourceTag/Project": "apollo" }, true],
  ["variable with no value never matches", { StringEquals: { "aws:ResourceTag/owner": "${aws:PrincipalTag/missing}" } }, { "aws:ResourceTag/owner": "" }, false],
];

for (const [name, condition, keys, allowed] of rows) {
  test(`condition: ${name}`, () => {
    const p = policy("p", doc({ Sid: "Cond", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: condition }));
    const result = evaluate({ context: context({}, keys), identityPolicies: [p] });
    assert.deepEqual(
      result,
      allowed
        ? { decision: "Allow", statement: { policyId: "p", source: "identity", sid: "Cond", index: 0 } }
        : { decision: "ImplicitDeny", reason: "NoIdentityPolicyAllows" },
    );
  });
}

// IAM UG "Multivalued context keys examples": DenyRestrictedTags, ForAllValues:StringNotLike key1*.
const denyTable: [request: string[] | undefined, denied: boolean][] = [
  [["key1:legal"], false],
  [["key1:hr", "key1:personnel"], false],
  [["key2:audit"], true],
  [undefined, true],
];
for (const [tagKeys, denied] of denyTable) {
  test(`condition: DenyRestrictedTags ForAllValues:StringNotLike with aws:TagKeys ${JSON.stringify(tagKeys)}`, () => {
    const p = policy("tags", doc(
      { Sid: "DenyRestrictedTags", Effect: "Deny", Action: ["iam:Tag*", "iam:UnTag*"], Resource: ["*"], Condition: { "ForAllValues:StringNotLike": { "aws:TagKeys": "key1*" } } },
      { Sid: "AllowTagging", Effect: "Allow", Action: "iam:TagUser", Resource: "*" },
    ));
    const ctx = context({ action: "iam:TagUser", resource: `arn:aws:iam::${ACCOUNT}:user/bob` }, tagKeys ? { "aws:TagKeys": tagKeys } : {});
    const result = evaluate({ context: ctx, identityPolicies: [p] });
    assert.deepEqual(result, {
      decision: denied ? "ExplicitDeny" : "Allow",
      statement: { policyId: "tags", source: "identity", sid: denied ? "DenyRestrictedTags" : "AllowTagging", index: denied ? 0 : 1 },
    });
  });
}

test("ipInCidr: IPv4-mapped and compressed IPv6 forms", () => {
  assert.equal(ipInCidr("::ffff:192.0.2.5", "::ffff:192.0.2.0/120"), true);
  assert.equal(ipInCidr("2001:db8::1", "2001:db8::/32"), true);
  assert.equal(ipInCidr("2001:db9::1", "2001:db8::/32"), false);
  assert.equal(ipInCidr("192.0.2.5", "2001:db8::/32"), false);
  assert.equal(ipInCidr("10.0.0.1", "10.0.0.1"), true);
  assert.equal(ipInCidr("not-an-ip", "10.0.0.0/8"), false);
});

