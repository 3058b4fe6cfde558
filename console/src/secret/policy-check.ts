// A resource policy checked before it is saved: ValidateResourcePolicy's findings as one message,
// undefined when the policy passes.

import { ValidateResourcePolicyCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

export async function validatePolicy(client: SecretsManagerClient, policy: string, secretId?: string): Promise<string | undefined> {
  const out = await client.send(new ValidateResourcePolicyCommand({ ResourcePolicy: policy, ...(secretId ? { SecretId: secretId } : {}) }));
  if (out.PolicyValidationPassed) return undefined;
  return (out.ValidationErrors ?? []).map((e) => `${e.CheckName ?? "Check"}: ${e.ErrorMessage ?? "failed"}`).join(" ") || "The policy did not pass validation.";
}
