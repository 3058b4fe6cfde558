// The store seam's part in `meridian backup` and `meridian restore` (make-store.ts): the stores of
// a data directory's Regions as they all were at one moment, each copied to one file; a check that
// a copy is whole; putting a checked copy in place. A store kind that keeps its data elsewhere (a
// PostgreSQL database) makes and installs its copies its own way (a dump) behind the same functions.

export interface StoreSnapshot {
  /** the Regions whose stores it holds, sorted */
  readonly regions: string[];
  /** write `region`'s store, as it was when the snapshot was taken, to `file` (a new file) */
  copyTo(region: string, file: string): Promise<void>;
  /** let the stores go (while held, a snapshot keeps what it sees from being overwritten) */
  close(): void;
}
