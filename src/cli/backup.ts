// `meridian backup`: a data directory in one file (backup-archive.ts), taken while Meridian serves
// it or not. Every Region's store is copied as it was at one moment (the store seam's snapshot,
// make-store.ts); the sealed root key and the other files go in exactly as they are on disk. It
// writes nothing in the data directory (it holds the stores' write locks for an instant, so it
// needs the access a server has to them).

import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isStoreFile, parseStoreConfig, snapshotStores, storeKind, storedRegions } from "../store/make-store.js";
import { DATA_DIR_LOCK_FILE } from "../region/data-dir-lock.js";
import { RESTORE_MARKER_FILE } from "../region/restore-marker.js";
import { SEAL_FILES, SEAL_KINDS } from "../seal/seal-files.js";
import { createArchive, type ArchiveEntry } from "./backup-archive.js";

const BACKUP_USAGE = `Usage: meridian backup --out <file> [--data-dir <dir>]

Copies a data directory into one file, while Meridian serves it or not: every Region's store as it
was at one moment, and the sealed root key and the other files exactly as they are on disk. Nothing
in the data directory is changed. \`meridian restore\` puts it back.
  --out <file>         the backup file to write (mode 0600); it must not exist yet
  --data-dir <dir>     the data directory (MERIDIAN_DATA_DIR, default ./.meridian)
  --store <store>      the store meridian serve uses (MERIDIAN_STORE): a PostgreSQL store is refused,
                       it is backed up with pg_dump

With the file seal (the default) the backup holds the root key in the clear: whoever reads it can
decrypt every secret in it. Keep it as you keep the data directory.
`;

/** The files of a data directory that are a process's, not data: never in a backup. */
const NOT_DATA = new Set([DATA_DIR_LOCK_FILE, RESTORE_MARKER_FILE]);

/** Runs `meridian backup`; output goes to `write`; returns the exit code. */
export async function backup(argv: string[], env: NodeJS.ProcessEnv, write: (text: string) => void, version: string): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: "string" }, "data-dir": { type: "string" }, store: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    write(BACKUP_USAGE);
    return 0;
  }
  // A PostgreSQL store is the database's to back up: a data directory holds only the node's own files.
  if (parseStoreConfig(values.store ?? env.MERIDIAN_STORE).kind === "postgres") {
    throw new Error("the Regions' store is PostgreSQL: back it up with pg_dump (or the database's own backups); meridian backup copies SQLite data directories only");
  }
  if (!values.out) throw new Error("backup needs --out <file> (try --help)");
  const dataDir = resolve(values["data-dir"] ?? env.MERIDIAN_DATA_DIR ?? ".meridian");
  const out = resolve(values.out);
  if (!existsSync(dataDir)) throw new Error(`no data directory at ${dataDir}`);
  if (existsSync(out)) throw new Error(`${out} exists; give a new file name`);
  if (dirname(out) === dataDir) throw new Error("write the backup outside the data directory (a restore replaces what the directory holds)");
  const regions = await storedRegions(dataDir);
  if (regions.length === 0) throw new Error(`${dataDir} holds no Region store: nothing to back up`);

  const others = readdirSync(dataDir).filter((f) => !NOT_DATA.has(f) && !isStoreFile(f) && !f.endsWith(".tmp") && isFile(join(dataDir, f))).sort();
  // The copies wait beside the output file (same file system, the owner's alone) until archived.
  const work = mkdtempSync(join(dirname(out), ".meridian-backup-"));
  const archive = createArchive(out);
  const stored: ArchiveEntry[] = [];
  const files: ArchiveEntry[] = [];
  try {
    const snapshot = await snapshotStores(dataDir, regions);
    const takenAt = new Date().toISOString();
    try {
      for (const region of snapshot.regions) {
        const copy = join(work, region);
        await snapshot.copyTo(region, copy);
        stored.push(archive.add("store", region, copy, 0o600));
        rmSync(copy);
      }
    } finally {
      snapshot.close();
    }
    for (const f of others) files.push(archive.add("file", f, join(dataDir, f), statSync(join(dataDir, f)).mode));
    archive.finish({ takenAt, dataDir, meridianVersion: version, storeKind: storeKind(), seal: sealOf(others) });
    const bytes = statSync(out).size;
    write(
      `Backed up ${dataDir} to ${out} (${mib(bytes)}), as it was at ${takenAt}:\n` +
        `  Region stores: ${stored.map((e) => e.name).join(", ")}\n` +
        `  files: ${files.map((e) => e.name).join(", ") || "none"}\n` +
        sealNote(sealOf(others)),
    );
    return 0;
  } catch (e) {
    archive.abort();
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function isFile(path: string): boolean {
  return lstatSync(path).isFile();
}

/** Which seal keeps the root key, by its file; "env" when none does (MERIDIAN_ROOT_KEY, file seal). */
function sealOf(files: string[]): string {
  return SEAL_KINDS.find((k) => files.includes(SEAL_FILES[k])) ?? "env";
}

function sealNote(seal: string): string {
  if (seal === "file") return `  The root key is in it in the clear (file seal, ${SEAL_FILES.file}): keep the backup as secret as the data directory.\n`;
  if (seal === "env") return "  The root key is not in it (MERIDIAN_ROOT_KEY): a restore needs that value.\n";
  return `  The root key is in it sealed by the ${seal} seal: a restore needs that seal's key.\n`;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
