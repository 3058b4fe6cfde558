// Backup and restore through the seam (`meridian backup`, `meridian restore`; src/store/store-backup.ts):
// a snapshot's copy holds the store as it was when the snapshot was taken, whatever is written
// while it is copied; a check passes it; installed in another place, the store opened there holds
// just that. A file that is not a whole copy fails the check, naming the file.

import assert from "node:assert/strict";
import { it } from "node:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoreSubject } from "../store-conformance.js";
import type { StoreSnapshot } from "../../../src/store/store-backup.js";
import { ACCOUNT, sealed, secret } from "./fixtures.js";

export interface BackupSubject<P> {
  /** a snapshot of the store at `place`, taken beside the store open there */
  snapshot(place: P): Promise<StoreSnapshot>;
  checkCopy(file: string): Promise<void>;
  /** make the copy the store at `place` (a fresh place) */
  installCopy(file: string, place: P): Promise<void>;
}

export function backupConformance<P>(subject: StoreSubject<P>, backup: BackupSubject<P>): void {
  it("a copy holds the store as it was at the snapshot; installed elsewhere, the store there holds just that", async () => {
    const files = mkdtempSync(join(tmpdir(), "meridian-store-copy-"));
    const [from, to] = [await subject.freshPlace(), await subject.freshPlace()];
    const store = await subject.open(from);
    try {
      const kept = secret("kept");
      const value = sealed("v1");
      await store.commitSecret({ record: kept, expectedRevision: 0, putValues: [value] });
      await store.putMeta("n", "at the snapshot");
      const snapshot = await backup.snapshot(from);
      // written while the copy is made: not in it
      await store.putMeta("n", "after the snapshot");
      await store.commitSecret({ record: secret("later"), expectedRevision: 0, putValues: [sealed("v1")] });
      const file = join(files, "copy");
      try {
        assert.equal(snapshot.regions.length, 1);
        await snapshot.copyTo(snapshot.regions[0]!, file);
      } finally {
        snapshot.close();
      }
      await backup.checkCopy(file);
      await backup.installCopy(file, to);
      const restored = await subject.open(to);
      try {
        assert.equal(await restored.getMeta("n"), "at the snapshot");
        assert.deepEqual(await restored.findSecretByName(ACCOUNT, "kept"), await store.findSecretByName(ACCOUNT, "kept"));
        assert.deepEqual(await restored.getValue(kept.arn, "v1"), value);
        assert.equal(await restored.findSecretByName(ACCOUNT, "later"), undefined);
      } finally {
        await restored.close();
      }
      assert.equal(await store.getMeta("n"), "after the snapshot", "the store itself went on");
    } finally {
      await store.close();
      await subject.drop(from);
      await subject.drop(to);
      rmSync(files, { recursive: true, force: true });
    }
  });

  it("a file that is not a whole copy fails the check, naming the file", async () => {
    const files = mkdtempSync(join(tmpdir(), "meridian-store-copy-"));
    try {
      const file = join(files, "not-a-copy");
      writeFileSync(file, Buffer.alloc(64 * 1024, 0x5a));
      await assert.rejects(backup.checkCopy(file), (e: Error) => e.message.includes(file));
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
  });
}
