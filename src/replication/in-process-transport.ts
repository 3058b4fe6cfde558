// Replication between Regions hosted by one process: each message is encoded to JSON and decoded
// again on the way, exactly as it would cross a network.

import type { ApplyOutcome, ReplicationMessage } from "./replication-types.js";
import { RegionUnreachable } from "./replication-types.js";
import type { ReplicationReceiver, ReplicationTransport } from "./transport.js";

export function makeInProcessTransport(receiverOf: (region: string) => ReplicationReceiver | undefined): ReplicationTransport {
  return {
    async send(message: ReplicationMessage): Promise<ApplyOutcome> {
      const receiver = receiverOf(message.dest);
      if (!receiver) throw new RegionUnreachable(`Region ${message.dest} is not reachable from this process`);
      const wire = JSON.stringify(message);
      const outcome = await receiver.apply(JSON.parse(wire) as ReplicationMessage);
      return JSON.parse(JSON.stringify(outcome)) as ApplyOutcome;
    },
    async publicKeyOf(region: string) {
      const receiver = receiverOf(region);
      if (!receiver) throw new RegionUnreachable(`Region ${region} is not reachable from this process`);
      return receiver.publicKey();
    },
    async probe(region: string) {
      if (!receiverOf(region)) throw new RegionUnreachable(`Region ${region} is not reachable from this process`);
    },
  };
}
