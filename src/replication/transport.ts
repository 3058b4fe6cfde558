// The replication transport seam (DESIGN §7): deliver a message to another Region and return its
// answer. In-process between Regions of one process, HTTPS between processes; the messages are the
// same, encoded and decoded, so the laptop shape exercises the path the distributed one uses.

import type { KeyObject } from "node:crypto";
import type { ApplyOutcome, ReplicationMessage } from "./replication-types.js";

export interface ReplicationTransport {
  /** throws RegionUnreachable when the destination cannot be reached */
  send(message: ReplicationMessage): Promise<ApplyOutcome>;
  /** the destination Region's transport public key, to seal values to it */
  publicKeyOf(region: string): Promise<KeyObject>;
  /**
   * A cheap question to a Region that could not be reached: resolves once it answers at all (even
   * to refuse), throws RegionUnreachable while nothing answers. The outbox worker asks it on a short
   * fixed interval instead of retrying every queued delivery.
   */
  probe(region: string): Promise<void>;
}

/** The receiving side: a Region that applies messages addressed to it. */
export interface ReplicationReceiver {
  apply(message: ReplicationMessage): Promise<ApplyOutcome>;
  publicKey(): KeyObject;
}
