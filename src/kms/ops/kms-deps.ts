// What the KMS API operations need: the Region's key service, its key store (for listing and
// aliases) and the clock.

import type { KeyRepo } from "../../store/store.js";
import type { Clock } from "../../util/clock.js";
import type { KeyService } from "../key-service.js";

export interface KmsDeps {
  keys: KeyService;
  store: Pick<KeyRepo, "listKeys" | "getAlias" | "listAliases" | "putAlias" | "deleteAlias">;
  clock: Clock;
}
