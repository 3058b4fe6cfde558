// The query protocol on the wire, below any SDK: form-urlencoded requests, XML answers in the
// service's namespace, <ErrorResponse> with IAM's HTTP statuses, and SigV4 failures worded as IAM
// and STS word them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { rawRequest, type RawRequest } from "../support/raw-request.js";

const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

let m: TestServer;

before(async () => {
  m = await startMeridian({ regions: ["us-east-1"] });
});

after(() => m.stop());

const query = (body: string, r: Partial<RawRequest> = {}) =>
  rawRequest(m.url, { contentType: "application/x-www-form-urlencoded; charset=utf-8", target: null, service: "iam", credentials: ADMIN, body, ...r });

const errorXml = (ns: string, code: string, message: string, requestId: string, type = "Sender") =>
  `<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;

test("an answer: text/xml, <Action>Response in IAM's namespace, the request id in header and body", async () => {
  const r = await query("Action=CreateUser&Version=2010-05-08&UserName=wire&Tags.member.1.Key=team&Tags.member.1.Value=blue");
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "text/xml");
  const requestId = String(r.headers["x-amzn-requestid"]);
  assert.match(
    r.text,
    new RegExp(
      `^<CreateUserResponse xmlns="${IAM_NS}"><CreateUserResult><User><Path>/</Path><UserName>wire</UserName><UserId>AIDA[A-Z2-7]{16}</UserId>` +
        `<Arn>arn:aws:iam::${ACCOUNT_ID}:user/wire</Arn><CreateDate>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z</CreateDate>` +
        `<Tags><member><Key>team</Key><Value>blue</Value></member></Tags></User></CreateUserResult>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></CreateUserResponse>$`,
    ),
  );
  // Text is XML-escaped; policy documents travel URL-encoded inside it, as IAM sends them.
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ACCOUNT_ID }, Action: "sts:AssumeRole" }] });
  const role = await query(`Action=CreateRole&Version=2010-05-08&RoleName=wire&Description=${encodeURIComponent("a&b <x>")}&AssumeRolePolicyDocument=${encodeURIComponent(trust)}`);
  assert.equal(role.status, 200);
  assert.match(role.text, new RegExp(`<AssumeRolePolicyDocument>${encodeURIComponent(trust).replace(/[()*]/g, "\\$&")}</AssumeRolePolicyDocument><Description>a&amp;b &lt;x&gt;</Description>`));
  const deleted = await query("Action=DeleteUser&Version=2010-05-08&UserName=wire");
  assert.equal(deleted.text, `<DeleteUserResponse xmlns="${IAM_NS}"><ResponseMetadata><RequestId>${deleted.headers["x-amzn-requestid"]}</RequestId></ResponseMetadata></DeleteUserResponse>`);
});

test("errors: <ErrorResponse> with Type, Code, Message and the HTTP status of the model's error", async () => {
  const missing = await query("Action=GetUser&Version=2010-05-08&UserName=ghost");
  assert.equal(missing.status, 404);
  assert.equal(missing.headers["content-type"], "text/xml");
  assert.equal(missing.text, errorXml(IAM_NS, "NoSuchEntity", "The user with name ghost cannot be found.", String(missing.headers["x-amzn-requestid"])));

  await query("Action=CreateUser&Version=2010-05-08&UserName=twice");
  const twice = await query("Action=CreateUser&Version=2010-05-08&UserName=twice");
  assert.equal(twice.status, 409);
  assert.match(twice.text, /<Code>EntityAlreadyExists<\/Code><Message>User with name twice already exists.<\/Message>/);

  const invalid = await query("Action=ListUsers&Version=2010-05-08&MaxItems=0");
  assert.equal(invalid.status, 400);
  assert.match(invalid.text, /<Code>ValidationError<\/Code><Message>1 validation error detected: Value &apos;0&apos; at &apos;maxItems&apos; failed to satisfy constraint: Member must have value greater than or equal to 1<\/Message>/);

  const notANumber = await query("Action=ListUsers&Version=2010-05-08&MaxItems=ten");
  assert.equal(notANumber.status, 400);
  assert.match(notANumber.text, /<Code>ValidationError<\/Code>/);
});

test("an unknown Action, a wrong Version, no Action, an operation Meridian does not implement", async () => {
  const unknown = await query("Action=MakeCoffee&Version=2010-05-08");
  assert.equal(unknown.status, 400);
  assert.equal(unknown.text, errorXml(IAM_NS, "InvalidAction", "Could not find operation MakeCoffee for version 2010-05-08", String(unknown.headers["x-amzn-requestid"])));
  const version = await query("Action=ListUsers&Version=2099-01-01");
  assert.equal(version.status, 400);
  assert.match(version.text, /<Code>InvalidAction<\/Code><Message>Could not find operation ListUsers for version 2099-01-01<\/Message>/);
  const none = await query("Version=2010-05-08");
  assert.equal(none.status, 400);
  assert.match(none.text, /<Code>MissingAction<\/Code>/);
  const later = await query("Action=CreateInstanceProfile&Version=2010-05-08&InstanceProfileName=ec2");
  assert.equal(later.status, 501);
  assert.match(later.text, /<Type>Receiver<\/Type><Code>NotImplemented<\/Code><Message>Meridian does not implement IAM CreateInstanceProfile.<\/Message>/);
});

test("SigV4 failures as IAM and STS give them: InvalidClientTokenId, SignatureDoesNotMatch, MissingAuthenticationToken (403)", async () => {
  const unknownKey = await query("Action=ListUsers&Version=2010-05-08", { credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" } });
  assert.equal(unknownKey.status, 403);
  assert.equal(
    unknownKey.text,
    errorXml(IAM_NS, "InvalidClientTokenId", "The security token included in the request is invalid.", String(unknownKey.headers["x-amzn-requestid"])),
  );

  const wrongSecret = await query("Action=GetCallerIdentity&Version=2011-06-15", { service: "sts", credentials: { ...ADMIN, secretAccessKey: "wrong" } });
  assert.equal(wrongSecret.status, 403);
  assert.match(wrongSecret.text, new RegExp(`^<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match`));

  // An unsigned request is refused before its body (and so its Action) is read (issue 10, item 8):
  // AWS answers it in the namespace of the Action's service, Meridian in IAM's.
  const unsigned = await query("Action=GetCallerIdentity&Version=2011-06-15", { sign: false });
  assert.equal(unsigned.status, 403);
  assert.match(unsigned.text, new RegExp(`^<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>`));

  const skewed = await query("Action=ListUsers&Version=2010-05-08", { signedAt: new Date(Date.now() - 3600_000) });
  assert.equal(skewed.status, 403);
  assert.match(skewed.text, /<Code>SignatureDoesNotMatch<\/Code><Message>Signature expired: /);

  // Signed for IAM but asking STS's Action: the scope must name the service of the Action.
  const crossed = await query("Action=GetCallerIdentity&Version=2011-06-15", { service: "iam" });
  assert.equal(crossed.status, 403);
  assert.match(crossed.text, /<Code>SignatureDoesNotMatch<\/Code><Message>Credential should be scoped to correct service: &apos;sts&apos;. <\/Message>/);
});

test("STS over the wire: GetCallerIdentity in STS's namespace", async () => {
  const r = await query("Action=GetCallerIdentity&Version=2011-06-15", { service: "sts" });
  assert.equal(r.status, 200);
  assert.equal(
    r.text,
    `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><UserId>${ACCOUNT_ID}</UserId><Account>${ACCOUNT_ID}</Account>` +
      `<Arn>arn:aws:iam::${ACCOUNT_ID}:root</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>${r.headers["x-amzn-requestid"]}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  );
});

test("the JSON services are untouched: a form body with an X-Amz-Target is not a query request", async () => {
  const r = await rawRequest(m.url, { contentType: "application/x-www-form-urlencoded", target: "secretsmanager.ListSecrets", credentials: ADMIN, body: "a=b" });
  assert.equal(r.status, 404);
  assert.equal(r.text, "<UnknownOperationException/>\n");
});
