// What `meridian restore` leaves in a data directory for the next start (after-restore.ts). While
// it replaces the files it says "restoring": a restore cut short (killed, a full disk) leaves a
// directory that is neither the old one nor the backup, and a start refuses it rather than serve
// half of each. Once every file is in place it says "restored", with the Regions whose stores came
// from the backup: they may be behind their peers, and the first start reconciles them at once.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

export const RESTORE_MARKER_FILE = "restore.json";

export interface RestoreMarker {
  state: "restoring" | "restored";
  /** the backup file, as given to `meridian restore` */
  from: string;
  /** when the backup was taken (ISO 8601) */
  takenAt: string;
  /** the Regions restored and not yet reconciled with their peers */
  regions: string[];
}

export function readRestoreMarker(dataDir: string): RestoreMarker | undefined {
  const file = join(dataDir, RESTORE_MARKER_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    const m = JSON.parse(text) as Partial<RestoreMarker>;
    if ((m.state === "restoring" || m.state === "restored") && typeof m.from === "string" && Array.isArray(m.regions)) {
      return { state: m.state, from: m.from, takenAt: String(m.takenAt), regions: m.regions.map(String) };
    }
  } catch {
    // reported below
  }
  // Written whole (renamed into place): anything else was not written by a restore.
  throw new Error(`${file} is not a restore marker Meridian wrote; run meridian restore again`);
}

/** Write the marker whole or not at all, synced. */
export function writeRestoreMarker(dataDir: string, marker: RestoreMarker): void {
  const file = join(dataDir, RESTORE_MARKER_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, "w", 0o600);
  try {
    writeSync(fd, JSON.stringify(marker) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** `region` has been reconciled: drop it from the marker, and the marker with its last Region. */
export function markReconciled(dataDir: string, region: string): void {
  const marker = readRestoreMarker(dataDir);
  if (!marker) return;
  const regions = marker.regions.filter((r) => r !== region);
  if (regions.length === 0) rmSync(join(dataDir, RESTORE_MARKER_FILE), { force: true });
  else writeRestoreMarker(dataDir, { ...marker, regions });
}
