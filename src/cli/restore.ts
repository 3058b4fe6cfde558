// `meridian restore`: a backup made by `meridian backup` put back in a data directory, for the next
// `meridian serve`. It holds the directory's lock throughout (refused while a server holds it, and
// no server starts meanwhile), and checks everything before it replaces anything: each file against
// its checksum, each Region store as the store kind checks a copy (SQLite: quick_check), and the
// root key, unsealed by the configured seal, against the stores. The files are unpacked in a
// directory inside the data directory (same file system: moving them in is a rename), then moved in
// between two states of the restore marker (region/restore-marker.ts): a restore cut short is
// refused at start, and a finished one has the restored Regions reconciled with their peers.

import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkStoreCopy, installStoreCopy, isStoreFile, storeKind } from "../store/make-store.js";
import { DATA_DIR_LOCK_FILE, lockDataDir } from "../region/data-dir-lock.js";
import { RESTORE_MARKER_FILE, writeRestoreMarker } from "../region/restore-marker.js";
import { matchesRootKeyCheck, ROOT_KEY_CHECK_FILE } from "../region/region-host.js";
import { AUTH_MODE_FILE } from "../edge/auth-mode.js";
import { makeSeal, readSealConfig, type SealConfig } from "../seal/make-seal.js";
import { SEAL_FILES, SEAL_KINDS } from "../seal/seal-files.js";
import { openArchive, type ArchiveEntry, type ArchiveReader } from "./backup-archive.js";

const RESTORE_USAGE = `Usage: meridian restore --from <file> [--data-dir <dir>] [--force] [--seal <kind>]

Puts a backup made by \`meridian backup\` in a data directory, for the next \`meridian serve\`.
Refused while a server holds the data directory (stop it first). Before anything is replaced, the
backup is checked: every file against its checksum, every Region store with SQLite's quick_check,
and the root key: the configured seal must unseal it, and it must be the one the stores were
sealed with.
  --from <file>        the backup file
  --data-dir <dir>     the data directory to restore into (MERIDIAN_DATA_DIR, default ./.meridian);
                       made, mode 0700, when absent
  --force              replace the Meridian files the data directory holds (refused without it
                       unless it is empty; other files are left alone; refused even with it when
                       it does not look like a Meridian data directory)
  --seal <kind>        the seal the server will start with (MERIDIAN_SEAL and its MERIDIAN_SEAL_*
                       variables, as for serve; default file)
  --skip-seal-check    do not unseal the root key here (its KMS or HSM cannot be reached from this
                       machine); the first start checks it

At the first start after a restore, each restored Region moves what it is primary of ahead of its
replicas and runs its anti-entropy pass at once, so the replicas take the restored state; a
restored replica takes its primary's newer state at that Region's next pass or the secret's next
change.
`;

/** Where the backup is unpacked, inside the data directory; left by a restore that was killed, it is removed by the next. */
const STAGING_PREFIX = ".restore-";

/** Runs `meridian restore`; output goes to `write`; returns the exit code. */
export async function restore(argv: string[], env: NodeJS.ProcessEnv, write: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: "string" },
      "data-dir": { type: "string" },
      force: { type: "boolean" },
      seal: { type: "string" },
      "skip-seal-check": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    write(RESTORE_USAGE);
    return 0;
  }
  if (!values.from) throw new Error("restore needs --from <backup file> (try --help)");
  const from = resolve(values.from);
  if (!existsSync(from)) throw new Error(`no backup file at ${from}`);
  const dataDir = resolve(values["data-dir"] ?? env.MERIDIAN_DATA_DIR ?? ".meridian");
  if (dirname(from) === dataDir) throw new Error(`${from} is inside the data directory it would replace; move it elsewhere first`);
  // A bad seal setting fails here, before the data directory is touched.
  const sealConfig = values["skip-seal-check"] ? undefined : readSealConfig(env, values.seal);

  const lock = lockDataDir(dataDir); // made 0700 when absent; refused while a server holds it
  try {
    for (const f of readdirSync(dataDir)) if (f.startsWith(STAGING_PREFIX)) rmSync(join(dataDir, f), { recursive: true, force: true });
    const present = readdirSync(dataDir).filter((f) => f !== DATA_DIR_LOCK_FILE).sort();
    if (present.length > 0) refuseToReplace(dataDir, present, values.force === true);

    const archive = openArchive(from);
    const stage = mkdtempSync(join(dataDir, STAGING_PREFIX));
    try {
      const { stores, files } = await unpack(archive, from, stage);
      const keyCheck = sealConfig ? await checkRootKey(sealConfig, archive, stage, env) : "not checked (--skip-seal-check): the first start checks it";

      // Everything checks out: replace. A restore cut short from here is refused at start.
      const marker = { from, takenAt: archive.about.takenAt ?? "unknown", regions: stores.map((e) => e.name) };
      writeRestoreMarker(dataDir, { ...marker, state: "restoring" });
      const replaced = present.filter(isMeridians);
      for (const f of replaced) if (f !== RESTORE_MARKER_FILE) rmSync(join(dataDir, f), { force: true });
      for (const e of files) renameSync(join(stage, e.name), join(dataDir, e.name));
      for (const e of stores) await installStoreCopy(join(stage, copyName(e)), { dataDir, region: e.name });
      syncDirectory(dataDir);
      writeRestoreMarker(dataDir, { ...marker, state: "restored" });

      write(
        `Restored ${from} (taken ${marker.takenAt} from ${archive.about.dataDir ?? "a data directory"}) into ${dataDir}:\n` +
          `  Region stores: ${marker.regions.join(", ")}\n` +
          `  files: ${files.map((e) => e.name).join(", ") || "none"}\n` +
          (replaced.length > 0 ? `  replaced: ${replaced.join(", ")}\n` : "") +
          (replaced.length < present.length ? `  left as they were (not Meridian's): ${present.filter((f) => !isMeridians(f)).join(", ")}\n` : "") +
          `  root key: ${keyCheck}\n` +
          "At its next start Meridian reconciles the restored Regions with their replication peers (anti-entropy).\n",
      );
      return 0;
    } finally {
      archive.close();
      rmSync(stage, { recursive: true, force: true });
    }
  } finally {
    lock.release();
  }
}

/** What Meridian writes in a data directory: what a restore replaces. Anything else there is left alone. */
function isMeridians(name: string): boolean {
  return isStoreFile(name) || SEAL_KINDS.some((k) => SEAL_FILES[k] === name) || [ROOT_KEY_CHECK_FILE, AUTH_MODE_FILE, RESTORE_MARKER_FILE].includes(name);
}

/** Without --force a restore replaces nothing; with it, only a Meridian data directory's files. */
function refuseToReplace(dataDir: string, present: string[], force: boolean): void {
  const shown = present.length > 8 ? `${present.slice(0, 8).join(", ")} and ${present.length - 8} more` : present.join(", ");
  if (!force) {
    throw new Error(`${dataDir} is not empty (${shown}); a restore would replace what it holds: give --force, or restore into an empty directory`);
  }
  if (!present.some(isMeridians)) {
    throw new Error(`${dataDir} does not look like a Meridian data directory (${shown}); even with --force a restore replaces only one: restore into an empty directory`);
  }
}

/** Store copies are unpacked under a name no data directory file has, until they are installed. */
const copyName = (e: ArchiveEntry) => `${e.name}.store-copy`;

/** Every entry written to the staging directory and checked against its checksum; each store copy checked whole. */
async function unpack(archive: ArchiveReader, from: string, stage: string) {
  const stores = archive.entries.filter((e) => e.role === "store");
  const files = archive.entries.filter((e) => e.role === "file");
  if (archive.about.storeKind !== storeKind()) throw new Error(`${from} holds ${archive.about.storeKind} stores; this Meridian keeps ${storeKind()} stores`);
  if (stores.length === 0) throw new Error(`${from} holds no Region store`);
  for (const e of files) {
    if (e.name === DATA_DIR_LOCK_FILE || e.name === RESTORE_MARKER_FILE || e.name.startsWith(STAGING_PREFIX) || isStoreFile(e.name)) {
      throw new Error(`${from} cannot be restored: it holds a file a backup never holds (${e.name})`);
    }
    archive.extract(e, join(stage, e.name));
  }
  for (const e of stores) {
    const copy = join(stage, copyName(e));
    archive.extract(e, copy);
    try {
      await checkStoreCopy(copy);
    } catch (err) {
      throw new Error(`${from} cannot be restored: its copy of Region ${e.name}'s store is not whole: ${(err as Error).message}`, { cause: err });
    }
  }
  return { stores, files };
}

/** The root key, unsealed from the staged files by the configured seal, against the stores' check value. */
async function checkRootKey(config: SealConfig, archive: ArchiveReader, stage: string, env: NodeJS.ProcessEnv): Promise<string> {
  const sealFile = SEAL_KINDS.find((k) => archive.entries.some((e) => e.role === "file" && e.name === SEAL_FILES[k]));
  // Checked first, so that no seal ever makes a new root key here.
  if (sealFile === undefined && !(config.kind === "file" && env.MERIDIAN_ROOT_KEY)) {
    throw new Error("the backup holds no sealed root key: its stores were sealed with MERIDIAN_ROOT_KEY (file seal); set it to the same value");
  }
  if (sealFile !== undefined && sealFile !== config.kind) {
    throw new Error(`the backup's root key is sealed by the ${sealFile} seal (${SEAL_FILES[sealFile]}); restore with --seal ${sealFile} (MERIDIAN_SEAL=${sealFile}) and its settings`);
  }
  let key: Buffer;
  try {
    key = await makeSeal(config, stage, env).loadRootKey();
  } catch (e) {
    const skip = config.kind === "file" ? "" : " (--skip-seal-check restores without unsealing it, when the seal cannot be reached from here)";
    throw new Error(`the ${config.kind} seal cannot unseal the backup's root key: ${(e as Error).message}${skip}`, { cause: e });
  }
  try {
    const matches = matchesRootKeyCheck(stage, key);
    if (matches === false) throw new Error(`the root key from the ${config.kind} seal is not the one the backup's stores were sealed with`);
    return matches ? `unsealed by the ${config.kind} seal; the stores were sealed with it` : `unsealed by the ${config.kind} seal (the backup has no check value: the first start checks it against the stores)`;
  } finally {
    key.fill(0);
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
