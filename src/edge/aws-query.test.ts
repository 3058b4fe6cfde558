import { test } from "node:test";
import assert from "node:assert/strict";
import { model as iam } from "../generated/iam-model.js";
import { model as sts } from "../generated/sts-model.js";
import type { ServiceModel } from "../contract/model-types.js";
import { isQueryRequest, queryAuthError, queryErrorResponse, QueryFailure, readQueryInput, validateQueryInput } from "./aws-query.js";
import { escapeXml, isoTimestamp, renderQueryError, renderQueryResponse } from "./aws-query-xml.js";
import { ServiceError } from "../contract/service-error.js";
import { throwsServiceError } from "../../test/support/service-errors.js";

const form = (text: string) => [...new URLSearchParams(text)];

test("a form is read into the input shape: scalars, lists of structures, integers and booleans", () => {
  const created = readQueryInput(
    iam,
    "CreateUserRequest",
    form("Action=CreateUser&Version=2010-05-08&UserName=bob&Path=%2Fteam%2F&Tags.member.1.Key=team&Tags.member.1.Value=blue+green&Tags.member.2.Key=env&Tags.member.2.Value="),
  );
  assert.equal(created.problem, undefined);
  assert.deepEqual(created.input, {
    Path: "/team/",
    UserName: "bob",
    Tags: [
      { Key: "team", Value: "blue green" },
      { Key: "env", Value: "" },
    ],
  });
  const listed = readQueryInput(iam, "ListUsersRequest", form("MaxItems=20&Marker=abc"));
  assert.deepEqual(listed.input, { Marker: "abc", MaxItems: 20 });
  const version = readQueryInput(iam, "CreatePolicyVersionRequest", form("PolicyArn=arn%3Aaws%3Aiam%3A%3A1%3Apolicy%2Fp&PolicyDocument=%7B%7D&SetAsDefault=true"));
  assert.deepEqual(version.input, { PolicyArn: "arn:aws:iam::1:policy/p", PolicyDocument: "{}", SetAsDefault: true });
});

test("list items come in index order whatever order the form has them in; an empty list is `Name=`", () => {
  const untag = readQueryInput(iam, "UntagUserRequest", form("UserName=bob&TagKeys.member.10=j&TagKeys.member.2=b&TagKeys.member.1=a"));
  assert.deepEqual(untag.input, { UserName: "bob", TagKeys: ["a", "b", "j"] });
  assert.deepEqual(readQueryInput(iam, "UntagUserRequest", form("UserName=bob&TagKeys=")).input, { UserName: "bob", TagKeys: [] });
});

test("maps and flattened lists, as the query protocol writes them", () => {
  const model: ServiceModel = {
    metadata: { apiVersion: "1", endpointPrefix: "x", serviceId: "X", protocol: "query", signingName: "x" },
    operations: {},
    shapes: {
      In: { type: "structure", members: { Attrs: { shape: "Attrs" }, Ids: { shape: "Ids", flattened: true }, Names: { shape: "Names" } } },
      Attrs: { type: "map", key: { shape: "S" }, value: { shape: "S" } },
      Ids: { type: "list", member: { shape: "S" } },
      Names: { type: "list", member: { shape: "S", locationName: "Name" } },
      S: { type: "string" },
    },
  };
  const { input } = readQueryInput(model, "In", form("Attrs.entry.1.key=a&Attrs.entry.1.value=1&Attrs.entry.2.key=b&Attrs.entry.2.value=2&Ids.1=x&Ids.2=y&Names.Name.1=n"));
  assert.deepEqual(input, { Attrs: { a: "1", b: "2" }, Ids: ["x", "y"], Names: ["n"] });
});

test("a value of the wrong type is left out and reported as a ValidationError", () => {
  const { input, problem } = readQueryInput(iam, "ListUsersRequest", form("MaxItems=ten"));
  assert.deepEqual(input, { MaxItems: undefined });
  assert.equal(problem?.code, "ValidationError");
  assert.equal(problem?.message, "1 validation error detected: Value 'ten' at 'maxItems' failed to satisfy constraint: Member must be an integer");
  assert.equal(readQueryInput(iam, "CreatePolicyVersionRequest", form("SetAsDefault=yes")).problem?.code, "ValidationError");
});

test("validation is the model's, with IAM's ValidationError code and Coral's words", () => {
  throwsServiceError(
    () => validateQueryInput(iam, "CreateUserRequest", { UserName: "bad name!" }),
    "ValidationError",
    "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
  );
  throwsServiceError(
    () => validateQueryInput(iam, "CreateUserRequest", {}),
    "ValidationError",
    "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
  );
  throwsServiceError(
    () => validateQueryInput(sts, "AssumeRoleRequest", { RoleArn: "arn:aws:iam::111111111111:role/r", RoleSessionName: "s", DurationSeconds: 60 }),
    "ValidationError",
    "2 validation errors detected: Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
      "Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
  );
  throwsServiceError(
    () => validateQueryInput(iam, "TagUserRequest", { UserName: "bob", Tags: [{ Key: "k" }] }),
    "ValidationError",
    "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
  );
});

test("a response: the Result wrapper, members in model order, lists as <member>, ISO dates, XML escaped, the request id", () => {
  const xml = renderQueryResponse(
    iam,
    "CreateUser",
    { User: { UserName: "a&b", Path: "/", UserId: "AIDA1", Arn: "arn:aws:iam::1:user/a&b", CreateDate: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), Tags: [{ Key: "k", Value: "<v>" }] } },
    "req-1",
  );
  assert.equal(
    xml,
    '<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User><Path>/</Path><UserName>a&amp;b</UserName>' +
      "<UserId>AIDA1</UserId><Arn>arn:aws:iam::1:user/a&amp;b</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate>" +
      "<Tags><member><Key>k</Key><Value>&lt;v&gt;</Value></member></Tags></User></CreateUserResult>" +
      "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateUserResponse>",
  );
});

test("booleans are lower-case, numbers plain, empty lists present, absent members left out", () => {
  const xml = renderQueryResponse(iam, "ListUsers", { Users: [], IsTruncated: false, Marker: undefined }, "r");
  assert.match(xml, /<ListUsersResult><Users><\/Users><IsTruncated>false<\/IsTruncated><\/ListUsersResult>/);
  const version = renderQueryResponse(iam, "GetPolicy", { Policy: { PolicyName: "p", AttachmentCount: 3, IsAttachable: true } }, "r");
  assert.match(version, /<Policy><PolicyName>p<\/PolicyName><AttachmentCount>3<\/AttachmentCount><IsAttachable>true<\/IsAttachable><\/Policy>/);
});

test("an operation without output answers only its metadata", () => {
  assert.equal(
    renderQueryResponse(iam, "DeleteUser", {}, "r-2"),
    '<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></DeleteUserResponse>',
  );
});

test("STS answers in its own namespace; timestamps with a fraction keep it", () => {
  const xml = renderQueryResponse(sts, "GetCallerIdentity", { UserId: "AIDA", Account: "111111111111", Arn: "arn:aws:iam::111111111111:user/u" }, "r");
  assert.match(xml, /^<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><UserId>AIDA<\/UserId>/);
  assert.equal(isoTimestamp(new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 250))), "2024-01-01T00:00:00.250Z");
  assert.equal(isoTimestamp(1704067200), "2024-01-01T00:00:00Z");
  assert.equal(escapeXml(`a"b'c\r\n`), "a&quot;b&apos;c&#xD;&#xA;");
});

test("errors: <ErrorResponse> with Type Sender (4xx) or Receiver (5xx), the code and the status", () => {
  assert.equal(
    renderQueryError(iam, new ServiceError("NoSuchEntity", "The user with name bob cannot be found.", 404), "r-3"),
    '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>' +
      "<Message>The user with name bob cannot be found.</Message></Error><RequestId>r-3</RequestId></ErrorResponse>",
  );
  const internal = queryErrorResponse(new Error("boom"), iam, "r");
  assert.equal(internal.status, 500);
  assert.match(internal.body, /<Type>Receiver<\/Type><Code>InternalFailure<\/Code>/);
  assert.doesNotMatch(internal.body, /boom/);
  const stsError = queryErrorResponse(new QueryFailure(new ServiceError("AccessDenied", "no", 403), sts), iam, "r");
  assert.equal(stsError.status, 403);
  assert.match(stsError.body, /xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"/);
});

test("SigV4 failures get IAM's and STS's codes and statuses", () => {
  const mapped = (code: string, message = "m") => {
    const e = queryAuthError(new ServiceError(code, message, 400));
    return [e.code, e.status, e.message];
  };
  assert.deepEqual(mapped("UnrecognizedClientException", "The security token included in the request is invalid."), [
    "InvalidClientTokenId",
    403,
    "The security token included in the request is invalid.",
  ]);
  assert.deepEqual(mapped("InvalidSignatureException"), ["SignatureDoesNotMatch", 403, "m"]);
  assert.deepEqual(mapped("IncompleteSignatureException"), ["IncompleteSignature", 400, "m"]);
  assert.deepEqual(mapped("MissingAuthenticationTokenException"), ["MissingAuthenticationToken", 403, "Request is missing Authentication Token"]);
  assert.deepEqual(mapped("ExpiredTokenException"), ["ExpiredToken", 403, "m"]);
});

test("a query request is a form POST without X-Amz-Target", () => {
  assert.equal(isQueryRequest("POST", "application/x-www-form-urlencoded; charset=utf-8", undefined), true);
  assert.equal(isQueryRequest("GET", "application/x-www-form-urlencoded", undefined), false);
  assert.equal(isQueryRequest("POST", "application/x-amz-json-1.1", undefined), false);
  assert.equal(isQueryRequest("POST", "application/x-www-form-urlencoded", "secretsmanager.ListSecrets"), false);
});
