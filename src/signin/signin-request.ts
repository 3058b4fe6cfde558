// What a sign-in request may carry, checked before anything is looked up: an account ID of twelve
// digits and either an IAM user's name and password (with a new password when a reset is due) or
// the root's access key pair. Anything else is refused with the field it concerns.

import { ServiceError } from "../contract/service-error.js";

export type SignInRequest =
  | { kind: "user"; partition: string; accountId: string; userName: string; password: string; newPassword?: string }
  | { kind: "root"; partition: string; accountId: string; accessKeyId: string; secretAccessKey: string };

const invalid = (message: string) => new ServiceError("ValidationException", message, 400);

function text(body: Record<string, unknown>, name: string, max: number): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string" || v.length > max) throw invalid(`${name} must be a string of at most ${max} characters.`);
  return v;
}

export function parseSignInRequest(raw: unknown, defaultPartition: string): SignInRequest {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalid("The request body must be a JSON object.");
  const body = raw as Record<string, unknown>;
  const accountId = text(body, "accountId", 12);
  if (accountId === undefined || !/^\d{12}$/.test(accountId)) throw invalid("Account ID must be 12 digits.");
  const partition = text(body, "partition", 32) ?? defaultPartition;
  const accessKeyId = text(body, "accessKeyId", 128);
  if (accessKeyId !== undefined) {
    const secretAccessKey = text(body, "secretAccessKey", 128);
    if (secretAccessKey === undefined) throw invalid("Secret access key is required.");
    return { kind: "root", partition, accountId, accessKeyId, secretAccessKey };
  }
  const userName = text(body, "userName", 64);
  if (userName === undefined) throw invalid("IAM user name is required.");
  const password = text(body, "password", 128);
  if (password === undefined) throw invalid("Password is required.");
  const newPassword = text(body, "newPassword", 128);
  return { kind: "user", partition, accountId, userName, password, ...(newPassword !== undefined ? { newPassword } : {}) };
}
