// The services the edge speaks, each with its generated model: AWS JSON 1.1 ones routed by
// X-Amz-Target, rest-json ones (the Account API) by path, query ones (IAM, STS, CloudFormation) by form Action.

import { model as secretsmanager } from "../generated/secretsmanager-model.js";
import { model as kms } from "../generated/kms-model.js";
import { model as account } from "../generated/account-model.js";
import { model as iam } from "../generated/iam-model.js";
import { model as sts } from "../generated/sts-model.js";
import { model as cloudformation } from "../generated/cloudformation-model.js";
import { validateAccountRequest } from "../account/account-validation.js";
import type { JsonService } from "./aws-json.js";
import type { RestJsonService } from "./rest-json.js";
import type { QueryService } from "./aws-query.js";

export const jsonServices: JsonService[] = [
  { model: secretsmanager, signingName: "secretsmanager", internalError: "InternalServiceError" },
  { model: kms, signingName: "kms", internalError: "KMSInternalException" },
];

export const restJsonServices: RestJsonService[] = [
  { model: account, signingName: "account", global: true, validate: validateAccountRequest },
];

/** Services of the query protocol; the first one's namespace is used when none is known. */
export const queryServices: QueryService[] = [
  { model: iam, signingName: "iam" },
  { model: sts, signingName: "sts" },
  { model: cloudformation, signingName: "cloudformation", regional: true },
];
