import { test } from "node:test";
import assert from "node:assert/strict";
import { accountArn, assumedRoleArn, formatArn, iamArn, kmsArn, parseArn, rootArn, secretArn } from "./arn.js";

test("each builder writes the layout AWS uses for its resource kind", () => {
  assert.equal(rootArn("aws", "111122223333"), "arn:aws:iam::111122223333:root");
  assert.equal(iamArn("aws-cn", "111122223333", "role/path/Admin"), "arn:aws-cn:iam::111122223333:role/path/Admin");
  assert.equal(assumedRoleArn("aws", "111122223333", "Admin", "app"), "arn:aws:sts::111122223333:assumed-role/Admin/app");
  assert.equal(accountArn("aws", "111122223333"), "arn:aws:account::111122223333:account");
  assert.equal(secretArn("aws", "eu-west-1", "111122223333", "prod/db-AbCdEf"), "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf");
  assert.equal(kmsArn("aws", "us-east-1", "111122223333", "key/1234"), "arn:aws:kms:us-east-1:111122223333:key/1234");
  assert.equal(kmsArn("aws", "us-east-1", "111122223333", "alias/app"), "arn:aws:kms:us-east-1:111122223333:alias/app");
});

test("parseArn reads what formatArn writes, colons in the resource included", () => {
  const arn = { partition: "aws", service: "secretsmanager", region: "us-east-1", accountId: "111122223333", resource: "secret:a:b-AbCdEf" };
  assert.deepEqual(parseArn(formatArn(arn)), arn);
  assert.deepEqual(parseArn(rootArn("aws", "111122223333")), { partition: "aws", service: "iam", region: "", accountId: "111122223333", resource: "root" });
});

test("parseArn refuses what is not an ARN", () => {
  assert.equal(parseArn("prod/db"), undefined);
  assert.equal(parseArn("arn:aws:kms:us-east-1:111122223333"), undefined);
  assert.equal(parseArn("urn:aws:kms:us-east-1:111122223333:key/1"), undefined);
});
