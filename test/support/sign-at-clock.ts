// A client that signs every request at a test's hand-moved clock. The SDK corrects its clock only
// from the Date header of the response before, so the first request after the clock is set (in the
// past) or moved by more than SigV4's 15 minutes of skew would be refused without this.

import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Clock } from "../../src/util/clock.js";

export function signAtClock(client: SecretsManagerClient, clock: Clock): SecretsManagerClient {
  client.middlewareStack.add(
    (next) => (args) => {
      client.config.systemClockOffset = clock.now() - Date.now();
      return next(args);
    },
    { step: "build", name: "signWithTestClock" },
  );
  return client;
}
