// What a store persists for replication besides the outbox (store.ts): the primary's view of each
// replica Region of a secret.

/** What the primary keeps about one replica Region (not replicated, no revision). */
export interface ReplicaStatus {
  status: "InProgress" | "InSync" | "Failed";
  statusMessage?: string;
  /** version ids the replica holds values for, so later syncs send only new ones */
  versions?: string[];
  revision?: number;
  lastAccessedDate?: number;
}
