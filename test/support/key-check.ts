// Whether an access key is one a server takes: a ListSecrets signed with it, answered or refused as
// an unknown key (anything else fails the test). The client is destroyed after.

import assert from "node:assert/strict";
import { ListSecretsCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

export async function keyAccepted(client: SecretsManagerClient): Promise<boolean> {
  try {
    await client.send(new ListSecretsCommand({}));
    return true;
  } catch (e) {
    assert.equal((e as Error).name, "UnrecognizedClientException");
    return false;
  } finally {
    client.destroy();
  }
}
