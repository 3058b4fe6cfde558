// The AWS JSON 1.1 services the edge speaks, each with its generated model.

import { model as secretsmanager } from "../generated/secretsmanager-model.js";
import { model as kms } from "../generated/kms-model.js";
import type { JsonService } from "./aws-json.js";

export const jsonServices: JsonService[] = [
  { model: secretsmanager, signingName: "secretsmanager" },
  { model: kms, signingName: "kms" },
];
