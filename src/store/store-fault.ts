// A Region's store that is damaged, or cannot be opened (issue 12 item 3). The store raises it
// naming the Region and where the store lives, at open or from the first statement that meets the
// damage; the Region host then takes that Region out of service (logged once) while the others
// serve, and each protocol answers the Region's calls with its own internal error and
// `clientMessage`, which names the Region but not the file.

export class StoreFault extends Error {
  constructor(
    readonly region: string,
    /** where the store lives: a file, a database */
    readonly place: string,
    /** damaged (corrupt pages, not a database), as opposed to unopenable (permissions, a missing directory) */
    readonly damaged: boolean,
    readonly reason: string,
  ) {
    super(`Region ${region}'s store ${place} ${damaged ? "is damaged" : "cannot be opened"}: ${reason}`);
  }

  /** What a client and the health endpoint are told: the Region and what the operator must do, never the file. */
  get clientMessage(): string {
    return this.damaged
      ? `Region ${this.region} is out of service: its store is damaged. The operator must restore it from a backup.`
      : `Region ${this.region} is out of service: its store cannot be opened. The operator must repair or restore it.`;
  }
}
