// Finding the secret a SecretId names: a name, a full ARN, or a partial ARN (the ARN without the
// six-character suffix), in the caller's Region. A name is looked up in the caller's account; an
// ARN may name another account's secret, which the policy engine has let the caller reach (DESIGN §6). As on AWS, an ARN ending in a
// hyphen and six characters is taken as complete, so a name shaped like that has no partial ARN.

import { parseArn } from "../util/arn.js";
import type { SecretRepo } from "../store/store.js";
import type { CallContext } from "../contract/call-context.js";
import type { SecretRecord } from "../contract/secret-types.js";
import { invalidName } from "./secret-errors.js";

// A SecretId holds the characters of a name, or of an ARN (the same and colons); AWS refuses any
// other before looking anything up.
const SECRET_ID_CHARS = /^[A-Za-z0-9/_+=.@!:-]+$/;

const LOOKS_COMPLETE = /-[A-Za-z0-9]{6}$/;

export async function findSecret(
  store: Pick<SecretRepo, "findSecretByArn" | "findSecretByName">,
  ctx: CallContext,
  secretId: string,
): Promise<SecretRecord | undefined> {
  if (!SECRET_ID_CHARS.test(secretId)) throw invalidName();
  if (!secretId.startsWith("arn:")) return store.findSecretByName(ctx.accountId, secretId);
  const arn = parseArn(secretId);
  if (!arn || arn.service !== "secretsmanager" || arn.region !== ctx.region || arn.partition !== ctx.partition) return undefined;
  if (!arn.resource.startsWith("secret:")) return undefined;
  const exact = await store.findSecretByArn(secretId);
  if (exact || LOOKS_COMPLETE.test(arn.resource)) return exact;
  return store.findSecretByName(arn.accountId, arn.resource.slice("secret:".length));
}
