// The one suite every Region store passes (DESIGN §7), in the style of seal-conformance.ts: run by
// src/store/sqlite/sqlite-store.test.ts against the SQLite store; another store runs it with one
// call of storeConformance and a factory for its stores. Each test gets a fresh, empty store and
// asserts only what a caller of the seam (src/store/store.ts) can see: never a table, a file or a
// statement. The sections live in store/.

import { describe } from "node:test";
import type { TestContext } from "node:test";
import type { AuditReader, RegionStore } from "../../src/store/store.js";
import { secretsConformance } from "./store/secrets.js";
import { outboxConformance } from "./store/outbox.js";
import { outboxLeaseConformance } from "./store/outbox-lease.js";
import { locksConformance } from "./store/locks.js";
import { documentsConformance } from "./store/documents.js";
import { recordsConformance } from "./store/records.js";
import { auditConformance } from "./store/audit.js";
import { lifecycleConformance } from "./store/lifecycle.js";
import { callEventsConformance } from "./store/call-events.js";
import { damageConformance } from "./store/damage.js";
import { sharingConformance } from "./store/sharing.js";
import { backupConformance, type BackupSubject } from "./store/backup.js";

export interface StoreSubject<P> {
  /** why the suite cannot run here (no database server), or undefined */
  skip?: string;
  /** somewhere no store was opened yet: a fresh file, a fresh schema */
  freshPlace(): P | Promise<P>;
  /** open the store at `place`, creating it when absent; called again on the same place after close */
  open(place: P): RegionStore | Promise<RegionStore>;
  /** open the store at `place` to read its audit trail only (`meridian audit`), beside the open store */
  openAuditReader(place: P): AuditReader | Promise<AuditReader>;
  /** remove what the place holds, once its store is closed */
  drop(place: P): void | Promise<void>;
  /**
   * Damage the store's data where it lives, as a failing disk would, such that a store open on it
   * meets the damage on its next read and a store opened on it is refused. Unset: the damage
   * section is skipped (a store whose server guards its own pages).
   */
  damage?(place: P): void | Promise<void>;
  /**
   * Commits return before the disk has them and are synced as a group, so whenDurable() is a
   * pending promise after each change. A store that syncs every commit leaves this unset and may
   * answer undefined always.
   */
  groupCommit?: boolean;
  /** `meridian backup` and `meridian restore` through the seam (store-backup.ts) */
  backup?: BackupSubject<P>;
}

/** A fresh store for one test, closed and dropped when the test ends. */
export interface StoreUnderTest {
  readonly store: RegionStore;
  /** close the store and open the same place again, as a restarted node does */
  reopen(): Promise<RegionStore>;
  /** an audit reader on the same place, closed when the test ends */
  auditReader(): Promise<AuditReader>;
  /** a second store open on the same place at once, as another worker or node has; closed when the test ends */
  sharing(): Promise<RegionStore>;
  /** damage the place's data (StoreSubject.damage), the store open or not */
  damage(): Promise<void>;
}

export type FreshStore = (t: TestContext) => Promise<StoreUnderTest>;

export interface SuiteOptions {
  groupCommit: boolean;
}

export function storeConformance<P>(name: string, subject: StoreSubject<P>): void {
  const fresh: FreshStore = async (t) => {
    const place = await subject.freshPlace();
    let store: RegionStore | undefined = await subject.open(place);
    const readers: AuditReader[] = [];
    const others: RegionStore[] = [];
    t.after(async () => {
      for (const r of readers) await r.close();
      for (const o of others) await o.close();
      await store?.close();
      await subject.drop(place);
    });
    return {
      get store() {
        return store!;
      },
      async reopen() {
        await store!.close();
        store = undefined; // closed, whether or not the open below succeeds
        store = await subject.open(place);
        return store;
      },
      async damage() {
        await subject.damage!(place);
      },
      async sharing() {
        const other = await subject.open(place);
        others.push(other);
        return other;
      },
      async auditReader() {
        const reader = await subject.openAuditReader(place);
        readers.push(reader);
        return reader;
      },
    };
  };
  const options: SuiteOptions = { groupCommit: subject.groupCommit ?? false };
  describe(`store conformance: ${name}`, { skip: subject.skip }, () => {
    describe("secrets", () => secretsConformance(fresh));
    describe("outbox and replica statuses", () => outboxConformance(fresh));
    describe("outbox leases", () => outboxLeaseConformance(fresh));
    describe("locks for background jobs", () => locksConformance(fresh));
    describe("keys, identities and meta", () => recordsConformance(fresh));
    describe("documents", () => documentsConformance(fresh));
    describe("audit trail", () => auditConformance(fresh));
    describe("durability, wipe and reopen", () => lifecycleConformance(fresh, options));
    describe("a call's audit event commits with its change", () => callEventsConformance(fresh));
    describe("stores sharing one place: change counters and caches", () => sharingConformance(fresh));
    describe("damage", { skip: subject.damage ? undefined : "this store cannot be damaged from outside" }, () => damageConformance(fresh));
    if (subject.backup) describe("backup and restore", () => backupConformance(subject, subject.backup!));
  });
}
