// The store conformance suite (test/conformance/store-conformance.ts) against the SQLite store:
// one file per test in a fresh directory. A second store runs the same suite with one more
// storeConformance call.

import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { storeConformance } from "../../../test/conformance/store-conformance.js";
import { checkStoreCopy, installStoreCopy, openAuditReader, openStore, snapshotStores } from "../make-store.js";

storeConformance<string>("sqlite", {
  freshPlace: () => mkdtempSync(join(tmpdir(), "meridian-store-")),
  open: (dataDir) => openStore({ dataDir, region: "us-east-1" }, { kind: "sqlite" }),
  openAuditReader: (dataDir) => openAuditReader({ dataDir, region: "us-east-1" }, { kind: "sqlite" }),
  drop: (dataDir) => rmSync(dataDir, { recursive: true, force: true }),
  damage: (dataDir) => damagePages(join(dataDir, "us-east-1.sqlite")),
  groupCommit: true,
  backup: {
    snapshot: (dataDir) => snapshotStores(dataDir, ["us-east-1"], { kind: "sqlite" }),
    checkCopy: (file) => checkStoreCopy(file, { kind: "sqlite" }),
    installCopy: (file, dataDir) => installStoreCopy(file, { dataDir, region: "us-east-1" }, { kind: "sqlite" }),
  },
});

/**
 * Garbage over every page of the file but the first (its header), then a write by another
 * connection that touches only the header (user_version): a connection open on the file drops its
 * page cache on any change it did not make (WAL mode), so its next read meets the garbage.
 */
function damagePages(file: string): void {
  const pageSize = 4096; // SQLite's default, which the store keeps
  const fd = openSync(file, "r+");
  try {
    for (let offset = pageSize; offset < statSync(file).size; offset += pageSize) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, offset);
  } finally {
    closeSync(fd);
  }
  const poke = new Database(file);
  try {
    poke.pragma("user_version = 7");
  } finally {
    poke.close();
  }
}
