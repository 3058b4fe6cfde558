// What the KMS API operations need: the Region's key service, its key store (for listing and
// aliases), the clock, and (for multi-Region keys) the way to the other Regions.

import type { KeyRepo } from "../../store/store.js";
import type { Clock } from "../../util/clock.js";
import type { KeyService } from "../key-service.js";
import type { KeyReplication } from "../key-replication.js";

export interface KmsDeps {
  keys: KeyService;
  store: Pick<KeyRepo, "listKeys" | "getAlias" | "listAliases" | "putAlias" | "deleteAlias">;
  clock: Clock;
  /** absent where the Region has no replication (multi-Region keys then stay in their Region) */
  keyReplication?: KeyReplication;
}
