// The operator's accounts endpoint (issue 10 item 6): `POST /_meridian/accounts` creates an account
// (`meridian accounts create`), `GET` lists them (`meridian accounts list`). Both are operator
// actions: only principals of the operator account (the one Meridian bootstraps, --account-id)
// may, its root or an IAM principal whose policies allow meridian:CreateAccount /
// meridian:ListAccounts, decided by the policy engine (another account's root is cross-account
// and no resource policy lets it in: fail closed). Each call goes through the dispatcher like any
// AWS call, so it is decided and audited on the same path; the new root key's secret is a
// sensitive member, hidden in the event.

import type { Caller } from "./authenticate.js";
import type { Dispatch, DispatchedService } from "./dispatch.js";
import type { ServiceModel } from "../contract/model-types.js";
import { parseJsonBody } from "./aws-json.js";
import { validateInput } from "./validate.js";
import { ServiceError } from "../contract/service-error.js";
import type { RequestHead } from "./sigv4.js";
import type { AccessRequest } from "../contract/access-request.js";
import type { RegionHost } from "../region/region-host.js";
import { createAccount } from "../iam/create-account.js";
import { bodyAfter, type ApiDeps, type Route } from "./route.js";
import { operatorFailure } from "./operator-routes.js";

const OPERATOR_ACCOUNTS_PATH = "/_meridian/accounts";

/** The operator endpoints as a service model: what validation and the audit trail read. */
export const operatorModel: ServiceModel = {
  metadata: { apiVersion: "2026-01-01", endpointPrefix: "meridian", serviceId: "Meridian", protocol: "rest-json", signingName: "meridian" },
  operations: {
    CreateAccount: { input: "CreateAccountRequest", output: "CreateAccountResponse", errors: [], http: { method: "POST", requestUri: OPERATOR_ACCOUNTS_PATH } },
    ListAccounts: { input: "ListAccountsRequest", output: "ListAccountsResponse", errors: [], http: { method: "GET", requestUri: OPERATOR_ACCOUNTS_PATH } },
  },
  shapes: {
    CreateAccountRequest: { type: "structure", members: {} },
    CreateAccountResponse: {
      type: "structure",
      members: { AccountId: { shape: "AccountId" }, AccessKeyId: { shape: "AccessKeyId" }, SecretAccessKey: { shape: "SecretAccessKey" } },
    },
    ListAccountsRequest: { type: "structure", members: {} },
    ListAccountsResponse: { type: "structure", members: { Accounts: { shape: "Accounts" } } },
    Accounts: { type: "list", member: { shape: "Account" } },
    Account: {
      type: "structure",
      members: { AccountId: { shape: "AccountId" }, CreateDate: { shape: "Timestamp" }, Operator: { shape: "Boolean" } },
    },
    AccountId: { type: "string", pattern: "^\\d{12}$" },
    AccessKeyId: { type: "string" },
    SecretAccessKey: { type: "string", sensitive: true },
    Timestamp: { type: "timestamp" },
    Boolean: { type: "boolean" },
  },
};

/** How the dispatcher and the audit trail name these calls: eventSource "meridian", actions meridian:*. */
const operatorService: DispatchedService = {
  signingName: "meridian",
  model: operatorModel,
  denied: { code: "AccessDeniedException", status: 403 },
};

interface OperatorAccountsDeps {
  host: Pick<RegionHost, "identity" | "homeRegionOf">;
  /** the account Meridian bootstrapped (--account-id): its principals are the operators */
  operatorAccountId: string;
  /** the caller, and the body once its signature's head has passed (DESIGN §12) */
  authenticate(expectedService: string, opts: { global?: boolean }): Promise<{ caller: Caller; body: Buffer }>;
  /** the edge's dispatcher, with the request's facts (request id, source IP, user agent) filled in */
  dispatch(d: Omit<Dispatch, "requestId" | "sourceIp" | "userAgent" | "secureTransport">): Promise<object>;
}

/** Answers a request to OPERATOR_ACCOUNTS_PATH with the JSON text of its output. */
async function answerOperatorAccounts(req: RequestHead, deps: OperatorAccountsDeps): Promise<string> {
  const operation = req.method === "POST" ? "CreateAccount" : req.method === "GET" ? "ListAccounts" : undefined;
  if (!operation) throw new ServiceError("UnknownOperationException", `${req.method} is not supported on ${OPERATOR_ACCOUNTS_PATH}: POST creates an account, GET lists them.`, 405);
  // Signed for IAM (the CLI signs so), in any hosted Region of the caller's partition.
  const { caller, body } = await deps.authenticate("iam", { global: true });
  const input = operation === "CreateAccount" ? parseJsonBody(body) : {};
  const partition = caller.node.info.partition;
  const output = await deps.dispatch({
    service: operatorService,
    operation,
    caller,
    input,
    validate: () => validateInput(operatorModel, operatorModel.operations[operation]!.input!, input),
    handler: async () =>
      operation === "CreateAccount" ? { ...(await createAccount(deps.host.identity)) } : { Accounts: listAccounts(deps, partition) },
    access: async (_ctx, op) => [operatorRequest(op, caller, deps.operatorAccountId)],
    // Audited where the partition's identities are written, as IAM calls are.
    region: deps.host.homeRegionOf(partition),
  });
  return JSON.stringify(output);
}

/**
 * The call as the policy engine sees it: an action on the operator account. The operator's root
 * is allowed (its own account), its IAM principals when a policy allows the action, and a principal
 * of any other account never (no resource policy names it).
 */
function operatorRequest(operation: string, caller: Caller, operatorAccountId: string): AccessRequest {
  const action = `meridian:${operation}`;
  const request: AccessRequest = { action, resource: "*", resourceAccount: operatorAccountId };
  if (caller.principal.account !== operatorAccountId) {
    const what = operation === "CreateAccount" ? "create accounts" : "list accounts";
    request.deniedAs = {
      code: operatorService.denied.code,
      message: `User: ${caller.principal.arn} is not authorized to perform: ${action} because only the operator account's principals may ${what}`,
    };
  }
  return request;
}

function listAccounts(deps: OperatorAccountsDeps, partition: string) {
  const accounts = deps.host.identity.partition(partition)?.accounts() ?? [];
  return accounts
    .sort((a, b) => a.createDate - b.createDate || a.accountId.localeCompare(b.accountId))
    .map((a) => ({ AccountId: a.accountId, CreateDate: a.createDate / 1000, Operator: a.accountId === deps.operatorAccountId }));
}

/** The edge route: `/_meridian/accounts`, answered in JSON as the operator routes are. */
export function operatorAccountsRoute(deps: ApiDeps, operatorAccountId: string): Route {
  return {
    name: "operator accounts",
    headFirst: true,
    matches: (r) => r.path === OPERATOR_ACCOUNTS_PATH,
    async handle(r, tools) {
      const answer = await answerOperatorAccounts(r.head, {
        host: deps.host,
        operatorAccountId,
        authenticate: async (service, authOpts) => {
          const { pending, body } = await bodyAfter(deps.authenticator.begin(r.head, service), tools);
          return { caller: await pending.finish(body, service, authOpts), body };
        },
        dispatch: (d) => deps.dispatch({ ...d, ...r.facts }),
      });
      return { status: 200, body: answer, contentType: "application/json" };
    },
    failure: operatorFailure,
  };
}
