// The store conformance suite (test/conformance/store-conformance.ts) against the SQLite store:
// one file per test in a fresh directory. A second store runs the same suite with one more
// storeConformance call.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storeConformance } from "../../../test/conformance/store-conformance.js";
import { checkStoreCopy, installStoreCopy, openAuditReader, openStore, snapshotStores } from "../make-store.js";

storeConformance<string>("sqlite", {
  freshPlace: () => mkdtempSync(join(tmpdir(), "meridian-store-")),
  open: (dataDir) => openStore({ dataDir, region: "us-east-1" }, { kind: "sqlite" }),
  openAuditReader: (dataDir) => openAuditReader({ dataDir, region: "us-east-1" }, { kind: "sqlite" }),
  drop: (dataDir) => rmSync(dataDir, { recursive: true, force: true }),
  groupCommit: true,
  backup: {
    snapshot: (dataDir) => snapshotStores(dataDir, ["us-east-1"], { kind: "sqlite" }),
    checkCopy: (file) => checkStoreCopy(file, { kind: "sqlite" }),
    installCopy: (file, dataDir) => installStoreCopy(file, { dataDir, region: "us-east-1" }, { kind: "sqlite" }),
  },
});
